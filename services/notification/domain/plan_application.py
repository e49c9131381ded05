"""Notices about filing: received, accepted (the proof of a pending application), not eligible,
documents requested."""

from datetime import date

from contracts.application import Procedure
from contracts.calendar import japan_date
from contracts.examination import DocumentsRequested
from contracts.intake import ApplicationAccepted, ApplicationNotEligible, ApplicationReceived
from services.notification.domain import addressing
from services.notification.domain.contacts import ApplicationContact
from services.notification.domain.dates import special_period_ends_on
from services.notification.domain.labels import procedure_label
from services.notification.domain.model import (
    Bilingual,
    NoticeKind,
    Planned,
    PlanResult,
    Recipient,
    TemplateValue,
)

# The special period (特例期間) protects a resident who filed one of these in time (§3).
SPECIAL_PERIOD_PROCEDURES = frozenset({Procedure.CHANGE_OF_STATUS, Procedure.EXTENSION_OF_STAY})
SHORT_STAY_DAYS = 30
"""A period of stay of 30 days or less has no special period."""


def plan_received(event: ApplicationReceived, source_event_id: str) -> Planned:
    application = event.application
    recipients = (Recipient(address=application.filer.email, name=application.filer.name),)
    notice = addressing.new_notice(
        NoticeKind.SUBMISSION_RECEIVED,
        source_event_id,
        recipients,
        application.filer.language,
        {
            "provisional_number": event.provisional_number,
            "procedure": procedure_label(application.form.procedure),
            "applicant_name": application.applicant.name,
            "received_on": japan_date(event.received_at),
        },
        application_id=event.application_id,
    )
    return Planned(notices=(notice,))


def special_period(procedure: Procedure, days: int | None, expires: date | None) -> dict[str, TemplateValue]:
    """Whether the acceptance notice explains the special period, and until when it may run.

    Without the stay's length or expiry the rule is explained without a date, including
    that short stays have none.
    """
    covered = procedure in SPECIAL_PERIOD_PROCEDURES
    short = covered and days is not None and days <= SHORT_STAY_DAYS
    applies = covered and not short
    return {
        "special_period": applies,
        "special_period_short_stay": short,
        "stay_expires_on": expires if applies else None,
        "special_period_ends_on": special_period_ends_on(expires) if applies and expires else None,
    }


def plan_accepted(event: ApplicationAccepted, source_event_id: str, contact: ApplicationContact | None) -> Planned:
    """The acceptance goes to filer and applicant: it is the applicant's proof of a pending application.

    The filing date and the stay come from the event; from the contact (the receipt event)
    only for an event published before the acceptance carried them.
    """
    if contact is not None and contact.application_id != event.application_id:
        raise ValueError(f"contact {contact.application_id} handed in for application {event.application_id}")
    filed_on: date | None = None
    days, expires = None, None
    if event.submitted_at is not None:
        filed_on, days, expires = japan_date(event.submitted_at), event.period_of_stay_days, event.stay_expires_on
    elif contact is not None:
        filed_on, days, expires = contact.filed_on, contact.period_of_stay_days, contact.stay_expires_on
    parties = event.parties
    notice = addressing.new_notice(
        NoticeKind.APPLICATION_ACCEPTED,
        source_event_id,
        addressing.filer_and_applicant(parties),
        parties.language,
        {
            "receipt_number": event.receipt_number,
            "provisional_number": event.provisional_number,
            "procedure": procedure_label(event.procedure),
            "applicant_name": parties.applicant_name,
            "filed_on": filed_on,
            "accepted_on": japan_date(event.accepted_at),
            **special_period(event.procedure, days, expires),
        },
        application_id=event.application_id,
    )
    return Planned(notices=(notice,))


def plan_not_eligible(event: ApplicationNotEligible, source_event_id: str) -> Planned:
    reasons = tuple(Bilingual(ja=r.message_ja, en=r.message_en) for r in event.reasons)
    notice = addressing.new_notice(
        NoticeKind.NOT_ELIGIBLE,
        source_event_id,
        addressing.filer(event.parties),
        event.parties.language,
        {
            "provisional_number": event.provisional_number,
            "procedure": procedure_label(event.procedure),
            "applicant_name": event.parties.applicant_name,
            "reasons": reasons,
        },
        application_id=event.application_id,
    )
    return Planned(notices=(notice,))


def plan_documents_requested(
    event: DocumentsRequested, source_event_id: str, contact: ApplicationContact | None
) -> PlanResult:
    found = addressing.require_contact(event.application_id, contact, "DocumentsRequested")
    if not isinstance(found, ApplicationContact):
        return found
    notice = addressing.new_notice(
        NoticeKind.DOCUMENTS_REQUESTED,
        source_event_id,
        addressing.filer(found.parties),
        found.parties.language,
        {
            "receipt_number": event.receipt_number,
            "procedure": procedure_label(found.procedure),
            "applicant_name": found.parties.applicant_name,
            "documents": event.documents,
            "due_on": event.due_on,
        },
        application_id=event.application_id,
    )
    return Planned(notices=(notice,))
