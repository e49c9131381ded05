"""Each consumed event is counted under its topic and id; a snapshot adds what is read live."""

import asyncio
from datetime import UTC, date, datetime

from chassis.clock import FixedClock
from contracts.eligibility import ApplicationAssessed
from contracts.notification import NoticeSent
from services.reporting.handlers.figures import FiguresBroadcast, FiguresCounter, FiguresReport
from services.reporting.handlers.ports import Received, StoredApproval
from tests.unit.reporting.reporting_builders import approval_granted_on
from tests.unit.reporting.reporting_fakes import FakeApprovalStore, FakeLag, FakeLedger, FakePublisher

NOW = datetime(2026, 10, 1, 0, 0, tzinfo=UTC)


def assessed(application_id: str, eligible: bool) -> ApplicationAssessed:
    return ApplicationAssessed(
        application_id=application_id,
        eligible=eligible,
        ruleset_version="1",
        rules_date=date(2026, 10, 1),
        assessed_at=NOW,
    )


def notice(notice_id: str) -> NoticeSent:
    return NoticeSent(
        notice_id=notice_id, kind="accepted", source_event_id="x", message_id="<m>", recipient_count=1, sent_at=NOW
    )


async def test_events_are_counted_under_their_topic_and_id_so_a_duplicate_counts_once() -> None:
    ledger = FakeLedger()
    counter = FiguresCounter(ledger)
    batch = [
        Received("eligibility:e1", "e1", assessed("a1", True)),
        Received("eligibility:e2", "e2", assessed("a2", False)),
        Received("notification:e1", "e1", notice("n1")),  # same id, other topic: another event
    ]
    await counter.handle(batch)
    await counter.handle(batch[:1])

    totals = {(c.name, tuple(c.labels.values())): c.value for c in await ledger.counters()}
    assert totals == {
        ("assessments_total", ("eligible",)): 1,
        ("assessments_total", ("not_eligible",)): 1,
        ("notices_sent_total", ("accepted",)): 1,
        ("notices_sent_hourly", ("2026-10-01T09",)): 1,
    }


async def test_a_snapshot_has_the_counters_the_approvals_due_within_30_days_and_the_lag() -> None:
    ledger = FakeLedger()
    await FiguresCounter(ledger).handle(
        [Received("t:e1", "e1", assessed("a1", True)), Received("n:e1", "e1", notice("n1"))]
    )
    store = FakeApprovalStore()
    # Granted 2025-11-30 (one year): report due by 2026-10-30, within 30 days of 2026-10-02 (Japan's day);
    # the other is due 2027-02-01.
    soon = approval_granted_on(date(2025, 11, 30))
    later = approval_granted_on(date(2026, 3, 1)).model_copy(update={"approval_id": "approval-2"})
    store.items = {soon.approval_id: StoredApproval(soon, (), 1), later.approval_id: StoredApproval(later, (), 1)}
    lag = FakeLag({"t": 3}, by_service={"notification": 441, "reporting": 3})
    report = FiguresReport(ledger, store, lag, FixedClock(datetime(2026, 10, 1, 15, 0, tzinfo=UTC)))

    snapshot = await report.snapshot()

    assert snapshot.approvals_due_next_30_days == 1
    assert snapshot.consumer_lag == {"t": 3}
    assert snapshot.service_lag == {"notification": 441, "reporting": 3}, "the whole system's lag, per service"
    # The hourly series are the history's: a label per hour has no place in the snapshot or /metrics.
    assert [(c.name, c.value) for c in snapshot.counters] == [("assessments_total", 1), ("notices_sent_total", 1)]
    assert snapshot.taken_at == datetime(2026, 10, 1, 15, 0, tzinfo=UTC)


async def test_the_broadcast_publishes_a_snapshot_at_once_and_then_at_its_interval() -> None:
    publisher = FakePublisher()
    report = FiguresReport(FakeLedger(), FakeApprovalStore(), FakeLag(), FixedClock(NOW))
    broadcast = FiguresBroadcast(report, publisher, interval=0.01)
    task = asyncio.create_task(broadcast.run())
    await asyncio.sleep(0.05)
    task.cancel()
    assert len(publisher.snapshots) >= 2
