"""The fault suite: one fault per run under a steady load through all four services, one row per run.

    uv run python bench/faults.py [--scenarios a,b,c] [--applications N] [--rate R] [--short] [--list]

Each run starts its own Kafka, FerretDB and SMTP sink (Kafka 29092, FerretDB 27019, SMTP
21025, services 28081-28084; a three-node cluster adds 29192 and 29292) from an empty
folder under .state/faults/run, grants the sample organisations' approvals, starts the
services, publishes submissions at a steady rate while answering every acceptance with a
decision, injects its fault a few seconds in, and waits until every application is final,
every expected notice is in the sink and no consumer group is behind (or gives up: the
row then says "not drained"). It prints a Markdown table, writes the rows as JSON to
.state/faults/rows.json (each run's logs to .state/faults/logs/<scenario>/), and exits 1
if any row misses a target: every application final, no notice missing or sent twice,
dead-letter topics holding exactly the poison records. See docs/faults.md.
"""

import argparse
import asyncio
import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import Row, details, markdown, write_json
from bench._run import Options, execute, leave_nothing_running
from bench._scenarios import SHORT, catalogue
from bench._stack import REPO

ROOT = REPO / ".state" / "faults"


def arguments(names: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenarios", help=f"comma-separated, of: {', '.join(names)} (default: all)")
    parser.add_argument("--short", action="store_true", help=f"{', '.join(SHORT)}, 200 applications")
    parser.add_argument("--applications", type=int, help="per run (default 600, or 200 with --short)")
    parser.add_argument("--rate", type=float, default=40.0, help="submissions per second (default 40)")
    parser.add_argument("--fault-after", type=float, default=3.0, help="seconds into the load (default 3)")
    parser.add_argument("--drain-timeout", type=float, default=600.0, help="seconds after the fault (default 600)")
    parser.add_argument("--stall", type=float, help="give up after this long without progress (default 120; 60 short)")
    parser.add_argument("--log-level", default="warning", help="the services' LOG_LEVEL (default warning)")
    parser.add_argument("--port-offset", type=int, default=0, help="added to every port (default 0)")
    parser.add_argument("--list", action="store_true", help="print the scenarios and exit")
    return parser.parse_args()


def on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # so a runner's SIGTERM stops the servers and services too, as Ctrl-C does


async def suite(names: list[str], options: Options) -> list[Row]:
    scenarios = catalogue()
    rows: list[Row] = []
    for name in names:
        print(f"[faults] {name}: {scenarios[name].summary}", flush=True)
        row = await execute(scenarios[name], options)
        rows.append(row)
        verdict = "on target" if row.on_target else "; ".join(row.problems)
        print(f"[faults] {name}: {row.run_seconds:.0f} s, {verdict}", flush=True)
        write_json(rows, options.root / "rows.json")
    return rows


def main() -> int:
    scenarios = catalogue()
    args = arguments(list(scenarios))
    if args.list:
        print("\n".join(f"{s.name:28} {s.summary}" for s in scenarios.values()))
        return 0
    names = args.scenarios.split(",") if args.scenarios else list(SHORT if args.short else scenarios)
    unknown = [n for n in names if n not in scenarios]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; --list shows them", file=sys.stderr)
        return 2
    options = Options(
        root=ROOT.with_name(f"faults+{args.port_offset}") if args.port_offset else ROOT,  # its own servers' state
        applications=args.applications or (200 if args.short else 600),
        rate=args.rate,
        fault_after=args.fault_after,
        drain_timeout=args.drain_timeout,
        stall=args.stall or (60.0 if args.short else 120.0),
        log_level=args.log_level,
        port_offset=args.port_offset,
    )
    logging.basicConfig(level=logging.WARNING, format="[faults] %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # its retries are ours to report, not its own
    signal.signal(signal.SIGTERM, on_sigterm)
    started = time.monotonic()
    try:
        rows = asyncio.run(suite(names, options))
    except KeyboardInterrupt:
        leave_nothing_running(options)
        print("[faults] interrupted; rows so far in", options.root / "rows.json", file=sys.stderr)
        return 130
    print()
    print(markdown(rows))
    if notes := details(rows):
        print()
        print(notes)
    print(f"\n{len(rows)} run(s) in {time.monotonic() - started:.0f} s; rows in {options.root / 'rows.json'}")
    return 0 if all(r.on_target for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
