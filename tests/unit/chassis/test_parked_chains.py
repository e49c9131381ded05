"""The release loop over one key's parked records on several topics, on a moved clock: a chain of early events
(a decision and a delivery before their application, its assessment early too) ends applied, in order, promptly.

The parking lot is the real one over an in-memory collection; the handlers follow a toy status machine where
each topic's event needs one status and moves to the next, as intake's do.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import CollectorRegistry

from chassis.clock import FixedClock
from chassis.cloudevents import Inbound, Outgoing, decode, encode
from chassis.delivery import Delivery
from chassis.errors import Waiting
from chassis.health import DeliveryHealth
from chassis.parking import PARKED, ParkingLot
from chassis.release import ParkedReleaser
from chassis.settings import DeliverySettings
from contracts.examination import DocumentsSubmitted
from contracts.topics import EXAMINATION_DOCUMENTS_SUBMITTED, Topic
from tests.unit.chassis.memory_collection import MemoryDatabase
from tests.unit.chassis.records import Record

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SETTINGS = DeliverySettings(retry_backoff_ms=1, retry_backoff_max_ms=2)
"""The production waits: a parked record comes back after 0.5 s, then 1, 2, 4, 8 and 10 s; a round every 0.5 s."""
ROUND = timedelta(milliseconds=SETTINGS.park_release_interval_ms)


@dataclass(frozen=True)
class Step:
    topic: Topic
    needs: frozenset[str | None]
    becomes: str


def step(name: str, needs: set[str | None], becomes: str) -> Step:
    return Step(replace(EXAMINATION_DOCUMENTS_SUBMITTED, name=f"test.{name}.v1"), frozenset(needs), becomes)


ASSESSED = step("assessed", {"submitted"}, "under_examination")
REQUESTED = step("requested", {"under_examination"}, "documents_requested")
DECIDED = step("decided", {"under_examination", "documents_requested"}, "granted")
DELIVERED = step("delivered", {"granted"}, "closed")


class Case:
    """One application, the subscriptions of the steps above, their parking lot and release loop."""

    def __init__(self) -> None:
        self.status: str | None = None
        self.applied: list[str] = []
        self.clock = FixedClock(T0)
        self.collection = MemoryDatabase()[PARKED]
        database: Any = {PARKED: self.collection}
        self.lot = ParkingLot(database, retry_ms=SETTINGS.park_retry_ms, retry_max_ms=SETTINGS.park_retry_max_ms)
        health = DeliveryHealth(CollectorRegistry())
        self.deliveries = {s.topic.name: self._delivery(s, health) for s in (ASSESSED, REQUESTED, DECIDED, DELIVERED)}
        self.releaser = ParkedReleaser(
            self.lot, list(self.deliveries.values()), health=health, clock=self.clock, interval_ms=500, limit=500
        )
        self._offsets = 0

    def _delivery(self, s: Step, health: DeliveryHealth) -> Delivery:
        async def handle(events: Sequence[Inbound[Any]]) -> None:
            early = {e.id: f"{s.topic.name} needs {sorted(map(str, s.needs))}" for e in events}
            for event in events:
                if self.status in s.needs:
                    self.status = s.becomes
                    self.applied.append(event.id)
                    early.pop(event.id)
            if early:
                raise Waiting(early)

        delivery = Delivery(
            s.topic,
            f"tests.{s.topic.name}",
            handle,
            dead_letters=None,  # type: ignore[arg-type]  # nothing here is dead-lettered
            parking=self.lot,
            health=health,
            clock=self.clock,
            settings=SETTINGS,
        )
        delivery.assigned = lambda: {(s.topic.name, 0)}
        return delivery

    @property
    def seconds(self) -> float:
        return (self.clock.now() - T0).total_seconds()

    async def consume(self, s: Step, event_id: str) -> None:
        """The subscription reads a new record of the application now (produced now, too)."""
        self._offsets += 1
        data = DocumentsSubmitted(application_id="app-1", submitted_at=T0)
        key, value, headers = encode(Outgoing(s.topic, data, event_id, self.clock.now()), "/tests")
        moment = int(self.clock.now().timestamp() * 1000)
        encoded = [(k, v.encode()) for k, v in headers.items()]
        record = Record(key, value, encoded, s.topic.name, 0, self._offsets, moment)
        await self.deliveries[s.topic.name].deliver([decode(record, s.topic, Inbound[DocumentsSubmitted])])

    async def rounds_until(self, seconds: float) -> None:
        """Release rounds every 0.5 s, as the loop runs them, until the clock reads `seconds`."""
        while self.seconds + ROUND.total_seconds() <= seconds:
            self.clock.set(self.clock.now() + ROUND)
            await self.releaser.release_due()

    def parked(self) -> int:
        return len(self.collection.documents)


async def test_a_prerequisite_parked_behind_the_events_that_wait_for_it_still_comes_back_and_the_chain_closes() -> None:
    case = Case()
    await case.consume(DECIDED, "decision")  # the decision and the delivery before the submission: parked
    await case.consume(DELIVERED, "delivery")
    await case.rounds_until(1.0)  # both tried again: still nothing stored
    await case.consume(ASSESSED, "assessment")  # the assessment before the submission is stored: parked too
    case.status = "submitted"  # the submission is stored just after

    while case.status != "closed" and case.seconds < 60:
        await case.rounds_until(case.seconds + 0.5)

    assert case.applied == ["assessment", "decision", "delivery"]
    assert case.seconds == 2.0  # the assessment back at 1.5 s, the decision and the delivery in the next round
    assert case.parked() == 0


async def test_once_a_parked_record_applies_the_others_of_its_key_come_back_in_the_next_round() -> None:
    case = Case()
    await case.consume(DECIDED, "decision")
    await case.rounds_until(30.0)  # tried at 0.5, 1.5, 3.5, 7.5, 15.5, 25.5 s: next at 35.5 s
    await case.consume(ASSESSED, "assessment")  # early too: parked, back in 0.5 s
    case.status = "submitted"

    await case.rounds_until(30.5)
    assert (case.applied, case.status) == (["assessment"], "under_examination")
    await case.rounds_until(31.0)
    assert (case.applied, case.status) == (["assessment", "decision"], "granted")


async def test_a_new_record_that_applies_brings_its_keys_parked_records_back_in_the_next_round() -> None:
    case = Case()
    await case.consume(DECIDED, "decision")
    await case.rounds_until(30.0)  # next try at 35.5 s
    case.status = "submitted"
    await case.consume(ASSESSED, "assessment")  # applies at once: what the decision waits for

    assert case.status == "under_examination"
    await case.rounds_until(30.5)
    assert (case.applied, case.status) == (["assessment", "decision"], "granted")


async def test_a_keys_parked_records_come_back_together_in_production_order_whichever_is_due_first() -> None:
    case = Case()
    case.status = "submitted"
    await case.consume(REQUESTED, "request")
    await case.rounds_until(5.0)  # tried at 0.5, 1.5 and 3.5 s: next at 7.5 s
    await case.consume(DECIDED, "decision")  # due at 5.5 s
    case.status = "under_examination"

    await case.rounds_until(5.5)
    assert case.applied == ["request", "decision"]  # had the decision come alone, the request would be passed
    assert case.parked() == 0


async def test_a_record_queued_behind_another_of_its_key_on_its_topic_waits_for_it_whatever_its_own_wait() -> None:
    case = Case()
    case.status = "submitted"
    await case.consume(DECIDED, "first decision")
    await case.consume(DECIDED, "second decision")  # queued unseen behind the first
    await case.rounds_until(5.0)

    assert case.applied == []
    assert case.parked() == 2
