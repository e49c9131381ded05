"""The schedule emits each reminder, deadline and lapse once, on its day, and catches up after downtime."""

import asyncio
from datetime import date, datetime, time

from chassis.clock import FixedClock
from contracts.calendar import JST
from contracts.organisations import ApprovalState
from services.reporting.handlers.outbox import Outbox, change_id
from services.reporting.handlers.ports import StoredApproval
from services.reporting.handlers.scheduler import Scheduler
from tests.unit.reporting.reporting_builders import APPROVAL_ID, approval_granted_on
from tests.unit.reporting.reporting_fakes import FakeApprovalStore, FakePublisher


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=JST)


class World:
    def __init__(self, approved_on: date, *, yield_inside: bool = False) -> None:
        self.store = FakeApprovalStore(yield_inside=yield_inside)
        self.publisher = FakePublisher()
        self.clock = FixedClock(noon(approved_on))
        self.store.items[APPROVAL_ID] = StoredApproval(approval_granted_on(approved_on), (), 1)

    def scheduler(self, instance: str = "one") -> Scheduler:
        outbox = Outbox(self.store, self.publisher)
        return Scheduler(self.store, outbox, self.clock, instance=instance, interval=0.01)

    async def on(self, day: date) -> list[str]:
        self.clock.set(noon(day))
        before = len(self.publisher.published)
        await self.scheduler().tick()
        return [p.change.change.value for p in self.publisher.published[before:]]


async def test_a_one_year_approval_goes_through_reminder_deadline_and_lapse_each_on_its_exact_day() -> None:
    world = World(date(2026, 1, 4))  # the last day of one-year approvals: valid until 2027-01-04
    assert await world.on(date(2026, 11, 3)) == []
    assert await world.on(date(2026, 11, 4)) == ["reminder_due"]
    assert await world.on(date(2026, 12, 3)) == []
    assert await world.on(date(2026, 12, 4)) == ["deadline_near"]
    assert await world.on(date(2027, 1, 3)) == []
    assert await world.on(date(2027, 1, 4)) == ["lapsed"]
    assert await world.on(date(2027, 6, 1)) == []
    assert world.store.items[APPROVAL_ID].approval.state is ApprovalState.LAPSED


async def test_a_three_year_approval_from_2026_01_05_reminds_two_months_before_its_expiry() -> None:
    world = World(date(2026, 1, 5))
    assert await world.on(date(2028, 11, 4)) == []
    assert await world.on(date(2028, 11, 5)) == ["reminder_due"]
    assert await world.on(date(2029, 1, 5)) == ["deadline_near", "lapsed"]


async def test_after_downtime_every_missed_change_is_emitted_once_in_order_as_consecutive_revisions() -> None:
    world = World(date(2026, 1, 5))
    assert await world.on(date(2030, 1, 1)) == ["reminder_due", "deadline_near", "lapsed"]
    assert [p.change.revision for p in world.publisher.published] == [2, 3, 4]
    slot = f"schedule:{APPROVAL_ID}:2029-01-05"
    assert [p.event_id for p in world.publisher.published] == [
        change_id(slot, p.change.change, p.change.revision) for p in world.publisher.published
    ]
    assert await world.on(date(2030, 1, 2)) == []


async def test_two_schedulers_racing_for_one_approval_emit_its_reminder_once() -> None:
    world = World(date(2026, 1, 5), yield_inside=True)
    world.clock.set(noon(date(2028, 11, 5)))
    emitted = await asyncio.gather(world.scheduler("one").tick(), world.scheduler("two").tick())
    assert sorted(emitted) == [0, 1]
    assert [p.change.change.value for p in world.publisher.published] == ["reminder_due"]
    assert world.store.runs == {"one": date(2028, 11, 5), "two": date(2028, 11, 5)}
