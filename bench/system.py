"""A peak day through the whole system: N applications, all four services, fresh servers.

    uv run python bench/system.py [--applications 50000] [--backend sqlite|postgresql]

Starts its own Kafka, FerretDB and SMTP sink on other ports under .state/bench-system
(so the figures never include records other runs left behind), grants the sample
organisations' approvals, starts the four services as separate processes, publishes
N submissions to portal.application-submitted.v1 and waits until every consumer
group has caught up with every topic. Prints the elapsed time, applications per
second, each service's peak resident memory, the CPU milliseconds every process
(servers included) spent per application, each service's database commands per
application (the costliest collections too), and then, on the same servers, the bare
relay's records per second (`bench/baseline.py`): the peer figure of the same run.

    --history N   first leaves the databases as N earlier applications would have
                  (`bench/_history.py`), so the figures show whether cost grows with history.
"""

import argparse
import asyncio
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._drain import Probe, counts, lag, service_groups, settle
from bench._history import replicate
from bench._kafka import produce_events
from bench._samples import ORGANISATIONS, application, approval
from bench._stack import REPO, SERVICES, Stack
from bench._usage import database_work, group_cpu_seconds
from bench.baseline import bare_relay
from chassis.provision import provision
from contracts.topics import BUREAU_APPROVAL_GRANTED, PORTAL_APPLICATION_SUBMITTED

SERVERS = ("kafka", "mongo", "postgresql", "smtp")
"""postgresql: FerretDB's storage under --backend postgresql (its CPU counts apart from FerretDB's)."""
KEY_TOPICS = ("eligibility.application-assessed.v1", "intake.application-status-changed.v1")
"""Each application adds at least one record to each: the run is over when both grew by the applications."""
HISTORY_SEED = 2000
"""Applications sent through the system before the copies that make the history (`bench/_history.py`)."""
SEED_INDEX = 10_000_000
"""The seed's sample applications start here, so their submissions are never the measured run's."""


def stack(port_offset: int, backend: str | None = None) -> Stack:
    folder = REPO / ".state" / ("bench-system" + (f"+{port_offset}" if port_offset else ""))
    n = port_offset
    return Stack(
        folder, kafka_port=19092 + n, mongo_port=27018 + n, smtp_port=11025 + n, http_port=18081 + n, backend=backend
    )


async def wait_drained(system: Stack, expected_groups: int, minimum: dict[str, int], timeout: float) -> float:
    """Seconds until every group has consumed everything and the key topics hold their minimum."""

    async def probe() -> Probe:
        held = await counts(system.bootstrap, minimum)
        if not all(held[t] >= n for t, n in minimum.items()):
            # Not done yet, whatever the groups say. Reading every group's offsets costs the broker about 70
            # requests (a coordinator lookup and an offset fetch per group), twice a second: a quarter of what
            # it served in a run, all of it counted as Kafka's CPU per application. The counts cost a handful.
            return Probe(False, (None, tuple(held.values())), f"counts {held}")
        groups = await service_groups(system.bootstrap)
        behind = sum((await lag(system.bootstrap, groups)).values())
        done = len(groups) >= expected_groups and behind == 0
        return Probe(done, (behind, tuple(held.values())), f"lag {behind}, counts {held}")

    settled = await settle(probe, timeout, interval=0.5)
    if settled.seconds is None:
        raise TimeoutError(f"not drained: {settled.why}")
    return settled.seconds


def cpu_seconds(system: Stack) -> dict[str, float]:
    groups = {name: system.pid(name) for name in (*SERVICES, *SERVERS)}
    return {name: group_cpu_seconds(pid) for name, pid in groups.items() if pid is not None}


def database(system: Stack) -> dict[str, tuple[Counter[str], Counter[str]]]:
    """Each service's database commands and documents so far (`bench/_usage.py`)."""
    return {s: database_work(f"http://127.0.0.1:{system.http_port + n}/metrics") for n, s in enumerate(SERVICES)}


