"""Who a notice goes to, and the one way every planner builds a `Notice`."""

from collections.abc import Iterable, Mapping

from contracts.application import Language
from contracts.intake import Parties
from services.notification.domain.contacts import ApplicationContact
from services.notification.domain.model import (
    MissingContact,
    Notice,
    NoticeKind,
    Recipient,
    TemplateValue,
    notice_id_for,
)


def unique(recipients: Iterable[Recipient]) -> tuple[Recipient, ...]:
    """Each address once (compared without case), in first-seen order."""
    seen: set[str] = set()
    kept = []
    for recipient in recipients:
        if recipient.address.lower() not in seen:
            seen.add(recipient.address.lower())
            kept.append(recipient)
    return tuple(kept)


def filer(parties: Parties) -> tuple[Recipient, ...]:
    return (Recipient(address=parties.filer_email, name=parties.filer_name),)


def filer_and_applicant(parties: Parties) -> tuple[Recipient, ...]:
    """The filer, and the applicant too when an address is known (a self-filer appears once)."""
    applicant = (
        (Recipient(address=parties.applicant_email, name=parties.applicant_name),)
        if parties.applicant_email is not None
        else ()
    )
    return unique((*filer(parties), *applicant))


def addressees(recipients: tuple[Recipient, ...]) -> tuple[str, ...]:
    """The names a greeting opens with."""
    return tuple(r.name for r in recipients if r.name)


def new_notice(
    kind: NoticeKind,
    source_event_id: str,
    recipients: tuple[Recipient, ...],
    language: Language,
    variables: Mapping[str, TemplateValue],
    *,
    application_id: str | None = None,
    approval_id: str | None = None,
) -> Notice:
    return Notice(
        notice_id=notice_id_for(source_event_id, kind),
        kind=kind,
        source_event_id=source_event_id,
        recipients=recipients,
        language=language,
        variables={"addressees": addressees(recipients), **variables},
        application_id=application_id,
        approval_id=approval_id,
    )


def require_contact(
    application_id: str, contact: ApplicationContact | None, event_type: str
) -> ApplicationContact | MissingContact:
    """The contact for `application_id`, or a `MissingContact` the service can retry on."""
    if contact is None:
        return MissingContact(
            application_id=application_id,
            event_type=event_type,
            reason=f"no contact is known yet for application {application_id}; "
            f"{event_type} does not say who to write to",
        )
    if contact.application_id != application_id:
        raise ValueError(f"contact {contact.application_id} handed in for application {application_id}")
    return contact
