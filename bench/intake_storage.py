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
from typing import Any

import bson
from pymongo import AsyncMongoClient, monitoring

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chassis.mongo import ensure_indexes
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

_SENT = {"insert": "documents", "update": "updates", "delete": "deletes"}


class Usage(monitoring.CommandListener):
    """Commands, documents (sent or returned) and bytes (command and reply), by `command collection`."""

    def __init__(self) -> None:
        self.commands: Counter[str] = Counter()
        self.documents: Counter[str] = Counter()
        self.bytes: Counter[str] = Counter()
        self._keys: dict[int, str] = {}

    def clear(self) -> None:
        self.commands.clear()
        self.documents.clear()
        self.bytes.clear()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        name = event.command_name
        if name not in (*_SENT, "find", "getMore", "aggregate"):
            return
        collection = event.command.get("collection" if name == "getMore" else name)
        key = self._keys[event.request_id] = f"{name} {collection}"
        self.commands[key] += 1
        sent = event.command.get(_SENT.get(name, ""))
        self.documents[key] += len(sent) if isinstance(sent, list) else 0
        self.bytes[key] += len(bson.encode(event.command))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        key = self._keys.pop(event.request_id, None)
        if key is None:
            return
        cursor = event.reply.get("cursor")
        if isinstance(cursor, dict):
            batch = cursor.get("firstBatch", cursor.get("nextBatch"))
            self.documents[key] += len(batch) if isinstance(batch, list) else 0
        self.bytes[key] += len(bson.encode(event.reply))

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._keys.pop(event.request_id, None)


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class NoBroker:
    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        pass


async def run(uri: str, n: int, batch: int) -> None:
    usage = Usage()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True, event_listeners=[usage])
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
        usage.clear()  # only what the applications cause, not the indexes
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
    finally:
        await client.drop_database(database.name)
        await client.close()
    total = (sum(usage.commands.values()), sum(usage.documents.values()), sum(usage.bytes.values()))
    print(f"per application (n={n}, batches of {batch}): commands {total[0] / n:.2f}, documents {total[1] / n:.2f}")
    print(f"  KB sent and received {total[2] / n / 1024:.1f}")
    for key, count in usage.commands.most_common():
        print(
            f"  {key:32s} commands {count / n:5.2f}  documents {usage.documents[key] / n:5.2f}"
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