async def fill_history(system: Stack, history: int) -> dict[str, float]:
    """Leaves the services' databases as `history` earlier applications would have (`bench/_history.py`)."""
    if system.env.get("MONGO_BACKEND", "sqlite") != "sqlite":
        raise SystemExit("--history copies FerretDB's SQLite tables: run it with --backend sqlite")
    seed = min(history, HISTORY_SEED)
    before = await counts(system.bootstrap, KEY_TOPICS)
    now = datetime.now(UTC)
    earlier = (application(SEED_INDEX + i, now) for i in range(seed))
    await produce_events(PORTAL_APPLICATION_SUBMITTED, earlier, system.bootstrap)
    await wait_drained(system, 4, {t: before[t] + seed for t in KEY_TOPICS}, 3600)
    system.services("stop")
    started = time.perf_counter()
    rows = replicate(system.state / "ferretdb" / "data", list(SERVICES), seed, history)
    copied = time.perf_counter() - started
    system.services("start")
    return {"history_applications": history, "history_seconds_to_fill": copied, "history_rows": sum(rows.values())}


async def run(system: Stack, applications: int, relay_records: int, history: int) -> dict[str, float]:
    await provision(system.bootstrap)
    today = datetime.now(UTC).date()
    await produce_events(BUREAU_APPROVAL_GRANTED, (approval(n, today) for n in range(ORGANISATIONS)), system.bootstrap)
    system.services("start")
    # Approvals must reach eligibility's projection before the first filing is judged.
    await wait_drained(system, 1, {"reporting.approval-changed.v1": ORGANISATIONS}, 120)
    filled = await fill_history(system, history) if history else {}
    before = await counts(system.bootstrap, KEY_TOPICS)
    cpu_before, database_before = cpu_seconds(system), database(system)
    started = time.perf_counter()
    now = datetime.now(UTC)
    submissions = (application(i, now) for i in range(applications))
    await produce_events(PORTAL_APPLICATION_SUBMITTED, submissions, system.bootstrap)
    await wait_drained(system, 4, {t: before[t] + applications for t in KEY_TOPICS}, 3600)
    elapsed = time.perf_counter() - started
    cpu_after, database_after = cpu_seconds(system), database(system)
    figures = {**filled, "applications": applications, "seconds": elapsed, "applications_per_s": applications / elapsed}
    figures.update({f"{s}_peak_rss_mb": system.peak_rss_mb(s) for s in SERVICES})
    spent = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
    figures.update({f"{name}_cpu_ms_per_application": 1000 * t / applications for name, t in spent.items()})
    figures["all_cpu_ms_per_application"] = 1000 * sum(spent.values()) / applications
    for service in SERVICES:
        (commands_after, documents_after), (commands_before, documents_before) = (
            database_after[service],
            database_before[service],
        )
        sent, carried = commands_after - commands_before, documents_after - documents_before
        figures[f"{service}_commands_per_application"] = sum(sent.values()) / applications
        figures[f"{service}_documents_per_application"] = sum(carried.values()) / applications
        for what, _ in (carried + sent).most_common(6):
            figures[f"  {service}: {what}: commands"] = sent[what] / applications
            figures[f"  {service}: {what}: documents"] = carried[what] / applications
    if relay_records:
        relay = await bare_relay(relay_records, system.bootstrap, system.mongodb_uri)
        figures["relay_records_per_s"] = relay["relay_records_per_s"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--relay-records", type=int, default=20_000, help="the bare relay's run after (0: none)")
    parser.add_argument("--port-offset", type=int, default=0, help="added to every port (default 0)")
    parser.add_argument("--history", type=int, default=0, help="earlier applications stored first (default 0)")
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql"), help="FerretDB's storage (default: deploy/servers.sh's)"
    )
    args = parser.parse_args()
    system = stack(args.port_offset, args.backend)
    system.fresh()
    try:
        system.servers("start")
        figures = asyncio.run(run(system, args.applications, args.relay_records, args.history))
    finally:
        system.down()
    for name, value in figures.items():
        print(f"{name:60} {value:12.2f}")


if __name__ == "__main__":
    main()
