from datetime import UTC, date, datetime, timedelta, timezone

from contracts.application import ReceiptMethod
from contracts.eligibility import ApplicationAssessed, Reason
from contracts.examination import DecisionMade, DocumentsRequested, Outcome, ResultDelivered
from contracts.intake import ApplicationStatus
from contracts.notification import NoticeSent
from services.intake.domain.application import with_receipt_number
from services.intake.domain.inputs import (
    InputKind,
    from_assessment,
    from_decision,
    from_documents_requested,
    from_notice_sent,
    from_result_delivered,
    withdraw_command,
)

from .builders import T0, a_submitted_application, an_application

JST = timezone(timedelta(hours=9))


def test_a_new_application_is_submitted_at_revision_one_with_one_timeline_entry():
    app = a_submitted_application()

    assert app.status is ApplicationStatus.SUBMITTED
    assert app.revision == 1
    assert [(e.kind, e.status, e.source_event_id) for e in app.timeline] == [
        (InputKind.SUBMITTED, ApplicationStatus.SUBMITTED, "evt-received")
    ]
    assert app.receipt_number is None


def test_the_filing_date_is_taken_in_japan_time():
    app = a_submitted_application(an_application(submitted_at=datetime(2026, 3, 31, 16, 0, tzinfo=UTC)))

    assert app.filed_on == date(2026, 4, 1)


def test_a_receipt_number_once_given_is_never_replaced():
    app = with_receipt_number(a_submitted_application(), "ON-2026-000000001-00")

    assert with_receipt_number(app, "ON-2026-000000002-00").receipt_number == "ON-2026-000000001-00"


def test_an_assessment_maps_to_eligible_or_not_eligible_with_its_reason_codes():
    reasons = (Reason(code="expiry_day", message_ja="…", message_en="…"),)
    assessed = ApplicationAssessed(
        application_id="app-1",
        eligible=False,
        reasons=reasons,
        ruleset_version="1",
        rules_date=date(2026, 3, 2),
        assessed_at=T0,
    )

    refused = from_assessment(assessed, "evt-1")
    accepted = from_assessment(assessed.model_copy(update={"eligible": True, "reasons": ()}), "evt-2")

    assert (refused.kind, refused.details, refused.occurred_at) == (InputKind.ASSESSED_NOT_ELIGIBLE, "expiry_day", T0)
    assert (accepted.kind, accepted.details) == (InputKind.ASSESSED_ELIGIBLE, None)


def test_a_decision_maps_to_granted_or_denied_at_the_start_of_its_day_in_japan():
    decision = DecisionMade(
        application_id="app-1",
        receipt_number="r",
        outcome=Outcome.DENIED,
        decided_on=date(2026, 5, 1),
        receipt_method=ReceiptMethod.POST,
    )

    denied = from_decision(decision, "evt-d")
    granted = from_decision(decision.model_copy(update={"outcome": Outcome.GRANTED}), "evt-g")

    assert denied.kind is InputKind.DECISION_DENIED
    assert granted.kind is InputKind.DECISION_GRANTED
    assert denied.occurred_at == datetime(2026, 5, 1, tzinfo=JST)
    assert denied.details == "receipt_method=post"


def test_examination_and_notification_events_keep_their_event_id_and_time():
    requested = from_documents_requested(
        DocumentsRequested(
            application_id="app-1",
            receipt_number="r",
            documents=("tax certificate",),
            due_on=date(2026, 4, 1),
            requested_at=T0,
        ),
        "evt-r",
    )
    delivered = from_result_delivered(ResultDelivered(application_id="app-1", delivered_on=T0.date()), "e")
    notice = from_notice_sent(
        NoticeSent(
            notice_id="n-1",
            kind="accepted",
            application_id="app-1",
            source_event_id="evt-a",
            message_id="<m@x>",
            recipient_count=2,
            sent_at=T0,
        ),
        "evt-n",
    )

    assert (requested.source_event_id, requested.occurred_at, requested.details) == ("evt-r", T0, "due_on=2026-04-01")
    assert delivered.kind is InputKind.RESULT_DELIVERED
    assert (notice.kind, notice.details) == (InputKind.NOTICE_SENT, "notice=accepted")


def test_a_withdrawal_command_is_placed_at_the_now_it_is_given():
    command = withdraw_command("cmd-1", T0)

    assert (command.kind, command.source_event_id, command.occurred_at) == (InputKind.WITHDRAW_REQUESTED, "cmd-1", T0)
