"""Sample events for the notification domain: one builder per event, and one event per notice kind."""

import email
import email.policy
from datetime import UTC, date, datetime
from email.message import EmailMessage
from typing import Any

from contracts.application import (
    Applicant,
    Application,
    ApplicationForm,
    Attachment,
    Filer,
    FilerCategory,
    Procedure,
    ReceiptMethod,
    StatusOfResidence,
)
from contracts.eligibility import Reason
from contracts.examination import CardDispatched, CoeIssued, DecisionMade, DocumentsRequested, Outcome
from contracts.intake import (
    ApplicationAccepted,
    ApplicationNotEligible,
    ApplicationReceived,
    Channel,
    DocumentsSubmittedOnline,
    Parties,
    SpecialPeriod,
)
from contracts.organisations import ApprovalChange, ApprovalChanged, ApprovalState, StaffMember
from services.notification.adapters.mail.render import Renderer
from services.notification.domain import addressing
from services.notification.domain.contacts import NoticeContext
from services.notification.domain.labels import procedure_label
from services.notification.domain.notices import Notice, NoticeEvent, NoticeKind, Planned, plan_notices
from services.notification.domain.plan_documents import DocumentsReminderDue

APP = "app-0001"
AT = datetime(2026, 5, 11, 1, 30, tzinfo=UTC)


def received(procedure: Procedure = Procedure.EXTENSION_OF_STAY, **applicant: Any) -> ApplicationReceived:
    fields: dict[str, Any] = {
        "name": "グエン・ヴァン・アン",
        "nationality": "VNM",
        "date_of_birth": date(1998, 4, 2),
        "email": "an@example.com",
        "period_of_stay_days": 365,
        "stay_expires_on": date(2026, 6, 30),
    } | applicant
    return ApplicationReceived(
        application_id=APP,
        provisional_number="P-20260511-0001",
        channel=Channel.KAFKA,
        received_at=AT,
        application=Application(
            submission_id="sub-1",
            filer=Filer(
                filer_id="filer-1",
                category=FilerCategory.ORGANISATION_STAFF,
                name="山田 花子",
                email="hanako@example.co.jp",
                language="ja",
                organisation_id="org-1",
            ),
            applicant=Applicant(**fields),
            form=ApplicationForm(
                procedure=procedure,
                accompanying=(Procedure.EXTRA_ACTIVITY_PERMISSION,),
                receipt_method=ReceiptMethod.POST,
            ),
            submitted_at=AT,
        ),
    )


def parties(language: str = "ja", **changes: Any) -> Parties:
    fields: dict[str, Any] = {
        "filer_id": "filer-1",
        "filer_name": "山田 花子",
        "filer_email": "hanako@example.co.jp",
        "language": language,
        "applicant_name": "グエン・ヴァン・アン",
        "applicant_email": "an@example.com",
        "organisation_id": "org-1",
    } | changes
    return Parties(**fields)


def accepted(procedure: Procedure = Procedure.EXTENSION_OF_STAY, **party_changes: Any) -> ApplicationAccepted:
    return ApplicationAccepted(
        application_id=APP,
        provisional_number="P-20260511-0001",
        receipt_number="R-20260512-0042",
        procedure=procedure,
        accepted_at=AT,
        parties=parties(**party_changes),
    )


IN_TIME = SpecialPeriod(applies=True, ends_on=date(2026, 8, 31))
"""Intake's finding for the sample extension: filed before its stay expires on 2026-06-30."""


def accepted_with_its_dates(
    procedure: Procedure = Procedure.EXTENSION_OF_STAY, special_period: SpecialPeriod | None = IN_TIME, **applicant: Any
) -> ApplicationAccepted:
    """The acceptance as intake publishes it now: the filing date and the stay copied from the application,
    and intake's finding on the special period (given here: notification never works it out)."""
    filed = received(procedure, **applicant).application
    return accepted(procedure).model_copy(
        update={
            "submitted_at": filed.submitted_at,
            "period_of_stay_days": filed.applicant.period_of_stay_days,
            "stay_expires_on": filed.applicant.stay_expires_on,
            "special_period": special_period,
        }
    )


def not_eligible(language: str = "ja") -> ApplicationNotEligible:
    return ApplicationNotEligible(
        application_id=APP,
        provisional_number="P-20260511-0001",
        procedure=Procedure.EXTENSION_OF_STAY,
        reasons=(
            Reason(
                code="expiry_day",
                message_ja="在留期間の満了日当日はオンラインで申請できません。",
                message_en="Online filing is not possible on the expiry date itself.",
            ),
            Reason(
                code="filed_from_abroad",
                message_ja="国外からは申請できません。",
                message_en="Applications cannot be filed from abroad.",
            ),
        ),
        decided_at=AT,
        parties=parties(language),
    )


def documents_requested() -> DocumentsRequested:
    return DocumentsRequested(
        application_id=APP,
        receipt_number="R-20260512-0042",
        documents=("在職証明書", "住民税の課税証明書"),
        due_on=date(2026, 6, 1),
        requested_at=AT,
    )


def documents_submitted_online(language: str = "ja") -> DocumentsSubmittedOnline:
    return DocumentsSubmittedOnline(
        application_id=APP,
        provisional_number="P-20260511-00000042",
        receipt_number="R-20260512-0042",
        procedure=Procedure.EXTENSION_OF_STAY,
        requested_at=AT,
        due_on=date(2026, 6, 1),
        attachments=(
            Attachment(
                document_type="employment_certificate", file_name="zaishoku.pdf", size_bytes=1000, sha256="a" * 64
            ),
            Attachment(document_type="tax_certificate", file_name="kazei.pdf", size_bytes=2000, sha256="b" * 64),
        ),
        submitted_at=datetime(2026, 5, 20, 3, 0, tzinfo=UTC),
        parties=parties(language),
    )


