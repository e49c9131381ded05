"""Time eligibility's `assess` on one core: N assessments of varied applications.

    uv run python bench/eligibility_assess.py [-n 50000] [--profile]

Builds a pool of distinct applications before the clock starts (every filer category and
procedure, eligible and refused, with approvals for organisation filers: the unit tests'
`tests/unit/eligibility/pool.py`), then assesses them round-robin. Target: at least 20,000
assessments per second.
"""

import argparse
import cProfile
import pstats
import time

from services.eligibility.domain import assess
from tests.unit.eligibility.pool import cases as pool_of

POOL = 2_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50_000)
    parser.add_argument("--profile", action="store_true", help="print the 20 costliest functions")
    args = parser.parse_args()

    cases = pool_of(POOL)
    eligible = sum(assess(*case).eligible for case in cases)  # warm-up, and the mix

    def run() -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        for i in range(args.n):
            assess(*cases[i % POOL])
        return time.perf_counter() - wall, time.process_time() - cpu

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        return
    wall, cpu = run()
    print(f"pool: {POOL} applications, {eligible} eligible ({eligible / POOL:.0%})")
    # CPU time is this process's own: on a shared machine wall time also counts other work.
    print(f"{args.n} assessments: {args.n / wall:,.0f}/s wall ({wall:.3f} s), {args.n / cpu:,.0f}/s CPU ({cpu:.3f} s)")
    print(f"{args.n / wall:,.0f} assessments/second (one core)")


if __name__ == "__main__":
    main()
