from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.organisations import ApprovalChange, ApprovalState
from services.reporting.domain.approval import Approval, Unchanged
from services.reporting.domain.schedule import (
    ScheduledChange,
    advance,
    due_actions,
    mark,
    next_due_date,
    report_due_within,
)
from tests.unit.reporting.reporting_builders import NOW, approval_granted_on, report, revoked, step

REMINDER, DEADLINE, LAPSED = ApprovalChange.REMINDER_DUE, ApprovalChange.DEADLINE_NEAR, ApprovalChange.LAPSED


def one_year_approval() -> Approval:
    """Granted 2026-01-04: reminder 2026-11-04, report due by 2026-12-04, lapses 2027-01-04."""
    return approval_granted_on(date(2026, 1, 4))


def changes_on(approval: Approval, today: date) -> list[ApprovalChange]:
    return [scheduled.change for scheduled in due_actions(approval, today)]


def test_nothing_is_due_the_day_before_the_reminder() -> None:
    assert changes_on(one_year_approval(), date(2026, 11, 3)) == []


def test_the_reminder_is_due_two_months_before_expiry() -> None:
    assert changes_on(one_year_approval(), date(2026, 11, 4)) == [REMINDER]


def test_the_deadline_is_near_on_the_report_due_by_date_and_not_before() -> None:
    reminded = advance(one_year_approval(), date(2026, 11, 4), NOW).approval
    assert reminded is not None
    assert changes_on(reminded, date(2026, 12, 3)) == []
    assert changes_on(reminded, date(2026, 12, 4)) == [DEADLINE]


def test_the_last_valid_day_is_the_day_before_expiry_and_the_lapse_comes_on_expiry() -> None:
    warned = advance(one_year_approval(), date(2026, 12, 4), NOW).approval
    assert warned is not None
    assert changes_on(warned, date(2027, 1, 3)) == []
    assert changes_on(warned, date(2027, 1, 4)) == [LAPSED]


def test_a_lapse_ends_access_and_nothing_more_falls_due() -> None:
    outcome = advance(one_year_approval(), date(2027, 1, 4), NOW)
    assert outcome.approval is not None
    assert outcome.approval.state is ApprovalState.LAPSED
    assert outcome.changes[-1].previous_state is ApprovalState.ACTIVE
    assert due_actions(outcome.approval, date(2030, 1, 1)) == ()
    assert next_due_date(outcome.approval) is None


def test_after_downtime_every_missed_change_is_published_once_in_order() -> None:
    outcome = advance(one_year_approval(), date(2027, 3, 1), NOW)
    assert [change.change for change in outcome.changes] == [REMINDER, DEADLINE, LAPSED]
    assert [change.revision for change in outcome.changes] == [2, 3, 4]
    assert outcome.approval is not None
    assert advance(outcome.approval, date(2027, 3, 1), NOW).changes == ()


def test_due_actions_lists_missed_changes_in_order_with_their_dates() -> None:
    expiry = date(2027, 1, 4)
    assert due_actions(one_year_approval(), date(2027, 3, 1)) == (
        ScheduledChange(approval_id="approval-1", change=REMINDER, due_on=date(2026, 11, 4), valid_until=expiry),
        ScheduledChange(approval_id="approval-1", change=DEADLINE, due_on=date(2026, 12, 4), valid_until=expiry),
        ScheduledChange(approval_id="approval-1", change=LAPSED, due_on=expiry, valid_until=expiry),
    )


def test_the_schedule_index_date_moves_through_reminder_deadline_and_expiry() -> None:
    approval = one_year_approval()
    seen = []
    while (due := next_due_date(approval)) is not None:
        seen.append(due)
        approval = advance(approval, due, NOW).approval or approval
    assert seen == [date(2026, 11, 4), date(2026, 12, 4), date(2027, 1, 4)]


def test_a_renewal_moves_the_schedule_index_to_the_new_period() -> None:
    reminded = advance(one_year_approval(), date(2026, 11, 20), NOW).approval
    renewed = step(reminded, report(date(2026, 11, 20))).approval
    assert renewed is not None
    assert next_due_date(renewed) == date(2029, 11, 4)


def test_a_scheduled_change_from_a_renewed_period_is_stale() -> None:
    approval = one_year_approval()
    (reminder,) = due_actions(approval, date(2026, 11, 4))
    renewed = step(approval, report(date(2026, 11, 4))).approval
    assert renewed is not None
    assert mark(renewed, reminder, NOW).unchanged is Unchanged.STALE


def test_a_scheduled_change_marked_twice_is_published_once() -> None:
    approval = one_year_approval()
    (reminder,) = due_actions(approval, date(2026, 11, 4))
    once = mark(approval, reminder, NOW).approval
    assert once is not None
    assert mark(once, reminder, NOW).unchanged is Unchanged.ALREADY_APPLIED


def test_a_revoked_approval_has_nothing_scheduled() -> None:
    revoked_approval = step(one_year_approval(), revoked()).approval
    assert revoked_approval is not None
    assert next_due_date(revoked_approval) is None
    (reminder,) = due_actions(one_year_approval(), date(2026, 11, 4))
    assert mark(revoked_approval, reminder, NOW).unchanged is Unchanged.NOT_ACTIVE


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2026, 11, 3), False), (date(2026, 11, 5), True), (date(2027, 1, 3), True)],
)
def test_an_approval_counts_as_due_within_thirty_days_of_its_report_date_or_when_overdue(
    today: date, expected: bool
) -> None:
    assert report_due_within(one_year_approval(), today) is expected


def test_a_lapsed_approval_is_no_longer_counted_as_due() -> None:
    lapsed = advance(one_year_approval(), date(2027, 1, 4), NOW).approval
    assert lapsed is not None
    assert report_due_within(lapsed, date(2027, 1, 4)) is False


day_steps = st.lists(st.tuples(st.integers(0, 120), st.booleans()), max_size=40)


@given(
    approved_on=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    steps=day_steps,
)
def test_each_scheduled_change_is_published_at_most_once_per_validity_period_and_in_order(
    approved_on: date, steps: list[tuple[int, bool]]
) -> None:
    approval = approval_granted_on(approved_on)
    today = approved_on
    revisions = [approval.revision]
    per_period: defaultdict[date, list[ApprovalChange]] = defaultdict(list)
    for days, files_report in steps:
        today += timedelta(days=days)
        outcomes = []
        if files_report:
            outcomes.append(step(approval, report(today)))
            approval = outcomes[-1].approval or approval
        outcomes.append(advance(approval, today, NOW))
        approval = outcomes[-1].approval or approval
        for change in (change for outcome in outcomes for change in outcome.changes):
            revisions.append(change.revision)
            if change.change in (REMINDER, DEADLINE, LAPSED):
                per_period[change.valid_until].append(change.change)
    assert revisions == list(range(1, len(revisions) + 1))
    for published in per_period.values():
        assert published == [REMINDER, DEADLINE, LAPSED][: len(published)]
    assert (approval.state is ApprovalState.LAPSED) == (today >= approval.valid_until)
