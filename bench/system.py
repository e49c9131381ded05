"""A peak day through the whole system: N applications, all four services, fresh servers.

    uv run python bench/system.py [--applications 50000]

Starts its own Kafka, FerretDB and SMTP sink on other ports under .state/bench-system
(so the figures never include records other runs left behind), grants the sample
organisations' approvals, starts the four services as separate processes, publishes
N submissions to portal.application-submitted.v1 and waits until every consumer
group has caught up with every topic. Prints the elapsed time, applications per
second and each service's peak resident memory.
"""

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._drain import Probe, counts, lag, service_groups, settle
from bench._kafka import produce_events
from bench._samples import ORGANISATIONS, application, approval
from bench._stack import REPO, SERVICES, Stack
from chassis.provision import provision
from contracts.topics import BUREAU_APPROVAL_GRANTED, PORTAL_APPLICATION_SUBMITTED

STACK = Stack(REPO / ".state" / "bench-system", kafka_port=19092, mongo_port=27018, smtp_port=11025, http_port=18081)
BOOTSTRAP = STACK.bootstrap


async def wait_drained(expected_groups: int, minimum: dict[str, int], timeout: float) -> float:
    """Seconds until every group has consumed everything and the key topics hold their minimum."""

    async def probe() -> Probe:
        groups = await service_groups(BOOTSTRAP)
        behind = sum((await lag(BOOTSTRAP, groups)).values())
        held = await counts(BOOTSTRAP, minimum)
        done = len(groups) >= expected_groups and behind == 0 and all(held[t] >= n for t, n in minimum.items())
        return Probe(done, (behind, tuple(held.values())), f"lag {behind}, counts {held}")

    settled = await settle(probe, timeout, interval=0.5)
    if settled.seconds is None:
        raise TimeoutError(f"not drained: {settled.why}")
    return settled.seconds


async def run(applications: int) -> dict[str, float]:
    await provision(BOOTSTRAP)
    today = datetime.now(UTC).date()
    await produce_events(BUREAU_APPROVAL_GRANTED, (approval(n, today) for n in range(ORGANISATIONS)), BOOTSTRAP)
    STACK.services("start")
    # Approvals must reach eligibility's projection before the first filing is judged.
    await wait_drained(1, {"reporting.approval-changed.v1": ORGANISATIONS}, 120)
    started = time.perf_counter()
    now = datetime.now(UTC)
    await produce_events(PORTAL_APPLICATION_SUBMITTED, (application(i, now) for i in range(applications)), BOOTSTRAP)
    await wait_drained(
        4,
        {"eligibility.application-assessed.v1": applications, "intake.application-status-changed.v1": applications},
        1800,
    )
    elapsed = time.perf_counter() - started
    figures = {"applications": applications, "seconds": elapsed, "applications_per_s": applications / elapsed}
    figures.update({f"{s}_peak_rss_mb": STACK.peak_rss_mb(s) for s in SERVICES})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=50_000)
    args = parser.parse_args()
    STACK.fresh()
    try:
        STACK.servers("start")
        figures = asyncio.run(run(args.applications))
    finally:
        STACK.down()
    for name, value in figures.items():
        print(f"{name:30} {value:12.1f}")


if __name__ == "__main__":
    main()
