"""Bureau events become stored approvals and published changes, once, whatever the delivery does."""

from datetime import UTC, date, datetime

import pytest

from chassis.clock import FixedClock
from contracts.organisations import ApprovalState
from services.reporting.domain.approvals import BureauEvent
from services.reporting.handlers.bureau import BureauHandler
from services.reporting.handlers.outbox import Outbox, change_id
from services.reporting.handlers.ports import AwaitingGrant, Conflict, Received, StoredApproval
from tests.unit.reporting.reporting_builders import (
    APPROVAL_ID,
    RULES,
    approval_granted_on,
    granted,
    report,
    staff_added,
    staff_left,
)
from tests.unit.reporting.reporting_fakes import FakeApprovalStore, FakePublisher

NOW = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)


def received(event: BureauEvent, event_id: str, topic: str = "bureau") -> Received[BureauEvent]:
    return Received(key=f"{topic}:{event_id}", event_id=event_id, payload=event, correlation_id=f"corr-{event_id}")


class World:
    def __init__(self) -> None:
        self.store = FakeApprovalStore()
        self.publisher = FakePublisher()
        self.handler = BureauHandler(self.store, Outbox(self.store, self.publisher), RULES, FixedClock(NOW))

    async def deliver(self, *events: Received[BureauEvent]) -> None:
        await self.handler.handle(events)


async def test_a_grant_is_stored_with_its_schedule_and_published_once_with_an_id_derived_from_its_event() -> None:
    world = World()
    await world.deliver(received(granted(date(2026, 1, 5)), "e-1"))

    stored = world.store.items[APPROVAL_ID]
    assert stored.approval.valid_until == date(2029, 1, 5)
    assert world.store.unsent_versions == {}  # published, then marked sent
    [published] = world.publisher.published
    assert published.event_id == change_id("e-1", published.change.change, 1)
    assert (published.correlation_id, published.causation_id) == ("corr-e-1", "e-1")


async def test_a_redelivered_grant_publishes_nothing_more() -> None:
    world = World()
    await world.deliver(received(granted(date(2026, 1, 5)), "e-1"))
    await world.deliver(received(granted(date(2026, 1, 5)), "e-1"))
    assert world.publisher.changes == [(APPROVAL_ID, "granted", 1)]


async def test_one_batch_for_one_approval_is_written_once_as_consecutive_revisions() -> None:
    world = World()
    await world.deliver(received(granted(date(2026, 1, 5), "s1"), "e-1"))
    await world.deliver(received(staff_added("s2"), "e-2"), received(staff_left("s1"), "e-3"))
    assert world.publisher.changes == [
        (APPROVAL_ID, "granted", 1),
        (APPROVAL_ID, "staff_added", 2),
        (APPROVAL_ID, "staff_removed", 3),
    ]
    assert [m.staff_id for m in world.store.items[APPROVAL_ID].approval.staff] == ["s2"]


async def test_an_event_before_its_grant_waits_and_the_rest_of_its_batch_is_applied() -> None:
    world = World()
    other = "approval-2"
    await world.deliver(received(granted(date(2026, 1, 5)).model_copy(update={"approval_id": other}), "e-grant-2"))

    with pytest.raises(AwaitingGrant) as early:
        await world.deliver(
            received(staff_left("s1"), "e-left"),
            received(staff_added("s3").model_copy(update={"approval_id": other}), "e-added-2"),
        )

    assert early.value.waiting == {"e-left": f"the grant of approval {APPROVAL_ID}"}
    assert world.publisher.changes == [(other, "granted", 1), (other, "staff_added", 2)]
    assert APPROVAL_ID not in world.store.items


async def test_an_event_handed_back_after_its_grant_is_applied_after_the_grant() -> None:
    # This is also what covers a grant written while the event was being parked (each batch
    # missing the other's write): the chassis hands the event back until the grant is found.
    world = World()
    with pytest.raises(AwaitingGrant):
        await world.deliver(received(staff_left("s1"), "e-left"))
    assert world.publisher.published == []

    await world.deliver(received(granted(date(2026, 1, 5), "s1", "s2"), "e-grant"))
    await world.deliver(received(staff_left("s1"), "e-left"))  # handed back by the chassis

    assert world.publisher.changes == [(APPROVAL_ID, "granted", 1), (APPROVAL_ID, "staff_removed", 2)]
    assert world.publisher.published[1].causation_id == "e-left"


