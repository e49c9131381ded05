"""The MongoDB adapter on the real MongoDB-protocol server (FerretDB): guards, outbox removal, unique numbers."""

import asyncio
import json
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from chassis.errors import is_transient
from chassis.mongo import ensure_indexes
from contracts.intake import ApplicationStatus, Channel
from services.intake.adapters.documents import outbox_text, to_document
from services.intake.adapters.number_blocks import MongoNumbers
from services.intake.adapters.repository import INDEXES, MongoApplications, WriteConflict
from services.intake.domain.application import new_application, with_receipt_number
from services.intake.domain.inputs import InputKind, StatusInput
from services.intake.domain.numbering import application_id_for
from services.intake.handlers.concurrency import ApplicationLocks
from services.intake.handlers.outbox import Flusher
from services.intake.handlers.outputs import Outputs
from services.intake.handlers.ports import Change, Contention, OutboxEvent, Stored
from services.intake.handlers.progress import ApplyProgress, Progress

from .builders import an_application


class Now:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Later:
    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(minutes=5)


def a_stored(submission_id: str, number: int = 1) -> Stored:
    application = an_application(submission_id)
    state = new_application(
        application,
        application_id=application_id_for(submission_id, "staff-1"),
        provisional_number=f"P-20260302-{number:08d}",
        channel=Channel.HTTP,
        source_event_id="e",
    )
    outputs = Outputs(state, application, "e", None)
    now = datetime.now(UTC)
    return Stored(state, application, now, 1, (outputs.received(now), outputs.status_changed(None)))


def moved_on(stored: Stored, receipt: str | None = None) -> Change:
    state = stored.state.model_copy(update={"status": ApplicationStatus.ACCEPTED, "revision": 2})
    state = with_receipt_number(state, receipt) if receipt else state
    extra = replace(stored.outbox[1], id=f"{stored.outbox[1].id}-2")
    return Change(before=stored, after=replace(stored, state=state, version=2, outbox=(*stored.outbox, extra)))


@pytest.fixture
async def applications(database: AsyncDatabase[dict[str, Any]]) -> MongoApplications:
    await ensure_indexes(database, INDEXES)
    return MongoApplications(database, Now())


async def test_indexes_can_be_created_again_at_every_start(database: AsyncDatabase[dict[str, Any]]) -> None:
    for _ in range(3):
        await ensure_indexes(database, INDEXES)

    names = {index["name"] async for index in await database.applications.list_indexes()}
    assert {"submission", "provisional_number", "receipt_number"} <= names


async def test_a_stored_application_reads_back_equal(applications: MongoApplications) -> None:
    stored = a_stored("sub-1")
    await applications.insert([stored])

    found = await applications.get_many([stored.state.application_id])

    assert found[stored.state.application_id] == replace(
        stored, received_at=found[stored.state.application_id].received_at
    )
    assert await applications.find_by_number("P-20260302-00000001") == found[stored.state.application_id]


async def test_inserting_an_existing_application_leaves_it_and_says_so(applications: MongoApplications) -> None:
    first = a_stored("sub-1")
    await applications.insert([first])
    await applications.mark_sent([first])

    existed = await applications.insert([a_stored("sub-1", 5), a_stored("sub-2", 2)])

    assert existed == {first.state.application_id}
    found = await applications.get_many([first.state.application_id, a_stored("sub-2").state.application_id])
    assert found[first.state.application_id].state.provisional_number == "P-20260302-00000001"
    assert found[first.state.application_id].outbox == ()  # its events are not pending again
    assert await applications.find_by_number("P-20260302-00000005") is None


async def test_of_two_writers_from_the_same_version_only_the_first_writes(applications: MongoApplications) -> None:
    stored = a_stored("sub-1")
    await applications.insert([stored])
    await applications.update([moved_on(stored)])

    with pytest.raises(WriteConflict) as conflict:
        await applications.update([moved_on(stored)])

    assert isinstance(conflict.value, Contention)
    assert is_transient(conflict.value)


