"""Approvals as versions on the real MongoDB-protocol server: one writer per version, heads only."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import SystemClock
from chassis.mongo import connect
from services.reporting.adapters.approvals import APPROVALS, MongoApprovalStore
from services.reporting.domain.schedule import advance
from services.reporting.handlers.outbox import Outbox, pending
from tests.query_shapes import Commands, assert_point_reads
from tests.servers import Servers
from tests.unit.reporting.reporting_builders import APPROVAL_ID, approval_granted_on, staff_added, step
from tests.unit.reporting.reporting_fakes import FakePublisher

NOW = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


def store(database: AsyncDatabase[dict[str, Any]]) -> MongoApprovalStore:
    return MongoApprovalStore(database, wall=SystemClock(), relay_stale=timedelta(seconds=30))


async def test_of_many_writers_that_read_the_same_version_exactly_one_writes_the_next(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    approval = approval_granted_on(date(2026, 1, 5))
    assert await store(database).save(approval, expected_version=0, outbox=())
    changed = step(approval, staff_added("s9")).approval
    assert changed is not None

    wins = await asyncio.gather(*(store(database).save(changed, expected_version=1, outbox=()) for _ in range(8)))

    assert sorted(wins) == [False] * 7 + [True]
    assert (await store(database).load([APPROVAL_ID]))[APPROVAL_ID].version == 2


async def test_only_the_current_version_is_due_counted_or_loaded(database: AsyncDatabase[dict[str, Any]]) -> None:
    approvals = store(database)
    granted = approval_granted_on(date(2025, 2, 10))  # one year: reminder 2025-12-10, report due 2026-01-10
    await approvals.save(granted, expected_version=0, outbox=())
    reminded = advance(granted, date(2025, 12, 10), NOW)
    assert reminded.approval is not None
    assert await approvals.save(reminded.approval, expected_version=1, outbox=())

    assert await approvals.due(date(2025, 12, 10), 10) == []  # version 1 was due that day; version 2 is not
    [due] = await approvals.due(date(2026, 1, 10), 10)
    assert (due.version, due.approval.emitted) == (2, reminded.approval.emitted)
    assert await approvals.count_report_due(before=date(2026, 1, 11)) == 1
    assert await approvals.count_report_due(before=date(2026, 1, 10)) == 0


async def test_the_relay_publishes_a_version_whose_writer_never_did_once_it_is_old_enough(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    approvals = store(database)
    granted = approval_granted_on(date(2025, 2, 10))
    reminded = advance(granted, date(2025, 12, 10), NOW)
    assert reminded.approval is not None
    await approvals.save(granted, expected_version=0, outbox=())
    await approvals.save(reminded.approval, expected_version=1, outbox=pending(reminded.changes, cause="crashed"))
    publisher = FakePublisher()
    relays = [Outbox(store(database), publisher) for _ in range(3)]  # one per instance

    assert await relays[0].sweep(datetime.now(UTC) - timedelta(seconds=30)) == 0  # its writer may still be at it
    assert sorted(await asyncio.gather(*(relay.sweep(datetime.now(UTC)) for relay in relays))) == [0, 0, 1]
    assert await relays[0].sweep(datetime.now(UTC)) == 0
    assert publisher.changes == [(APPROVAL_ID, "reminder_due", 2)]


async def test_loading_and_writing_an_approval_reads_its_versions_by_id_only(
    servers: Servers, database: AsyncDatabase[dict[str, Any]]
) -> None:
    """Versions pile up with organisations and years; on the embedded server only `{_id: value}` is answered
    from an index, so an approval's head is found by probing version ids, never by a query on `approval_id`."""
    commands = Commands()
    client = connect(servers.mongodb_uri, listeners=[commands])
    try:
        approvals = store(client[database.name])
        approval = approval_granted_on(date(2026, 1, 5))
        for version in range(5):
            assert await approvals.save(approval, expected_version=version, outbox=())
        fresh = store(client[database.name])  # an instance that knows nothing of this approval yet

        loaded = await fresh.load([APPROVAL_ID, "approval-nobody"])

        assert loaded[APPROVAL_ID].version == 5
        assert "approval-nobody" not in loaded
        assert_point_reads(commands, APPROVALS)
    finally:
        await client.close()
