from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from contracts.application import Applicant, Application, ApplicationForm, Filer, FilerCategory, Procedure
from contracts.eligibility import ApplicationAssessed, Reason
from contracts.intake import (
    ApplicationNotEligible,
    ApplicationReceived,
    ApplicationStatus,
    ApplicationStatusChanged,
    Channel,
    Parties,
)
from contracts.notification import NoticeFailed, NoticeSent
from contracts.organisations import ApprovalChange, ApprovalState
from services.reporting.domain.approval import changed_event
from services.reporting.domain.figures import Increment, increment, increments_for, japan_day, tally
from tests.unit.reporting.reporting_builders import NOW, approval_granted_on

AT = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)  # 2026-03-03 01:30 in Japan
PARTIES = Parties(
    filer_id="filer-1", filer_name="Filer", filer_email="filer@example.jp", language="ja", applicant_name="A"
)


def received(at: datetime = AT) -> ApplicationReceived:
    application = Application(
        submission_id="sub-1",
        filer=Filer(filer_id="filer-1", category=FilerCategory.FOREIGN_NATIONAL, name="F", email="f@example.jp"),
        applicant=Applicant(name="A", nationality="VNM", date_of_birth=date(1995, 5, 5)),
        form=ApplicationForm(procedure=Procedure.EXTENSION_OF_STAY),
        submitted_at=at,
    )
    return ApplicationReceived(
        application_id="app-1", provisional_number="P-1", channel=Channel.HTTP, received_at=at, application=application
    )


def status_changed(status: ApplicationStatus, previous: ApplicationStatus | None) -> ApplicationStatusChanged:
    return ApplicationStatusChanged(
        application_id="app-1",
        provisional_number="P-1",
        procedure=Procedure.EXTENSION_OF_STAY,
        status=status,
        previous_status=previous,
        revision=2,
        changed_at=AT,
    )


def reason(code: str) -> Reason:
    return Reason(code=code, message_ja="理由", message_en="reason")


def test_a_received_application_counts_by_procedure_and_japan_day_and_enters_submitted() -> None:
    assert increments_for(received()) == (
        increment("applications_received_total", procedure="extension_of_stay", day="2026-03-03"),
        increment("applications_by_status", status="submitted"),
        increment("applications_received_hourly", hour="2026-03-03T01"),
    )


def test_a_status_change_moves_one_application_between_statuses() -> None:
    event = status_changed(ApplicationStatus.ACCEPTED, ApplicationStatus.SUBMITTED)
    assert increments_for(event) == (
        increment("applications_by_status", -1, status="submitted"),
        increment("applications_by_status", status="accepted"),
    )


def test_a_first_status_announcing_submitted_is_not_counted_twice() -> None:
    assert increments_for(status_changed(ApplicationStatus.SUBMITTED, None)) == ()


def test_a_status_change_without_a_previous_status_moves_from_submitted() -> None:
    assert tally(increments_for(status_changed(ApplicationStatus.ACCEPTED, None))) == {
        ("applications_by_status", (("status", "submitted"),)): -1,
        ("applications_by_status", (("status", "accepted"),)): 1,
    }


def test_applying_each_event_once_gives_exact_status_figures_in_any_order() -> None:
    events = [
        received(),
        status_changed(ApplicationStatus.ACCEPTED, ApplicationStatus.SUBMITTED),
        status_changed(ApplicationStatus.UNDER_EXAMINATION, ApplicationStatus.ACCEPTED),
    ]
    forwards = tally(item for event in events for item in increments_for(event))
    backwards = tally(item for event in reversed(events) for item in increments_for(event))
    by_status = {key[1][0][1]: value for key, value in forwards.items() if key[0] == "applications_by_status"}
    assert forwards == backwards
    assert by_status == {"submitted": 0, "accepted": 0, "under_examination": 1}


def test_each_distinct_not_eligible_reason_counts_once_per_application() -> None:
    event = ApplicationNotEligible(
        application_id="app-1",
        provisional_number="P-1",
        procedure=Procedure.EXTENSION_OF_STAY,
        reasons=(reason("stay_expires_today"), reason("abroad"), reason("abroad")),
        decided_at=AT,
        parties=PARTIES,
    )
    assert increments_for(event) == (
        increment("not_eligible_reasons_total", code="abroad"),
        increment("not_eligible_reasons_total", code="stay_expires_today"),
    )