def documents_reminder_due(language: str = "ja") -> DocumentsReminderDue:
    requested = addressing.new_notice(
        NoticeKind.DOCUMENTS_REQUESTED,
        "evt-request",
        addressing.filer(parties(language)),
        language,  # type: ignore[arg-type]
        {
            "receipt_number": "R-20260512-0042",
            "procedure": procedure_label(Procedure.EXTENSION_OF_STAY),
            "applicant_name": "Maria Santos",
            "documents": ("在職証明書", "住民税の課税証明書"),
            "due_on": date(2026, 6, 1),
        },
        application_id=APP,
    )
    return DocumentsReminderDue(
        request_event_id="evt-request",
        application_id=APP,
        requested_at=AT,
        due_on=date(2026, 6, 1),
        requested_notice=requested,
    )


def decision(
    outcome: Outcome = Outcome.GRANTED,
    method: ReceiptMethod = ReceiptMethod.POST,
    decided_on: date = date(2026, 6, 10),
) -> DecisionMade:
    return DecisionMade(
        application_id=APP,
        receipt_number="R-20260512-0042",
        outcome=outcome,
        decided_on=decided_on,
        receipt_method=method,
        collection_deadline=date(2026, 6, 24) if method is ReceiptMethod.COUNTER else None,
    )


def coe_issued(issued_on: date = date(2026, 11, 30)) -> CoeIssued:
    return CoeIssued(
        application_id=APP,
        certificate_number="COE-2026-000123",
        holder_name="Maria Santos",
        status=StatusOfResidence(code="engineer_humanities_international"),
        issued_on=issued_on,
        registration_url="https://example.go.jp/coe/register?id=COE-2026-000123&lang=en",
    )


def card_dispatched() -> CardDispatched:
    return CardDispatched(application_id=APP, dispatched_on=date(2026, 6, 15), tracking_number="1234-5678-9012")


def staff(staff_id: str, email: str) -> StaffMember:
    return StaffMember(staff_id=staff_id, name=f"職員 {staff_id}", email=email)


def approval_changed(change: ApprovalChange, removed: tuple[str, ...] = ()) -> ApprovalChanged:
    return ApprovalChanged(
        approval_id="apv-7",
        organisation_id="org-1",
        category=FilerCategory.ORGANISATION_STAFF,
        change=change,
        state=ApprovalState.LAPSED if change is ApprovalChange.LAPSED else ApprovalState.ACTIVE,
        valid_from=date(2026, 1, 5),
        valid_until=date(2029, 1, 4),
        report_due_by=date(2028, 12, 4),
        staff=(staff("s-1", "one@example.co.jp"), staff("s-2", "two@example.co.jp")),
        removed_staff_ids=removed,
        revision=3,
        occurred_at=AT,
    )


def only_notice(event: NoticeEvent, context: NoticeContext, source: str = "evt-1") -> Notice:
    result = plan_notices(event, source, context)
    assert isinstance(result, Planned), result
    (notice,) = result.notices
    return notice


def events_for_every_kind() -> dict[NoticeKind, NoticeEvent]:
    """One event that yields each notice kind."""
    kinds: dict[NoticeKind, NoticeEvent] = {
        NoticeKind.SUBMISSION_RECEIVED: received(),
        NoticeKind.APPLICATION_ACCEPTED: accepted_with_its_dates(),
        NoticeKind.NOT_ELIGIBLE: not_eligible(),
        NoticeKind.DOCUMENTS_REQUESTED: documents_requested(),
        NoticeKind.DOCUMENTS_RECEIVED: documents_submitted_online(),
        NoticeKind.DOCUMENTS_REMINDER: documents_reminder_due(),
        NoticeKind.DECISION_COUNTER: decision(method=ReceiptMethod.COUNTER),
        NoticeKind.DECISION_POST: decision(),
        NoticeKind.COE_ISSUED: coe_issued(),
        NoticeKind.CARD_DISPATCHED: card_dispatched(),
    }
    for change, kind in {
        ApprovalChange.GRANTED: NoticeKind.APPROVAL_GRANTED,
        ApprovalChange.REMINDER_DUE: NoticeKind.APPROVAL_REMINDER_DUE,
        ApprovalChange.DEADLINE_NEAR: NoticeKind.APPROVAL_DEADLINE_NEAR,
        ApprovalChange.LAPSED: NoticeKind.APPROVAL_LAPSED,
        ApprovalChange.RENEWED: NoticeKind.APPROVAL_RENEWED,
        ApprovalChange.REVOKED: NoticeKind.APPROVAL_REVOKED,
    }.items():
        kinds[kind] = approval_changed(change)
    kinds[NoticeKind.APPROVAL_STAFF_REMOVED] = approval_changed(ApprovalChange.STAFF_REMOVED, removed=("s-9",))
    return kinds


SENDER = "在留申請オンラインシステム <noreply@example.go.jp>"
DOMAIN = "notice.example.go.jp"
SENT_AT = datetime(2026, 5, 12, 0, 5, tzinfo=UTC)


def rendered(renderer: Renderer, notice: Notice) -> EmailMessage:
    """The notice rendered, serialised as it would go over SMTP, and parsed back as a client would."""
    message = renderer.render(notice, sender=SENDER, message_id_domain=DOMAIN, date=SENT_AT)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())
