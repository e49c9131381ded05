"""The little the service remembers about an application, so later events can be addressed.

Examination events (documents requested, decision, COE, dispatch) name only the
application; who to write to, in which language, and what was filed come from the
intake events seen before. The service stores one `ApplicationContact` per
application, built by these functions, and hands it to `plan_notices`.
"""

from datetime import date

from pydantic import BaseModel, ConfigDict

from contracts.application import Identifier, Language, Procedure
from contracts.calendar import japan_date
from contracts.intake import ApplicationAccepted, ApplicationReceived, Parties
from services.notification.domain.postage import Tariff


class ApplicationContact(BaseModel):
    """The projection record: parties, what was filed, and when (for an acceptance that does not say)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    application_id: Identifier
    provisional_number: Identifier
    receipt_number: Identifier | None = None
    procedure: Procedure
    accompanying: tuple[Procedure, ...] = ()
    parties: Parties
    filed_on: date | None = None


class NoticeContext(BaseModel):
    """What `plan_notices` needs besides the event: the contact (if known) and the tariff."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tariff: Tariff
    contact: ApplicationContact | None = None
    organisation_language: Language = "ja"
    """Organisations' staff have no language of their own in the contracts."""


def contact_from_received(event: ApplicationReceived) -> ApplicationContact:
    application = event.application
    return ApplicationContact(
        application_id=event.application_id,
        provisional_number=event.provisional_number,
        procedure=application.form.procedure,
        accompanying=application.form.accompanying,
        parties=Parties.of(application),
        filed_on=japan_date(application.submitted_at),
    )


def contact_with_acceptance(contact: ApplicationContact | None, event: ApplicationAccepted) -> ApplicationContact:
    """Add the receipt number; the acceptance's parties are the newer word on who to write to.

    Without an earlier contact (the receipt was missed or is still on its way) the
    acceptance alone is enough to address every later notice.
    """
    if contact is None:
        return ApplicationContact(
            application_id=event.application_id,
            provisional_number=event.provisional_number,
            receipt_number=event.receipt_number,
            procedure=event.procedure,
            parties=event.parties,
        )
    if contact.application_id != event.application_id:
        raise ValueError(f"contact {contact.application_id} is not for {event.application_id}")
    return contact.model_copy(update={"receipt_number": event.receipt_number, "parties": event.parties})