@pytest.mark.parametrize(("eligible", "outcome"), [(True, "eligible"), (False, "not_eligible")])
def test_an_assessment_counts_by_outcome(eligible: bool, outcome: str) -> None:
    event = ApplicationAssessed(
        application_id="app-1", eligible=eligible, ruleset_version="1", rules_date=date(2026, 3, 2), assessed_at=AT
    )
    assert increments_for(event) == (increment("assessments_total", outcome=outcome),)


def test_notices_sent_and_failed_count_by_kind() -> None:
    sent = NoticeSent(
        notice_id="n-1", kind="accepted", source_event_id="e-1", message_id="<m@x>", recipient_count=2, sent_at=AT
    )
    failed = NoticeFailed(notice_id="n-2", kind="decided", source_event_id="e-2", reason="550", failed_at=AT)
    assert increments_for(sent) == (
        increment("notices_sent_total", kind="accepted"),
        increment("notices_sent_hourly", hour="2026-03-03T01"),
    )
    assert increments_for(failed) == (
        increment("notices_failed_total", kind="decided"),
        increment("notices_failed_hourly", hour="2026-03-03T01"),
    )


@pytest.mark.parametrize("status", [ApplicationStatus.GRANTED, ApplicationStatus.DENIED])
def test_an_examination_ending_counts_as_decided_in_the_japan_hour_of_the_change(status: ApplicationStatus) -> None:
    assert increments_for(status_changed(status, ApplicationStatus.UNDER_EXAMINATION)) == (
        increment("applications_by_status", -1, status="under_examination"),
        increment("applications_by_status", status=status),
        increment("applications_decided_hourly", hour="2026-03-03T01", decision=status),
    )


def test_moves_after_the_decision_are_not_decided_again() -> None:
    delivered = increments_for(status_changed(ApplicationStatus.DELIVERED, ApplicationStatus.GRANTED))
    assert [i.counter for i in delivered] == ["applications_by_status", "applications_by_status"]


def test_a_granted_approval_enters_its_state() -> None:
    event = changed_event(approval_granted_on(date(2026, 1, 5)), ApprovalChange.GRANTED, None, NOW)
    assert increments_for(event) == (
        increment("approval_changes_total", change="granted"),
        increment("approvals_by_state", state="active"),
    )


def test_a_lapse_moves_an_approval_from_active_to_lapsed() -> None:
    lapsed = approval_granted_on(date(2026, 1, 5)).model_copy(update={"state": ApprovalState.LAPSED})
    event = changed_event(lapsed, ApprovalChange.LAPSED, ApprovalState.ACTIVE, NOW)
    assert increments_for(event) == (
        increment("approval_changes_total", change="lapsed"),
        increment("approvals_by_state", -1, state="active"),
        increment("approvals_by_state", state="lapsed"),
    )


def test_a_change_within_a_state_only_counts_the_change() -> None:
    event = changed_event(approval_granted_on(date(2026, 1, 5)), ApprovalChange.STAFF_ADDED, ApprovalState.ACTIVE, NOW)
    assert increments_for(event) == (increment("approval_changes_total", change="staff_added"),)


def test_an_event_reporting_does_not_count_is_a_wiring_error() -> None:
    with pytest.raises(TypeError, match="Reason"):
        increments_for(reason("x"))


def test_labels_are_equal_whatever_order_they_were_given_in() -> None:
    assert (
        increment("c", a="1", b="2")
        == increment("c", b="2", a="1")
        == Increment(counter="c", labels=(("a", "1"), ("b", "2")))
    )


def test_the_japan_day_of_a_time_in_another_zone_and_of_a_naive_time() -> None:
    assert japan_day(datetime(2026, 3, 2, 14, 59, tzinfo=UTC)) == "2026-03-02"
    assert japan_day(datetime(2026, 3, 2, 15, 0, tzinfo=UTC)) == "2026-03-03"
    assert japan_day(datetime(2026, 3, 2, 23, 0, tzinfo=timezone(timedelta(hours=-5)))) == "2026-03-03"
    assert japan_day(datetime(2026, 3, 2, 23, 0)) == "2026-03-03"  # naive is UTC, as in every service
