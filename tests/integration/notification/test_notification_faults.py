"""The running service over real Kafka, FerretDB and SMTP when recording fails or an event comes early.

Send once, then remember: a notice the mail server took is never sent again because its
outcome could not be recorded at first. And an examination event that overtakes its
application's acceptance waits, parked, while its neighbours go out, and is sent once the
acceptance arrives. Nothing here is dead-lettered.
"""

import asyncio
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import AutoReconnect

from chassis.parking import PARKED
from contracts import topics as catalogue
from contracts.base import Payload
from services.notification.adapters.ledger import OUTCOMES, MongoLedger
from services.notification.handlers.ports import Entry
from tests.integration.kafka_helpers import eventually
from tests.integration.notification.harness import Harness, ce_id, dlq
from tests.running import running
from tests.unit.notification.samples import accepted, decision, received

SENT = catalogue.NOTIFICATION_NOTICE_SENT
RECEIVED, ACCEPTED = catalogue.INTAKE_APPLICATION_RECEIVED, catalogue.INTAKE_APPLICATION_ACCEPTED
DECISION = catalogue.EXAMINATION_DECISION_MADE


class RecordingFailsAtFirst:
    """The real ledger, whose first settles fail as they do while FerretDB is out of reach: nothing written."""

    def __init__(self, database: AsyncDatabase[dict[str, Any]], failures: int) -> None:
        self._ledger = MongoLedger(database)
        self.failures = failures
        self.settles = 0

    async def find(self, planned: Collection[Entry]) -> dict[str, Entry]:
        return await self._ledger.find(planned)

    async def claim(self, entries: Sequence[Entry]) -> set[str]:
        return await self._ledger.claim(entries)

    async def settle(self, entries: Sequence[Entry]) -> None:
        self.settles += 1
        if self.failures:
            self.failures -= 1
            raise AutoReconnect("127.0.0.1:27017: [Errno 111] Connection refused")
        await self._ledger.settle(entries)

    async def postpone(self, notice_ids: Collection[str], error: str, at: datetime) -> None:
        await self._ledger.postpone(notice_ids, error, at)


def with_app(payload: Payload, application_id: str) -> Payload:
    return payload.model_copy(update={"application_id": application_id})


def message_ids(notification: Harness) -> list[str]:
    return [str(m.message["Message-ID"]) for m in notification.sink.messages]


async def test_notices_whose_outcome_could_not_be_recorded_at_first_are_sent_once_and_recorded_at_last(
    notification: Harness,
) -> None:
    ledgers: list[RecordingFailsAtFirst] = []

    def flaky(database: AsyncDatabase[dict[str, Any]]) -> RecordingFailsAtFirst:
        ledgers.append(RecordingFailsAtFirst(database, failures=8))
        return ledgers[-1]

    events = [(RECEIVED, with_app(received(), f"app-{i}"), f"evt-rec-{i}") for i in range(60)]
    async with running(notification.service(ledger_of=flaky)):
        await notification.send(*events)
        sent = await notification.wait_for(SENT, 60)
        await eventually(lambda: notification.committed(RECEIVED))
        await asyncio.sleep(0.5)  # time for any duplicate to show

    (ledger,) = ledgers
    assert ledger.failures == 0
    assert ledger.settles > 8  # every failure waited out, then recorded
    ids = message_ids(notification)
    assert len(ids) == len(set(ids)) == 60  # exactly one message per Message-ID
    assert sorted(ce_id(r) for r in sent) == sorted(f"evt-rec-{i}:submission_received:sent" for i in range(60))
    assert await notification.database[OUTCOMES].count_documents({"state": "sent"}) == 60
    assert await notification.records(dlq(RECEIVED)) == []


async def test_examination_events_before_their_acceptance_are_parked_while_their_neighbours_are_sent(
    notification: Harness,
) -> None:
    async with running(notification.service()):  # one application's acceptance is known beforehand
        await notification.send((ACCEPTED, with_app(accepted(), "app-known"), "evt-acc-known"))
        await notification.wait_for(SENT, 1)

    early = [(DECISION, with_app(decision(), f"app-early-{i}"), f"evt-dec-early-{i}") for i in range(3)]
    await notification.send(early[0], (DECISION, with_app(decision(), "app-known"), "evt-dec-known"), *early[1:])
    parked = notification.database[PARKED]
    async with running(notification.service()):
        await notification.wait_for(SENT, 2)  # the neighbour went out
        await eventually(lambda: _equals(parked.count_documents({}), 3))
        await eventually(lambda: _equals(notification.committed(DECISION), 4))  # nothing holds the partition
        assert "<evt-dec-known+decision_post@notice.example.go.jp>" in message_ids(notification)
        assert not any("early" in i for i in message_ids(notification))

        await notification.send(*[(ACCEPTED, with_app(accepted(), f"app-early-{i}"), f"evt-acc-{i}") for i in range(3)])
        sent = await notification.wait_for(SENT, 2 + 3 + 3)
        await eventually(lambda: _equals(parked.count_documents({}), 0))
        await asyncio.sleep(0.5)  # time for any duplicate to show

    ids = message_ids(notification)
    assert len(ids) == len(set(ids)) == 8
    assert {f"evt-dec-early-{i}:decision_post:sent" for i in range(3)} <= {ce_id(r) for r in sent}
    for topic in (ACCEPTED, DECISION):
        assert await notification.records(dlq(topic)) == []


async def _equals(value: Any, expected: int) -> bool:
    return bool(await value == expected)
