"""What intake's storage costs per application, whatever history is stored: the commands a batch
sends, and the size of the document a status change rewrites."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import ensure_indexes
from services.intake.adapters.number_blocks import MongoNumbers
from services.intake.adapters.repository import INDEXES, MongoApplications
from services.intake.domain.inputs import InputKind, StatusInput
from services.intake.handlers.concurrency import ApplicationLocks
from services.intake.handlers.outbox import Flusher
from services.intake.handlers.ports import OutboxEvent
from services.intake.handlers.progress import ApplyProgress, Progress
from tests.query_shapes import Commands, assert_point_reads
from tests.servers import Servers

from .test_repository import Now, a_stored

GROWN = ("applications", "application_numbers", "application_versions")
"""Collections that keep one or more documents for every application ever received."""


class Broker:
    def __init__(self) -> None:
        self.published: list[OutboxEvent] = []

    async def publish(self, events: Any) -> None:
        self.published.extend(events)


@pytest.fixture
async def logged(
    servers: Servers, database: AsyncDatabase[dict[str, Any]]
) -> AsyncIterator[tuple[Commands, AsyncDatabase[dict[str, Any]]]]:
    log = Commands()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        servers.mongodb_uri, tz_aware=True, event_listeners=[log]
    )
    yield log, client[database.name]
    await client.close()


async def test_a_batch_reads_and_writes_grown_collections_by_id_alone(
    logged: tuple[Commands, AsyncDatabase[dict[str, Any]]],
) -> None:
    log, database = logged
    await ensure_indexes(database, INDEXES)
    clock = Now()
    applications = MongoApplications(database, clock)
    broker = Broker()
    progress = ApplyProgress(
        applications, MongoNumbers(database), clock, Flusher(applications, broker), ApplicationLocks()
    )
    stored = [a_stored(f"sub-{i}", i) for i in range(1, 11)]
    log.clear()

    await applications.insert(stored)
    await progress(
        [
            Progress(
                s.state.application_id, StatusInput(kind=kind, source_event_id=f"{kind}-{i}", occurred_at=clock.now())
            )
            for i, s in enumerate(stored)
            for kind in (InputKind.ASSESSED_ELIGIBLE, InputKind.NOTICE_SENT)
        ]
    )
    await applications.pending(datetime.now(UTC), 100)

    assert_point_reads(log, *GROWN)
    # The small outbox collection is read by `_id` (in one command per batch), never by application.
    assert all("application_id" not in str(f) for _, _, f in log.on("outbox_pending"))
    # Each: the submission's two events, still pending, carried into the write that accepted it, and its three.
    assert len(broker.published) == 10 * 5


async def test_a_status_change_rewrites_the_state_alone_not_the_events(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    await ensure_indexes(database, INDEXES)
    applications = MongoApplications(database, Now())
    stored = a_stored("sub-1")
    await applications.insert([stored])
    clock = Now()
    progress = ApplyProgress(
        applications, MongoNumbers(database), clock, Flusher(applications, Broker()), ApplicationLocks()
    )

    await progress(
        [
            Progress(
                stored.state.application_id,
                StatusInput(kind=InputKind.ASSESSED_ELIGIBLE, source_event_id="assessed", occurred_at=clock.now()),
            )
        ]
    )

    document = await database.applications.find_one({"_id": stored.state.application_id})
    assert document is not None
    assert "outbox" not in document
    assert document["version"] == 2
    assert await database.outbox_pending.count_documents({}) == 0
