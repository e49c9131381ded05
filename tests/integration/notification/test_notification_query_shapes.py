"""What a batch costs the database, on the real MongoDB-protocol server: reads by `_id` only, nothing read that
the batch does not need. On FerretDB any other filter reads the whole collection, which grows with history."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from chassis.backoff import Backoff
from chassis.clock import FixedClock
from chassis.mongo import connect
from services.notification.adapters.contacts import CONTACTS, MongoContacts
from services.notification.adapters.documents_requests import REMINDERS, MongoDocumentsRequests
from services.notification.adapters.ledger import NOTICES, OUTCOMES, MongoLedger
from services.notification.adapters.mail.render import Renderer
from services.notification.adapters.tariff import load_tariff
from services.notification.app import persist
from services.notification.handlers.notify import Notifier
from services.notification.handlers.planning import Planner
from services.notification.handlers.ports import Source, State
from services.notification.handlers.sending import Sender
from tests import servers as server_lookup
from tests.query_shapes import Commands, assert_point_reads
from tests.unit.notification.notifier_fakes import DOMAIN, NOW, SENDER, FakeMailer, FakeOutcomes, FakeRejections
from tests.unit.notification.samples import accepted, decision, documents_reminder_due, received

GROWN = {NOTICES, OUTCOMES, CONTACTS}


@pytest.fixture
async def watched(servers: server_lookup.Servers) -> AsyncIterator[tuple[AsyncDatabase[dict[str, Any]], Commands]]:
    commands = Commands()
    client: AsyncMongoClient[dict[str, Any]] = connect(servers.mongodb_uri, listeners=[commands])
    name = f"test_{uuid.uuid4().hex[:12]}"
    try:
        yield client[name], commands
    finally:
        await client.drop_database(name)
        await client.close()


def events(applications: int) -> list[Source]:
    made: list[Source] = []
    for i in range(applications):
        application = {"application_id": f"app-{i}"}
        made += [
            Source(f"rcv-{i}", received().model_copy(update=application)),
            Source(f"acc-{i}", accepted().model_copy(update=application)),
        ]
    # Examination events read the contacts projection: after their applications' acceptances, in a batch of their own.
    return made + [Source(f"dec-{i}", decision().model_copy(update={"application_id": f"app-{i}"}))
                   for i in range(applications)]  # fmt: skip


async def test_a_redelivered_batch_reads_by_id_only_and_no_claim_of_a_settled_notice(
    watched: tuple[AsyncDatabase[dict[str, Any]], Commands],
) -> None:
    database, commands = watched
    mailer, outcomes = FakeMailer(), FakeOutcomes()
    sender = Sender(mailer, Renderer(), sender=SENDER, message_id_domain=DOMAIN, concurrency=4)
    planner = Planner(MongoContacts(database), load_tariff(), "ja")
    notifier = Notifier(planner, MongoLedger(database), sender, outcomes, FixedClock(NOW), persist(Backoff(1, 1)))
    batch = events(10)
    await notifier.handle(batch[:20], FakeRejections())
    await notifier.handle(batch[20:], FakeRejections())
    first = list(outcomes.published)
    assert len(mailer.sent) == 30
    assert {e.state for e in first} == {State.SENT}

    commands.clear()
    await notifier.handle(batch, FakeRejections())  # redelivered: every notice is settled already

    assert len(mailer.sent) == 30, "nothing is sent again"
    again = outcomes.published[len(first) :]
    assert sorted(again, key=lambda e: e.notice_id) == sorted(first, key=lambda e: e.notice_id), "the same events"
    assert_point_reads(commands, *GROWN)
    assert [c for c in commands.on(NOTICES) if c[0] == "find"] == [], (
        "a settled notice's outcome says all its event needs"
    )


async def test_the_reminder_check_reads_its_claims_by_id(
    watched: tuple[AsyncDatabase[dict[str, Any]], Commands],
) -> None:
    database, commands = watched
    requests = MongoDocumentsRequests(database)
    due = documents_reminder_due()
    await requests.record_requests([due.model_copy(update={"request_event_id": f"req-{i}"}) for i in range(5)])
    assert await requests.claim_reminders(["req-0", "req-1"]) == set()

    commands.clear()
    found = await requests.due_between(due.due_on, due.due_on, limit=10)
    await requests.release_reminders(["req-0"])

    assert sorted(d.request_event_id for d in found) == ["req-2", "req-3", "req-4"]
    assert_point_reads(commands, REMINDERS)
