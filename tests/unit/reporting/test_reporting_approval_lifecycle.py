from datetime import date

import pytest

from contracts.organisations import ApprovalChange, ApprovalState, StaffDeparture
from services.reporting.domain.approval import Unchanged
from services.reporting.domain.approvals import BureauEvent
from services.reporting.domain.schedule import advance
from tests.unit.reporting.reporting_builders import (
    APPROVAL_ID,
    NOW,
    approval_granted_on,
    granted,
    report,
    revoked,
    staff_added,
    staff_left,
    step,
)


def test_a_grant_opens_an_active_approval_and_publishes_revision_one() -> None:
    outcome = step(None, granted(date(2026, 2, 1)))
    assert outcome.approval is not None
    (change,) = outcome.changes
    assert (change.change, change.state, change.revision, change.previous_state) == (
        ApprovalChange.GRANTED,
        ApprovalState.ACTIVE,
        1,
        None,
    )
    assert (change.valid_from, change.valid_until, change.report_due_by) == (
        date(2026, 2, 1),
        date(2029, 2, 1),
        date(2029, 1, 1),
    )


def test_granted_the_day_before_the_switch_lasts_one_year() -> None:
    assert approval_granted_on(date(2026, 1, 4)).valid_until == date(2027, 1, 4)


def test_granted_on_the_switch_day_lasts_three_years() -> None:
    assert approval_granted_on(date(2026, 1, 5)).valid_until == date(2029, 1, 5)


def test_an_old_approval_moves_to_three_years_at_its_next_report_after_the_switch() -> None:
    approval = approval_granted_on(date(2025, 6, 1))
    assert approval.valid_until == date(2026, 6, 1)
    outcome = step(approval, report(date(2026, 4, 15), date(2026, 4, 20)))
    assert outcome.approval is not None
    assert outcome.approval.valid_until == date(2029, 6, 1)
    assert outcome.changes[0].change is ApprovalChange.RENEWED


def test_a_report_accepted_before_the_switch_still_renews_for_one_year() -> None:
    approval = approval_granted_on(date(2025, 2, 1))
    renewed = step(approval, report(date(2025, 12, 10), date(2025, 12, 20))).approval
    assert renewed is not None
    assert renewed.valid_until == date(2027, 2, 1)
    then_three_years = step(renewed, report(date(2026, 12, 1))).approval
    assert then_three_years is not None
    assert then_three_years.valid_until == date(2030, 2, 1)


def test_a_renewal_extends_from_the_old_expiry_and_resets_the_reminders() -> None:
    approval = advance(approval_granted_on(date(2026, 1, 4)), date(2026, 12, 10), NOW).approval
    assert approval is not None
    assert approval.emitted == (ApprovalChange.REMINDER_DUE, ApprovalChange.DEADLINE_NEAR)
    renewed = step(approval, report(date(2026, 12, 10))).approval
    assert renewed is not None
    assert (renewed.valid_from, renewed.period_started_on, renewed.valid_until) == (
        date(2026, 1, 4),
        date(2027, 1, 4),
        date(2030, 1, 4),
    )
    assert renewed.emitted == ()
    assert (renewed.reminder_on, renewed.report_due_by) == (date(2029, 11, 4), date(2029, 12, 4))


def test_a_report_filed_on_the_last_valid_day_is_still_in_time() -> None:
    approval = approval_granted_on(date(2026, 1, 4))
    outcome = step(approval, report(date(2027, 1, 3)))
    assert outcome.changes[0].change is ApprovalChange.RENEWED


def test_a_report_filed_on_the_expiry_day_does_not_revive_the_approval() -> None:
    lapsed = advance(approval_granted_on(date(2026, 1, 4)), date(2027, 1, 4), NOW).approval
    assert lapsed is not None
    assert lapsed.state is ApprovalState.LAPSED
    outcome = step(lapsed, report(date(2027, 1, 4)))
    assert (outcome.approval, outcome.changes, outcome.unchanged) == (
        lapsed,
        (),
        Unchanged.FILED_AFTER_EXPIRY,
    )


def test_a_report_filed_in_time_but_arriving_after_the_lapse_renews_the_approval() -> None:
    lapsed = advance(approval_granted_on(date(2026, 1, 4)), date(2027, 1, 10), NOW).approval
    assert lapsed is not None
    outcome = step(lapsed, report(date(2026, 12, 20), date(2027, 1, 8)))
    (change,) = outcome.changes
    assert (change.state, change.previous_state, change.valid_until) == (
        ApprovalState.ACTIVE,
        ApprovalState.LAPSED,
        date(2030, 1, 4),
    )


def test_the_same_report_delivered_twice_renews_once() -> None:
    approval = approval_granted_on(date(2026, 1, 5))
    renewed = step(approval, report(date(2028, 12, 1))).approval
    again = step(renewed, report(date(2028, 12, 1)))
    assert (again.approval, again.changes, again.unchanged) == (renewed, (), Unchanged.ALREADY_APPLIED)