async def test_a_version_claimed_by_a_writer_that_died_is_freed_after_a_while(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    stored = a_stored("sub-1")
    await MongoApplications(database, Now()).insert([stored])
    await database.application_versions.insert_one({"_id": f"{stored.state.application_id}/2", "at": Now().now()})
    later = MongoApplications(database, Later())

    with pytest.raises(WriteConflict):
        await later.update([moved_on(stored)])
    await later.update([moved_on(stored)])

    [found] = (await later.get_many([stored.state.application_id])).values()
    assert found.state.status is ApplicationStatus.ACCEPTED


async def test_marking_sent_an_earlier_version_leaves_pending_all_a_later_write_carries(
    applications: MongoApplications,
) -> None:
    stored = a_stored("sub-1")
    await applications.insert([stored])
    change = moved_on(stored)
    await applications.update([change])  # meanwhile another writer added an event to those still pending

    await applications.mark_sent([stored])  # the first writer marks what it published

    [left] = (await applications.get_many([stored.state.application_id])).values()
    # The later write's marker holds every event pending when it wrote: published again, with the same ids.
    assert [e.id for e in left.outbox] == [e.id for e in change.after.outbox]
    assert [s.state.application_id for s in await applications.pending(datetime.now(UTC), 10)] == [
        stored.state.application_id
    ]
    await applications.mark_sent([left])
    assert await applications.pending(datetime.now(UTC), 10) == []


async def test_an_application_is_found_by_its_receipt_number(applications: MongoApplications) -> None:
    stored = a_stored("sub-1")
    await applications.insert([stored])
    await applications.update([moved_on(stored, "ON-2026-000000001-74")])

    found = await applications.find_by_number("ON-2026-000000001-74")

    assert found is not None
    assert found.state.application_id == stored.state.application_id


async def test_receipt_numbers_are_unique_across_applications(applications: MongoApplications) -> None:
    first, second = a_stored("sub-1"), a_stored("sub-2", 2)
    await applications.insert([first, second])
    await applications.update([moved_on(first, "ON-2026-000000001-74")])

    # MongoDB reports a duplicate key; FerretDB on SQLite an internal error naming the unique index.
    with pytest.raises(OperationFailure, match=r"receipt_number|E11000"):
        await applications.update([moved_on(second, "ON-2026-000000001-74")])
    [unchanged] = (await applications.get_many([second.state.application_id])).values()
    assert unchanged.state.receipt_number is None


async def test_two_instances_reserving_at_once_never_share_a_number(database: AsyncDatabase[dict[str, Any]]) -> None:
    instances = [MongoNumbers(database) for _ in range(4)]

    blocks = await asyncio.gather(*(n.reserve("receipt:ON:2026", 25) for n in instances for _ in range(5)))

    numbers = [seq for block in blocks for seq in block]
    assert sorted(numbers) == list(range(1, 501))


async def test_concurrent_writers_of_one_application_in_one_process_lose_no_update(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    await ensure_indexes(database, INDEXES)
    clock = Now()
    applications = MongoApplications(database, clock)
    locks = ApplicationLocks()

    class NoBroker:
        async def publish(self, events: Sequence[OutboxEvent]) -> None:
            await asyncio.sleep(0.001)

    flush = Flusher(applications, NoBroker())
    progress = ApplyProgress(applications, MongoNumbers(database), clock, flush, locks)
    stored = [a_stored(f"sub-{i}", i) for i in range(20)]
    await applications.insert(stored)
    ids = [s.state.application_id for s in stored]

    def noted(i: int, kind: InputKind) -> Progress:
        return Progress(ids[i], StatusInput(kind=kind, source_event_id=f"{kind}-{i}", occurred_at=clock.now()))

    # Two topics' consumers and a withdrawal-free HTTP reader at once: each application written by both batches.
    await asyncio.gather(
        progress([noted(i, InputKind.ASSESSED_ELIGIBLE) for i in range(20)]),
        progress([noted(i, InputKind.NOTICE_SENT) for i in reversed(range(20))]),
        *(progress([noted(i, InputKind.COE_ISSUED)]) for i in range(20)),
    )

    for found in (await applications.get_many(ids)).values():
        kinds = [entry.kind for entry in found.state.timeline]
        assert found.state.status is ApplicationStatus.UNDER_EXAMINATION
        assert {InputKind.NOTICE_SENT, InputKind.COE_ISSUED} <= set(kinds)
        assert found.outbox == ()
    assert len(locks) == 0
    assert await database.outbox_pending.count_documents({}) == 0


async def test_prefetched_numbers_are_handed_out_in_order_and_never_shared(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    first, second = MongoNumbers(database, prefetch=10), MongoNumbers(database, prefetch=10)

    a = await first.reserve("provisional:20260302", 3)
    b = await second.reserve("provisional:20260302", 3)
    c = await first.reserve("provisional:20260302", 8)

    assert (list(a), list(b), list(c)) == ([1, 2, 3], [11, 12, 13], [21, 22, 23, 24, 25, 26, 27, 28])


async def test_a_batch_of_hundreds_of_updates_is_written(mongo_client: AsyncMongoClient[dict[str, Any]]) -> None:
    # FerretDB 1.24 stops answering for good on one update command of 100 statements: the batch is split.
    # A database of its own, given up (not dropped) if it hangs: a regression fails here in a minute
    # instead of wedging the teardown, and no other test's database is touched.
    database = mongo_client[f"test_{uuid.uuid4().hex[:12]}"]
    await ensure_indexes(database, INDEXES)
    applications = MongoApplications(database, Now())
    stored = [a_stored(f"sub-{i}", i) for i in range(1, 301)]
    try:
        async with asyncio.timeout(60):
            await applications.insert(stored)
            await applications.update([moved_on(s) for s in stored])
            found = await applications.get_many([s.state.application_id for s in stored])
    except TimeoutError:
        pytest.fail("300 updates in one call did not complete in 60 s: FerretDB's update deadlock is back")
    assert {f.state.status for f in found.values()} == {ApplicationStatus.ACCEPTED}
    assert len(found) == len(stored)
    await mongo_client.drop_database(database.name)


@pytest.mark.parametrize("as_text", [True, False], ids=["events-as-text", "nested"])
async def test_an_application_stored_with_its_events_inside_reads_back_and_moves_them_out_when_written(
    applications: MongoApplications, database: AsyncDatabase[dict[str, Any]], as_text: bool
) -> None:
    stored = a_stored("sub-1")
    document = to_document(stored)
    # The layouts before the events moved into the markers: each event in the application, tagged with its version.
    entries = json.loads(outbox_text(stored.outbox))
    document["outbox"] = {
        event_id: {"version": 1, "event": json.dumps(fields)} if as_text else {**fields, "version": 1}
        for event_id, fields in entries.items()
    }
    if not as_text:
        document["application"] = stored.application.model_dump(mode="json")
    await database.applications.insert_one(document)
    marker = {"application_id": stored.state.application_id, "version": 1, "at": datetime.now(UTC), "events": 2}
    await database.outbox_pending.insert_one({"_id": f"{stored.state.application_id}/1", **marker})

    found = (await applications.get_many([stored.state.application_id]))[stored.state.application_id]
    assert found.application == stored.application
    assert found.outbox == stored.outbox

    change = moved_on(found)
    await applications.update([change])
    written = await database.applications.find_one({"_id": stored.state.application_id})
    assert written is not None
    assert "outbox" not in written
    [moved] = (await applications.get_many([stored.state.application_id])).values()
    assert moved.outbox == change.after.outbox
