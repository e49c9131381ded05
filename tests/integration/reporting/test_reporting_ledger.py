"""Exactly-once counting on the real MongoDB-protocol server, whose only atomic step is a unique insert."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import SystemClock
from services.reporting.adapters.ledger import MongoFiguresLedger
from services.reporting.domain.figures import increment
from services.reporting.handlers.ports import Tally


def tally(key: str, kind: str = "accepted", by: int = 1) -> Tally:
    return Tally(key, (increment("notices_sent_total", by, kind=kind),))


def ledger(database: AsyncDatabase[dict[str, Any]], margin: float = 0) -> MongoFiguresLedger:
    return MongoFiguresLedger(database, wall=SystemClock(), margin=timedelta(seconds=margin))


async def totals(database: AsyncDatabase[dict[str, Any]]) -> dict[str, int]:
    return {c.labels["kind"]: c.value for c in await ledger(database).counters()}


class Crash(Exception):
    pass


class CrashingInbox:
    """The inbox collection, except that inserting a batch's claim 'crashes' the consumer once."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection
        self.crashed = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)

    async def insert_one(self, document: dict[str, Any]) -> Any:
        if document["_id"].endswith("/claimed") and not self.crashed:
            self.crashed = True
            raise Crash
        return await self._collection.insert_one(document)


async def test_concurrent_overlapping_deliveries_count_each_event_once(database: AsyncDatabase[dict[str, Any]]) -> None:
    events = [tally(f"topic:e{n}", kind=f"k{n % 3}") for n in range(200)]
    slices = [events[start : start + 120] for start in (0, 40, 80, 0)]  # four consumers or redeliveries at once

    added = await asyncio.gather(*(ledger(database).record(s) for s in slices))
    await ledger(database).roll_up()

    assert sum(added) == 200
    assert await totals(database) == {"k0": 67, "k1": 67, "k2": 66}


async def test_a_record_repeated_in_its_batch_or_replayed_later_counts_once(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    counting = ledger(database)
    assert await counting.record([tally("t:a"), tally("t:a"), tally("t:b", by=-1)]) == 2
    await counting.roll_up()
    assert await counting.record([tally("t:a"), tally("t:b", by=-1), tally("t:c")]) == 1
    await counting.roll_up()
    assert await totals(database) == {"accepted": 1}
    assert await database["figure_inbox"].count_documents({}) == 0


async def test_a_consumer_that_died_after_claiming_is_counted_from_its_seen_records(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    crashing = ledger(database, margin=0.2)
    crashing._inbox = CrashingInbox(crashing._inbox)  # type: ignore[assignment]
    with pytest.raises(Crash):
        await crashing.record([tally("t:a"), tally("t:b")])
    assert await ledger(database).record([tally("t:a"), tally("t:b"), tally("t:c")]) == 1  # the redelivery

    await ledger(database, margin=0.2).roll_up()
    assert await totals(database) == {"accepted": 1}, "an unclaimed batch waits for its consumer"
    await asyncio.sleep(0.3)
    await ledger(database, margin=0.2).roll_up()
    assert await totals(database) == {"accepted": 3}


async def test_a_roll_up_that_stopped_after_its_generation_folds_nothing_twice(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    counting = ledger(database)
    await counting.record([tally("t:a"), tally("t:b")])

    async def stop(batches: list[str]) -> None:
        if batches:  # the clean-up after its generation was inserted
            raise Crash

    stopping = ledger(database)
    stopping._forget = stop  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await stopping.roll_up()
    assert await database["figure_inbox"].count_documents({}) == 2  # the folded batch is still there
    await counting.record([tally("t:c")])
    await counting.roll_up()

    assert await totals(database) == {"accepted": 3}
    assert await database["figure_inbox"].count_documents({}) == 0


async def test_rolling_up_from_two_instances_while_events_keep_arriving_loses_and_doubles_nothing(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    instances = [ledger(database, margin=5), ledger(database, margin=5)]
    events = [tally(f"t:e{n}") for n in range(300)]
    observed: list[int] = []

    async def write() -> None:
        for start in range(0, 300, 30):  # each batch with a redelivery of earlier events
            await instances[start // 30 % 2].record(events[start : start + 30] + events[: start // 2])
            await asyncio.sleep(0.05)

    async def roll_up() -> None:
        for _ in range(12):
            await asyncio.gather(instances[0].roll_up(), instances[1].roll_up())
            observed.append((await totals(database)).get("accepted", 0))
            await asyncio.sleep(0.05)

    await asyncio.gather(write(), roll_up())
    await instances[0].roll_up()

    assert await totals(database) == {"accepted": 300}
    assert observed == sorted(observed), "a reader never sees a total go backwards"
    numbers = [g["number"] async for g in database["figure_rollups"].find()]
    assert len(numbers) == len(set(numbers)) <= 3


async def test_a_new_generation_keeps_only_the_series_it_is_told_to_retain(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    hourly = MongoFiguresLedger(
        database,
        wall=SystemClock(),
        margin=timedelta(0),
        retain=lambda name, labels: labels.get("hour", "9999") >= "2026-01-05T00",
    )
    await hourly.record(
        [
            Tally("t:old", (increment("notices_sent_hourly", hour="2026-01-04T23"),)),
            Tally("t:new", (increment("notices_sent_hourly", hour="2026-01-05T10"),)),
            tally("t:total"),
        ]
    )
    await hourly.roll_up()

    kept = {(c.name, c.labels.get("hour")) for c in await hourly.counters()}
    assert kept == {("notices_sent_hourly", "2026-01-05T10"), ("notices_sent_total", None)}
