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
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiokafka.admin import AIOKafkaAdminClient

from bench._kafka import produce_events, rss_mb
from bench._samples import ORGANISATIONS, application, approval
from chassis.provision import provision
from contracts.topics import BUREAU_APPROVAL_GRANTED, PORTAL_APPLICATION_SUBMITTED

REPO = Path(__file__).resolve().parents[1]
STATE = REPO / ".state" / "bench-system"
SERVICES = ("intake", "eligibility", "notification", "reporting")
ENV = {
    "STATE_DIR": str(STATE),
    "KAFKA_PORT": "19092",
    "KAFKA_CONTROLLER_PORT": "19093",
    "MONGO_PORT": "27018",
    "SMTP_PORT": "11025",
    "INTAKE_PORT": "18081",
    "ELIGIBILITY_PORT": "18082",
    "NOTIFICATION_PORT": "18083",
    "REPORTING_PORT": "18084",
    "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:19092",
    "MONGODB_URI": "mongodb://127.0.0.1:27018/?directConnection=true",
    "LOG_LEVEL": "warning",
}
BOOTSTRAP = ENV["KAFKA_BOOTSTRAP_SERVERS"]


def sh(*command: str) -> None:
    subprocess.run(command, check=True, env={**os.environ, **ENV})


def fresh_state() -> None:
    shutil.rmtree(STATE, ignore_errors=True)
    (STATE / "kafka").mkdir(parents=True)
    (STATE / "kafka" / "libs").symlink_to(REPO / ".state" / "kafka" / "libs")
    (STATE / "bin").symlink_to(REPO / ".state" / "bin")


async def total_lag(admin: AIOKafkaAdminClient, groups: Iterable[str]) -> tuple[int, dict[str, int]]:
    ends: dict[tuple[str, int], int] = {}
    lag_by_group: dict[str, int] = {}
    for group in groups:
        committed = await admin.list_consumer_group_offsets(group)
        lag = 0
        for tp, meta in committed.items():
            if (tp.topic, tp.partition) not in ends:
                ends.update(await end_offsets(tp.topic))
            lag += max(0, ends.get((tp.topic, tp.partition), 0) - max(meta.offset, 0))
        lag_by_group[group] = lag
    return sum(lag_by_group.values()), lag_by_group


async def end_offsets(topic: str) -> dict[tuple[str, int], int]:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    # Subscribed at construction, so start() loads the topic's metadata (a bare consumer's is empty).
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=BOOTSTRAP, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        offsets = await consumer.end_offsets(partitions)
        return {(tp.topic, tp.partition): offset for tp, offset in offsets.items()}
    finally:
        await consumer.stop()


async def wait_drained(expected_groups: int, minimum: dict[str, int], timeout: float) -> float:
    """Seconds until every group has consumed everything and the key topics hold their minimum."""
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    started = time.perf_counter()
    calm = 0
    try:
        while time.perf_counter() - started < timeout:
            groups = [g for g, _ in await admin.list_consumer_groups() if g.split(".")[0] in SERVICES]
            lag, _ = await total_lag(admin, groups)
            counts = {t: sum((await end_offsets(t)).values()) for t in minimum}
            if len(groups) >= expected_groups and lag == 0 and all(counts[t] >= n for t, n in minimum.items()):
                calm += 1
                if calm == 2:
                    return time.perf_counter() - started
            else:
                calm = 0
            await asyncio.sleep(0.5)
        raise TimeoutError(f"not drained in {timeout}s: lag {lag}, counts {counts}")
    finally:
        await admin.close()


def peak_rss_mb(service: str) -> float:
    """VmHWM of the service's Python process (the pid file holds `uv run`, its parent)."""
    parent = (STATE / "services" / f"{service}.pid").read_text().strip()
    for pid in [parent, *subprocess.run(["pgrep", "-P", parent], capture_output=True, text=True).stdout.split()]:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        # The program itself, not `uv run ... python -m services.x`, whose arguments name it too.
        if Path(argv[0].decode()).name.startswith("python") and f"services.{service}".encode() in argv:
            return rss_mb(pid)
    return float("nan")


async def run(applications: int) -> dict[str, float]:
    await provision(BOOTSTRAP)
    today = datetime.now(UTC).date()
    await produce_events(BUREAU_APPROVAL_GRANTED, (approval(n, today) for n in range(ORGANISATIONS)), BOOTSTRAP)
    sh(str(REPO / "deploy/services.sh"), "start")
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
    figures.update({f"{s}_peak_rss_mb": peak_rss_mb(s) for s in SERVICES})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=50_000)
    args = parser.parse_args()
    fresh_state()
    sh(str(REPO / "deploy/servers.sh"), "start")
    try:
        figures = asyncio.run(run(args.applications))
    finally:
        subprocess.run([str(REPO / "deploy/services.sh"), "stop"], env={**os.environ, **ENV})
        subprocess.run([str(REPO / "deploy/servers.sh"), "stop"], env={**os.environ, **ENV})
    for name, value in figures.items():
        print(f"{name:30} {value:12.1f}")


if __name__ == "__main__":
    main()
