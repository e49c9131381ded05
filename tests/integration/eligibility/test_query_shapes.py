"""Eligibility's hot path reads the same however many decisions and approvals are stored.

Decisions grow with every application and approvals with every organisation; on the embedded
server any filter but `{_id: value}` reads a whole collection. So a batch, first-time or
redelivered, may only point-read them (`tests/query_shapes.py`).
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import FixedClock
from chassis.mongo import connect
from contracts.application import FilerCategory
from services.eligibility.adapters.approvals import APPROVALS, STAMPS, MongoApprovals
from services.eligibility.adapters.decisions import DECISIONS, MongoDecisions
from services.eligibility.handlers.assess import AssessApplications
from services.eligibility.handlers.project import ProjectApprovals
from tests.query_shapes import Commands, assert_point_reads, is_point
from tests.servers import Servers
from tests.unit.eligibility.factories import approval, baseline, rule_book
from tests.unit.eligibility.service_fakes import NOW, FakePublisher, approval_changed, received


@pytest.fixture
async def listened(
    servers: Servers, database: AsyncDatabase[dict[str, Any]]
) -> AsyncIterator[tuple[AsyncDatabase[dict[str, Any]], Commands]]:
    commands = Commands()
    client = connect(servers.mongodb_uri, listeners=[commands])
    yield client[database.name], commands
    await client.close()


async def test_a_batch_and_its_redelivery_only_point_read_decisions_and_approvals(
    listened: tuple[AsyncDatabase[dict[str, Any]], Commands],
) -> None:
    database, commands = listened
    approvals = MongoApprovals(database)
    await approvals.save([approval(), approval(approval_id="other", organisation_id="org-other")])
    assess = AssessApplications(rule_book(), approvals, MongoDecisions(database), FakePublisher(), FixedClock(NOW))
    await assess([received(baseline(FilerCategory.ORGANISATION_STAFF))])  # the projection is read once
    commands.clear()

    batch = [received(baseline(FilerCategory.ORGANISATION_STAFF)) for _ in range(3)]
    await assess(batch)
    outcomes = await assess(batch)  # redelivered: the stored decisions are read back

    assert all(outcome.repeated for outcome in outcomes)
    assert_point_reads(commands, DECISIONS, APPROVALS, STAMPS)
    assert not commands.on(APPROVALS), "a batch reads the approvals projection only when it changed"


async def test_a_change_of_approval_reaches_the_next_assessment_through_its_stamp(
    listened: tuple[AsyncDatabase[dict[str, Any]], Commands],
) -> None:
    database, commands = listened
    approvals, elsewhere = MongoApprovals(database), MongoApprovals(database)  # two instances
    await ProjectApprovals(approvals)([approval_changed(1)])
    assert [r.revision for r in await elsewhere.held_by(["org-acme"])] == [1]

    commands.clear()
    await ProjectApprovals(approvals)([approval_changed(2), approval_changed(2)])
    # Reads by `_id` only; the revision-guarded write is one per approval that changed (rare, and by
    # organisations, not applications).
    assert all(is_point(query) for name, _, query in commands.on(APPROVALS) if name == "find")

    assert [r.revision for r in await elsewhere.held_by(["org-acme"])] == [2]
    assert await elsewhere.held_by(["org-nobody"]) == []


async def test_a_redelivered_change_moves_the_stamp_again(
    listened: tuple[AsyncDatabase[dict[str, Any]], Commands],
) -> None:
    """A crash between an approval's write and the stamp's leaves other instances' copies stale until the
    change is redelivered: a batch that writes nothing new must still move the stamp."""
    database, _ = listened
    await ProjectApprovals(MongoApprovals(database))([approval_changed(1)])
    before = await database[STAMPS].find_one({})

    await ProjectApprovals(MongoApprovals(database))([approval_changed(1)])  # a repeat: nothing to write

    after = await database[STAMPS].find_one({})
    assert before is not None
    assert after is not None
    assert after["stamp"] != before["stamp"]
