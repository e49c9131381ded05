"""Events intake writes: an application's arrival, acceptance, refusal, withdrawal and status."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from contracts.application import Application, Attachment, EmailAddress, Identifier, Language, Procedure, ShortText
from contracts.base import Payload
from contracts.eligibility import Reason


class Channel(StrEnum):
    KAFKA = "kafka"
    HTTP = "http"


class ApplicationStatus(StrEnum):
    """An application's lifecycle (domain rules §5)."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    NOT_ELIGIBLE = "not_eligible"
    UNDER_EXAMINATION = "under_examination"
    DOCUMENTS_REQUESTED = "documents_requested"
    DOCUMENTS_SUBMITTED = "documents_submitted"
    GRANTED = "granted"
    DENIED = "denied"
    DELIVERED = "delivered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Parties(Payload):
    """Who is told about an application: carried on the events that lead to a notice."""

    filer_id: Identifier
    filer_name: ShortText
    filer_email: EmailAddress
    language: Language
    applicant_name: ShortText
    applicant_email: EmailAddress | None = None
    organisation_id: Identifier | None = None

    @classmethod
    def of(cls, application: Application) -> "Parties":
        """The parties as the application names them: intake and notification both read them this one way."""
        filer, applicant = application.filer, application.applicant
        return cls(
            filer_id=filer.filer_id,
            filer_name=filer.name,
            filer_email=filer.email,
            language=filer.language,
            applicant_name=applicant.name,
            applicant_email=applicant.email,
            organisation_id=filer.organisation_id,
        )


class ApplicationReceived(Payload):
    """Intake stored a new application and gave it a provisional number (仮受付番号)."""

    application_id: Identifier
    provisional_number: Identifier
    channel: Channel
    received_at: datetime
    application: Application


class SpecialPeriod(Payload):
    """Intake's finding on the special period (特例期間, domain rules §3), added within v1.

    A resident who filed a change of status or an extension of stay by the expiry date,
    with a period of stay longer than 30 days, may stay until the decision or until the
    end of `ends_on`, whichever comes first. Intake decides it (it issues the proof of a
    pending application); a reader states it as it is and never works it out again.
    """

    applies: bool
    ends_on: date | None = None
    """The last day of the special period should no decision come first: set exactly when it applies."""
    short_stay: bool = False
    """It does not apply because the period of stay is 30 days or less."""

    @model_validator(mode="after")
    def _consistent(self) -> "SpecialPeriod":
        if self.applies != (self.ends_on is not None):
            raise ValueError("ends_on is given exactly when the special period applies")
        if self.applies and self.short_stay:
            raise ValueError("a short stay has no special period")
        return self


class ApplicationAccepted(Payload):
    """Eligibility found the application may be filed online; it now has a receipt number (受付番号)."""

    application_id: Identifier
    provisional_number: Identifier
    receipt_number: Identifier
    procedure: Procedure
    accepted_at: datetime
    parties: Parties
    submitted_at: datetime | None = None
    """When the filer submitted it (the filing date on the acceptance notice)."""
    period_of_stay_days: Annotated[int, Field(gt=0, le=3660)] | None = None
    """The applicant's current period of stay, as filed: whether the special period (特例期間) can apply."""
    stay_expires_on: date | None = None
    """The applicant's current stay expires on this day, as filed: the special period runs from it.

    These three are copied from the application so that a consumer can write the acceptance notice
    from this event alone; None in events published before they were added."""
    special_period: SpecialPeriod | None = None
    """The special period as intake found it for this application (added within v1): the acceptance
    notice is the proof of a pending application and states it. None where there is nothing to state:
    a procedure without a special period, a stay whose length or expiry was not filed, and events
    published before it was added."""


class ApplicationNotEligible(Payload):
    """The application may not be filed online; the filer must go to the counter."""

    application_id: Identifier
    provisional_number: Identifier
    procedure: Procedure
    reasons: tuple[Reason, ...]
    decided_at: datetime
    parties: Parties


class ApplicationWithdrawn(Payload):
    """The filer withdrew the application before a decision."""

    application_id: Identifier
    provisional_number: Identifier
    receipt_number: Identifier | None = None
    withdrawn_at: datetime
    parties: Parties


class ApplicationStatusChanged(Payload):
    """The application's status moved; `revision` grows by one with each move."""

    application_id: Identifier
    provisional_number: Identifier
    receipt_number: Identifier | None = None
    procedure: Procedure
    status: ApplicationStatus
    previous_status: ApplicationStatus | None = None
    revision: int
    changed_at: datetime


class DocumentsSubmittedOnline(Payload):
    """The filer answered a documents request (資料提出通知) online, before its deadline.

    Intake checked that a request was open and not past its due date; the examination
    system reads the described attachments from here. Examination's own
    `examination.documents-submitted.v1` still records documents handed in at a
    counter or by post.
    """

    application_id: Identifier
    provisional_number: Identifier
    receipt_number: Identifier
    procedure: Procedure
    requested_at: datetime
    """When the request being answered was made: which request this answers."""
    due_on: date
    """The request's last day, as the request stated it."""
    attachments: Annotated[tuple[Attachment, ...], Field(min_length=1)]
    """The documents sent, described as at submission (type, name, size, SHA-256)."""
    submitted_at: datetime
    parties: Parties
