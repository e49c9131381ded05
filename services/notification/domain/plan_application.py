"""Notices about filing: received, accepted (the proof of a pending application), not eligible,
documents requested."""

from datetime import date

from contracts.calendar import japan_date
from contracts.examination import DocumentsRequested
from contracts.intake import ApplicationAccepted, ApplicationNotEligible, ApplicationReceived
from services.notification.domain import addressing
from services.notification.domain.contacts import ApplicationContact
from services.notification.domain.labels import procedure_label
from services.notification.domain.model import (
    Bilingual,
    NoticeKind,
    Planned,
    PlanResult,
    Recipient,
    TemplateValue,
)


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


def special_period(event: ApplicationAccepted) -> dict[str, TemplateValue]:
    """What the acceptance notice says of the special period (特例期間, §3): what intake found, as it is.

    Intake decides it for its proof of a pending application; working it out again here
    could only disagree with that proof. An acceptance without intake's finding (nothing
    to state, or published before it carried one) says nothing of the special period.
    """
    found = event.special_period
    applies = found is not None and found.applies
    return {
        "special_period": applies,
        "special_period_short_stay": found is not None and found.short_stay,
        "stay_expires_on": event.stay_expires_on if applies else None,
        "special_period_ends_on": found.ends_on if found is not None else None,
    }


def plan_accepted(event: ApplicationAccepted, source_event_id: str, contact: ApplicationContact | None) -> Planned:
    """The acceptance goes to filer and applicant: it is the applicant's proof of a pending application.

    The filing date comes from the event; from the contact (the receipt event) only for
    an event published before the acceptance carried it.
    """
    if contact is not None and contact.application_id != event.application_id:
        raise ValueError(f"contact {contact.application_id} handed in for application {event.application_id}")
    filed_on: date | None = None
    if event.submitted_at is not None:
        filed_on = japan_date(event.submitted_at)
    elif contact is not None:
        filed_on = contact.filed_on
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
            **special_period(event),
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
