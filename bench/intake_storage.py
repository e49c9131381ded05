"""Intake's database work per application: commands, documents and bytes, by command and collection.

    uv run python bench/intake_storage.py [--applications 500 --batch 100]

Drives intake's use cases in process (no broker: publishing is a no-op) over a
database of their own on the MongoDB-protocol server of `MONGODB_URI`, as the system
benchmark's applications go through intake: submitted, assessed eligible (accepted
and under examination), then three notices sent, each step in batches as consumed.
A pymongo command listener counts what each application causes. Counts, not rates:
they do not depend on the load of a shared machine. The database is dropped afterwards.
"""

import argparse
import asyncio
import os
import sys
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bson
from prometheus_client import CollectorRegistry
from pymongo import monitoring

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._usage import counted
from chassis.mongo import connect, ensure_indexes
from chassis.mongo_metrics import CommandMetrics, collection_of
from contracts.intake import Channel
from services.intake.adapters.number_blocks import MongoNumbers
from services.intake.adapters.repository import INDEXES, MongoApplications
from services.intake.domain.filing_window import FilingWindow
from services.intake.domain.inputs import InputKind, StatusInput
from services.intake.domain.numbering import application_id_for
from services.intake.handlers.concurrency import ApplicationLocks
from services.intake.handlers.outbox import Flusher
from services.intake.handlers.ports import OutboxEvent
from services.intake.handlers.progress import ApplyProgress, Progress
from services.intake.handlers.submit import Submission, SubmitApplications
from tests.integration.intake.builders import an_application


class WithBytes(CommandMetrics):
    """The services' own command metrics, and the bytes each command and its reply carried, by `command
    collection` (encoding every command to measure it is too dear for the services themselves)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        super().__init__(registry)
        self.bytes: Counter[str] = Counter()
        self._keys: dict[int, str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        super().started(event)
        key = self._keys[event.request_id] = f"{event.command_name} {collection_of(event.command_name, event.command)}"
        self.bytes[key] += len(bson.encode(event.command))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        super().succeeded(event)
        self.bytes[self._keys.pop(event.request_id, "")] += len(bson.encode(event.reply))


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class NoBroker:
    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        pass


async def run(uri: str, n: int, batch: int) -> None:
    registry = CollectorRegistry()
    usage = WithBytes(registry)
    client = connect(uri, listeners=[usage])
    database = client[f"bench_intake_storage_{uuid.uuid4().hex[:8]}"]
    try:
        await ensure_indexes(database, INDEXES)
        clock, locks = Clock(), ApplicationLocks()
        applications = MongoApplications(database, clock)
        numbers, flush = MongoNumbers(database, prefetch=1000), Flusher(applications, NoBroker())
        window = FilingWindow(max_ahead=timedelta(minutes=5), max_age=timedelta(days=30))
        submit = SubmitApplications(applications, numbers, clock, flush, locks, window=window)
        progress = ApplyProgress(applications, numbers, clock, flush, locks)
        filed = [an_application(f"sub-{i}").model_copy(update={"submitted_at": clock.now()}) for i in range(n)]
        ids = [application_id_for(a.submission_id, a.filer.filer_id) for a in filed]
        before, usage.bytes = counted(registry), Counter()  # only what the applications cause, not the indexes
        for start in range(0, n, batch):
            await submit([Submission(a, Channel.KAFKA, f"evt-{a.submission_id}") for a in filed[start : start + batch]])
        steps = [InputKind.ASSESSED_ELIGIBLE, InputKind.NOTICE_SENT, InputKind.NOTICE_SENT, InputKind.NOTICE_SENT]
        for step, kind in enumerate(steps):
            for start in range(0, n, batch):
                await progress(
                    [
                        Progress(i, StatusInput(kind=kind, source_event_id=f"{step}-{i}", occurred_at=clock.now()))
                        for i in ids[start : start + batch]
                    ]
                )
        after = counted(registry)
    finally:
        await client.drop_database(database.name)
        await client.close()
    commands, documents = after[0] - before[0], after[1] - before[1]
    total = (sum(commands.values()), sum(documents.values()), sum(usage.bytes.values()))
    print(f"per application (n={n}, batches of {batch}): commands {total[0] / n:.2f}, documents {total[1] / n:.2f}")
    print(f"  KB sent and received {total[2] / n / 1024:.1f}")
    for key, count in commands.most_common():
        print(
            f"  {key:32s} commands {count / n:5.2f}  documents {documents[key] / n:5.2f}"
            f"  KB {usage.bytes[key] / n / 1024:6.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    uri = os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/?directConnection=true")
    asyncio.run(run(uri, args.applications, args.batch))


if __name__ == "__main__":
    main()
