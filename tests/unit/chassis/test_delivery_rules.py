"""The delivery rules, with fakes for the dead-letter topic and the parking lot: what waits, what parks, what dies."""

import asyncio
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from pymongo.errors import AutoReconnect

from chassis.clock import FixedClock
from chassis.cloudevents import Inbound, Outgoing, decode, encode
from chassis.dead_letters import DeadLetter
from chassis.delivery import Delivery
from chassis.errors import Refused, TransientError, Waiting
from chassis.health import DeliveryHealth
from chassis.parking import ParkedRecord, parked
from chassis.settings import DeliverySettings
from contracts import cloudevents as ce
from contracts.examination import DocumentsSubmitted
from contracts.topics import EXAMINATION_DOCUMENTS_SUBMITTED as TOPIC
from tests.unit.chassis.records import Record

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
FAST = DeliverySettings(retry_backoff_ms=1, retry_backoff_max_ms=2, park_max_wait_seconds=3600)


def record(application_id: str, offset: int) -> Record:
    data = DocumentsSubmitted(application_id=application_id, submitted_at=NOW)
    key, value, headers = encode(Outgoing(TOPIC, data, f"evt-{application_id}", NOW), "/tests")
    return Record(key, value, [(k, v.encode()) for k, v in headers.items()], offset=offset, timestamp=offset)


def events(*application_ids: str) -> list[Inbound[Any]]:
    model: Any = Inbound[DocumentsSubmitted]
    return [decode(record(a, i), TOPIC, model) for i, a in enumerate(application_ids)]


@dataclass
class FakeDeadLetters:
    letters: list[DeadLetter] = field(default_factory=list)
    failures: int = 0

    async def send(self, letters: Sequence[DeadLetter]) -> None:
        if self.failures:
            self.failures -= 1
            raise TransientError("broker away")
        self.letters.extend(letters)

    def reasons(self) -> dict[str, str]:
        return {letter.record.key.decode(): letter.reason for letter in self.letters}


@dataclass
class FakeParking:
    parked: dict[str, ParkedRecord] = field(default_factory=dict)
    again: list[str] = field(default_factory=list)
    woken: set[bytes | None] = field(default_factory=set)
    failures: int = 0

    async def park(self, records: Sequence[ParkedRecord], now: datetime) -> None:
        if self.failures:
            self.failures -= 1
            raise AutoReconnect("database away")
        for r in records:
            self.parked.setdefault(r.id, r)

    async def parked_groups(self, keys: Any) -> dict[bytes | None, set[str]]:
        groups: dict[bytes | None, set[str]] = {}
        for r in self.parked.values():
            if r.key in keys:
                groups.setdefault(r.key, set()).add(r.group)
        return groups

    async def waiting_again(self, records: Sequence[ParkedRecord], now: datetime) -> None:
        self.again.extend(r.id for r in records)

    async def remove(self, records: Sequence[ParkedRecord]) -> None:
        for r in records:
            self.parked.pop(r.id, None)

    async def wake(self, keys: Any, now: datetime) -> None:
        self.woken.update(keys)


def delivery(handle: Any, letters: FakeDeadLetters | None = None, parking: FakeParking | None = None) -> Delivery:
    return Delivery(
        TOPIC,
        "tests.group",
        handle,
        dead_letters=letters or FakeDeadLetters(),  # type: ignore[arg-type]
        parking=parking or FakeParking(),  # type: ignore[arg-type]
        health=DeliveryHealth(CollectorRegistry()),
        clock=FixedClock(NOW),
        settings=FAST,
    )


async def test_a_transient_failure_is_waited_out_however_long_it_lasts_and_nothing_is_dead_lettered() -> None:
    calls: list[int] = []

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        calls.append(len(batch))
        if len(calls) <= 30:  # far beyond any attempt budget the old rules had
            raise AutoReconnect("database away")

    letters = FakeDeadLetters()
    subscription = delivery(handle, letters)
    await subscription.deliver(events("app-1", "app-2"))
    assert calls == [2] * 31
    assert letters.letters == []
    assert subscription.health.waiting == {}


async def test_readiness_says_not_ready_while_a_transient_failure_lasts() -> None:
    gate = asyncio.Event()
    failing = True

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        if failing:
            gate.set()
            raise TransientError("smtp away")

    subscription = delivery(handle)
    work = asyncio.create_task(subscription.deliver(events("app-1")))
    await asyncio.wait_for(gate.wait(), 5)
    assert not await subscription.health.ready()
    assert subscription.health.waiting == {"tests.group": "TransientError"}
    failing = False
    await asyncio.wait_for(work, 5)
    assert await subscription.health.ready()


async def test_a_poison_record_is_isolated_and_dead_lettered_and_its_neighbours_are_handled() -> None:
    handled: list[str] = []

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        if any(e.payload.application_id == "app-poison" for e in batch):
            raise ValueError("breaks the handler")
        handled.extend(e.payload.application_id for e in batch)

    letters = FakeDeadLetters()
    await delivery(handle, letters).deliver(events("app-1", "app-poison", "app-2"))
    assert handled == ["app-1", "app-2"]
    assert letters.reasons() == {"app-poison": ce.DLQ_REASON_FAILED}
    assert "ValueError: breaks the handler" in (letters.letters[0].error or "")


async def test_a_refusal_is_dead_lettered_like_any_bad_record() -> None:
    class Unknown(Refused):
        pass

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        raise Unknown("reused submission id")

    letters = FakeDeadLetters()
    await delivery(handle, letters).deliver(events("app-1"))
    assert letters.reasons() == {"app-1": ce.DLQ_REASON_FAILED}