async def test_events_of_one_approval_wait_together_and_are_applied_in_the_order_handed_back() -> None:
    world = World()
    early = (received(staff_added("s3"), "e-added"), received(staff_left("s3"), "e-left"))
    with pytest.raises(AwaitingGrant) as waiting:
        await world.deliver(*early)
    assert set(waiting.value.waiting) == {"e-added", "e-left"}

    await world.deliver(received(granted(date(2026, 1, 5), "s1"), "e-grant"))
    await world.deliver(*early)

    assert world.publisher.changes == [
        (APPROVAL_ID, "granted", 1),
        (APPROVAL_ID, "staff_added", 2),
        (APPROVAL_ID, "staff_removed", 3),
    ]
    assert [p.causation_id for p in world.publisher.published] == ["e-grant", "e-added", "e-left"]


async def test_a_conflict_is_raised_before_waiting_so_the_whole_batch_is_read_again() -> None:
    world = World()
    other = "approval-2"
    await world.deliver(received(granted(date(2026, 1, 5)).model_copy(update={"approval_id": other}), "e-grant-2"))
    moved_on = world.store.items[other].approval.model_copy(update={"revision": 2})
    world.store.before_save = lambda _: world.store.items.update({other: StoredApproval(moved_on, (), 2)})

    with pytest.raises(Conflict):
        await world.deliver(
            received(staff_left("s1"), "e-left"),
            received(staff_added("s3").model_copy(update={"approval_id": other}), "e-added-2"),
        )


async def test_a_concurrent_write_fails_the_batch_and_its_retry_publishes_each_change_once() -> None:
    world = World()
    await world.deliver(received(granted(date(2026, 1, 5), "s1"), "e-1"))
    other = approval_granted_on(date(2026, 1, 5), "s1").model_copy(update={"revision": 2})
    # Another writer (the scheduler, another topic's batch) moves the approval on first.
    world.store.before_save = lambda _: world.store.items.update({APPROVAL_ID: StoredApproval(other, (), 2)})

    with pytest.raises(Conflict):
        await world.deliver(received(staff_added("s2"), "e-2"))
    await world.deliver(received(staff_added("s2"), "e-2"))

    assert world.publisher.changes == [(APPROVAL_ID, "granted", 1), (APPROVAL_ID, "staff_added", 3)]


async def test_a_batch_that_meets_a_conflict_still_publishes_what_it_wrote_and_its_retry_only_the_rest() -> None:
    world = World()
    other_grant = granted(date(2026, 1, 5)).model_copy(update={"approval_id": "approval-2"})
    world.store.before_save = lambda approval: world.store.items.update(
        {approval.approval_id: StoredApproval(approval, (), 1)}  # another instance granted it first
    )
    with pytest.raises(Conflict):
        await world.deliver(received(granted(date(2026, 1, 5)), "e-1"), received(other_grant, "e-2"))
    assert world.publisher.changes == [("approval-2", "granted", 1)]
    assert world.store.unsent_versions == {}

    await world.deliver(received(granted(date(2026, 1, 5)), "e-1"), received(other_grant, "e-2"))
    assert world.publisher.changes == [("approval-2", "granted", 1)], "the other instance publishes its own"


async def test_changes_a_failed_publish_left_unsent_are_the_relays_and_later_batches_send_only_their_own() -> None:
    world = World()
    world.publisher.failures = 1
    with pytest.raises(ConnectionError):
        await world.deliver(received(granted(date(2026, 1, 5), "s1"), "e-1"))
    assert list(world.store.unsent_versions) == [(APPROVAL_ID, 1)]  # state and event were written together

    await world.deliver(received(staff_added("s2"), "e-2"))
    assert world.publisher.changes == [(APPROVAL_ID, "staff_added", 2)]

    await Outbox(world.store, world.publisher).sweep(NOW)
    assert world.publisher.changes == [(APPROVAL_ID, "staff_added", 2), (APPROVAL_ID, "granted", 1)]
    assert world.publisher.published[1].event_id == change_id("e-1", world.publisher.published[1].change.change, 1)
    assert world.store.unsent_versions == {}


async def test_the_relay_publishes_what_a_crash_left_behind_and_then_nothing_more() -> None:
    world = World()
    world.publisher.failures = 1
    with pytest.raises(ConnectionError):
        await world.deliver(received(granted(date(2026, 1, 5)), "e-1"))
    outbox = Outbox(world.store, world.publisher)

    assert await outbox.sweep(NOW) == 1
    assert await outbox.sweep(NOW) == 0
    assert world.publisher.changes == [(APPROVAL_ID, "granted", 1)]


async def test_a_report_filed_in_time_renews_from_the_old_expiry() -> None:
    world = World()
    await world.deliver(received(granted(date(2025, 3, 10)), "e-1"))
    await world.deliver(received(report(date(2026, 2, 1)), "e-2"))
    approval = world.store.items[APPROVAL_ID].approval
    assert (approval.state, approval.valid_until) == (ApprovalState.ACTIVE, date(2029, 3, 10))
    assert world.publisher.changes[-1] == (APPROVAL_ID, "renewed", 2)