def test_a_second_report_in_the_same_period_does_not_extend_again() -> None:
    renewed = step(approval_granted_on(date(2026, 1, 5)), report(date(2028, 12, 1))).approval
    assert step(renewed, report(date(2028, 12, 20))).unchanged is Unchanged.ALREADY_APPLIED


def test_a_staff_member_who_left_is_removed_and_listed() -> None:
    outcome = step(approval_granted_on(date(2026, 1, 5), "s1", "s2"), staff_left("s1"))
    (change,) = outcome.changes
    assert change.change is ApprovalChange.STAFF_REMOVED
    assert [member.staff_id for member in change.staff] == ["s2"]
    assert change.removed_staff_ids == ("s1",)
    assert change.state is ApprovalState.ACTIVE


def test_a_leaver_is_published_with_the_day_they_left_and_the_standing_they_held() -> None:
    approval = approval_granted_on(date(2026, 1, 5), "s1", "s2")
    (change,) = step(approval, staff_left("s1", date(2026, 3, 1))).changes
    assert change.departures == (StaffDeparture(staff_id="s1", left_on=date(2026, 3, 1), intermediary=False),)


def test_a_leaver_seen_before_joining_has_no_departure_to_publish() -> None:
    (change,) = step(approval_granted_on(date(2026, 1, 5), "s1"), staff_left("s3")).changes
    assert change.removed_staff_ids == ("s3",)
    assert change.departures == ()


def test_staff_leaving_twice_changes_nothing_the_second_time() -> None:
    once = step(approval_granted_on(date(2026, 1, 5)), staff_left("s1")).approval
    twice = step(once, staff_left("s1"))
    assert (twice.approval, twice.changes, twice.unchanged) == (once, (), Unchanged.ALREADY_APPLIED)


def test_new_staff_join_the_approval() -> None:
    outcome = step(approval_granted_on(date(2026, 1, 5), "s1"), staff_added("s3"))
    (change,) = outcome.changes
    assert change.change is ApprovalChange.STAFF_ADDED
    assert [member.staff_id for member in change.staff] == ["s1", "s3"]


def test_staff_added_twice_joins_once() -> None:
    once = step(approval_granted_on(date(2026, 1, 5), "s1"), staff_added("s3")).approval
    assert step(once, staff_added("s3")).unchanged is Unchanged.ALREADY_APPLIED


def test_a_leaver_seen_before_their_joining_stays_removed() -> None:
    left_first = step(approval_granted_on(date(2026, 1, 5), "s1"), staff_left("s3")).approval
    outcome = step(left_first, staff_added("s3"))
    assert outcome.unchanged is Unchanged.ALREADY_APPLIED
    assert outcome.approval is not None
    assert "s3" not in {member.staff_id for member in outcome.approval.staff}


def test_a_revoked_approval_is_final() -> None:
    revoked_approval = step(approval_granted_on(date(2026, 1, 5)), revoked()).approval
    assert revoked_approval is not None
    assert revoked_approval.state is ApprovalState.REVOKED
    assert step(revoked_approval, revoked()).unchanged is Unchanged.ALREADY_APPLIED
    assert step(revoked_approval, report(date(2028, 12, 1))).unchanged is Unchanged.REVOKED
    assert step(revoked_approval, staff_added("s9")).unchanged is Unchanged.REVOKED
    assert advance(revoked_approval, date(2035, 1, 1), NOW).changes == ()


def test_a_duplicate_grant_changes_nothing() -> None:
    approval = approval_granted_on(date(2026, 1, 5))
    assert step(approval, granted(date(2026, 1, 5))).unchanged is Unchanged.ALREADY_APPLIED


@pytest.mark.parametrize("event", [report(date(2026, 5, 1)), staff_left("s1"), staff_added("s3"), revoked()])
def test_an_event_before_the_grant_is_reported_as_unknown(event: BureauEvent) -> None:
    outcome = step(None, event)
    assert (outcome.approval, outcome.changes, outcome.unchanged) == (None, (), Unchanged.UNKNOWN_APPROVAL)


def test_an_event_for_another_approval_is_a_programming_error() -> None:
    approval = approval_granted_on(date(2026, 1, 5))
    other = staff_left("s1").model_copy(update={"approval_id": "approval-2"})
    with pytest.raises(ValueError, match="approval-2"):
        step(approval, other)


def test_the_revision_grows_by_one_with_each_published_change() -> None:
    approval = None
    revisions = []
    events: list[BureauEvent] = [granted(date(2026, 1, 5)), staff_added("s3"), staff_left("s1"), staff_left("s1")]
    events += [report(date(2028, 12, 1)), report(date(2028, 12, 1)), revoked()]
    for event in events:
        outcome = step(approval, event)
        approval = outcome.approval
        revisions += [change.revision for change in outcome.changes]
    assert revisions == [1, 2, 3, 4, 5]
    assert approval is not None
    assert approval.revision == 5
    assert approval.approval_id == APPROVAL_ID