async def test_events_that_wait_are_parked_and_their_neighbours_are_not_held_up() -> None:
    handled: list[str] = []

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        early = {e.id: "application not stored yet" for e in batch if e.payload.application_id == "app-early"}
        handled.extend(e.payload.application_id for e in batch if e.id not in early)
        if early:
            raise Waiting(early)

    parking, letters = FakeParking(), FakeDeadLetters()
    await delivery(handle, letters, parking).deliver(events("app-1", "app-early", "app-2"))
    assert handled == ["app-1", "app-2"]
    assert [(p.key, p.waits_for, p.offset) for p in parking.parked.values()] == [
        (b"app-early", "application not stored yet", 1)
    ]
    assert letters.letters == []


async def test_a_record_whose_key_has_an_earlier_record_parked_queues_behind_it_unseen_by_the_handler() -> None:
    seen: list[str] = []

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        seen.extend(e.payload.application_id for e in batch)

    parking = FakeParking()
    await parking.park([parked_copy("app-1", 0)], NOW)
    await delivery(handle, parking=parking).deliver(events("app-2", "app-1"))
    assert seen == ["app-2"]
    assert sorted((r.offset, r.waits_for) for r in parking.parked.values()) == [
        (0, "what it needs"),
        (1, "an earlier record of its key, parked"),
    ]


async def test_a_handled_record_wakes_what_another_topic_has_parked_under_its_key_and_only_that() -> None:
    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        raise Waiting({e.id: "grant" for e in batch if e.payload.application_id == "app-3"})

    parking = FakeParking()
    elsewhere = [dataclasses.replace(parked_copy(a, 0), group="tests.other") for a in ("app-1", "app-3")]
    await parking.park(elsewhere, NOW)
    await delivery(handle, parking=parking).deliver(events("app-1", "app-2", "app-3"))
    assert parking.woken == {b"app-1"}  # app-2 has nothing parked; app-3's record waits itself


async def test_parking_waits_out_a_database_outage() -> None:
    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        raise Waiting({e.id: "grant" for e in batch})

    parking = FakeParking(failures=5)
    await delivery(handle, parking=parking).deliver(events("app-1"))
    assert len(parking.parked) == 1


async def test_writing_a_dead_letter_waits_out_a_broker_outage() -> None:
    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        raise ValueError("poison")

    letters = FakeDeadLetters(failures=7)
    await delivery(handle, letters).deliver(events("app-1"))
    assert letters.reasons() == {"app-1": ce.DLQ_REASON_FAILED}


async def test_malformed_records_go_to_the_dead_letter_topic_before_the_handler_sees_the_batch() -> None:
    seen: list[int] = []

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        seen.append(len(batch))

    model: Any = Inbound[DocumentsSubmitted]
    bad = decode(Record(b"app-x", b"{not json", [("ce_specversion", b"1.0")], offset=3), TOPIC, model)
    letters = FakeDeadLetters()
    await delivery(handle, letters).deliver([*events("app-1"), bad])
    assert seen == [1]
    assert letters.reasons() == {"app-x": ce.DLQ_REASON_MALFORMED}


def parked_copy(application_id: str, offset: int, *, parked_at: datetime = NOW) -> ParkedRecord:
    return parked("tests.group", record(application_id, offset), "what it needs", parked_at)


async def test_released_records_that_still_wait_stay_parked_and_the_others_leave() -> None:
    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        waiting = {e.id: "still" for e in batch if e.payload.application_id == "app-later"}
        if waiting:
            raise Waiting(waiting)

    parking = FakeParking()
    records = [parked_copy("app-ready", 1), parked_copy("app-later", 2)]
    await parking.park(records, NOW)
    await delivery(handle, parking=parking).redeliver(records, NOW + timedelta(seconds=1))
    assert list(parking.parked) == [records[1].id]
    assert parking.again == [records[1].id]
    assert parking.woken == {b"app-ready"}  # what else waits under its key may apply now


async def test_released_records_are_handed_over_in_the_order_given_which_is_production_order() -> None:
    seen: list[str] = []

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        seen.extend(e.payload.application_id for e in batch)

    records = [parked_copy("app-a", 5), parked_copy("app-b", 9)]
    await delivery(handle).redeliver(records, NOW)
    assert seen == ["app-a", "app-b"]


async def test_a_record_parked_past_the_limit_is_dead_lettered_as_prerequisite_missing() -> None:
    calls: list[int] = []

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        calls.append(len(batch))

    parking, letters = FakeParking(), FakeDeadLetters()
    stale = parked_copy("app-stale", 1, parked_at=NOW - timedelta(hours=2))
    await parking.park([stale], NOW)
    await delivery(handle, letters, parking).redeliver([stale], NOW)
    assert calls == []
    assert letters.reasons() == {"app-stale": ce.DLQ_REASON_PREREQUISITE_MISSING}
    assert "what it needs" in (letters.letters[0].error or "")
    assert parking.parked == {}


@pytest.mark.parametrize("failure", [ValueError("poison"), KeyError("x")])
async def test_a_released_record_that_fails_is_dead_lettered_and_leaves_the_lot(failure: Exception) -> None:
    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        raise failure

    parking, letters = FakeParking(), FakeDeadLetters()
    bad = parked_copy("app-bad", 4)
    await parking.park([bad], NOW)
    await delivery(handle, letters, parking).redeliver([bad], NOW)
    assert letters.reasons() == {"app-bad": ce.DLQ_REASON_FAILED}
    assert parking.parked == {}
