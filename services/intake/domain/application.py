"""The application aggregate as intake keeps it: identity, numbers, status and timeline.

State only: what the adapter must publish after a change (the outbox) is the
adapter's concern, decided from the `Advance` that `status.advance` returns.
Invariant: `revision` equals the number of status entries in `timeline`; the first
is the submission itself (revision 1, no previous status).
"""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.application import Application, Procedure
from contracts.calendar import japan_date
from contracts.intake import ApplicationStatus, Channel
from services.intake.domain.inputs import InputKind


class TimelineEntry(BaseModel):
    """One thing that happened to an application: a status move (`status` set) or a note."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    kind: InputKind
    source_event_id: str
    status: ApplicationStatus | None = None
    """The status entered; None when the entry moved nothing."""
    note: str | None = None
    """Why nothing moved ("ignored:..."), or the input's details."""
    revision: int
    """The application's revision once this entry was recorded."""


class ApplicationState(BaseModel):
    model_config = ConfigDict(frozen=True)

    application_id: str
    submission_id: str
    provisional_number: str
    receipt_number: str | None = None
    status: ApplicationStatus
    revision: int = Field(ge=1)
    timeline: tuple[TimelineEntry, ...]
    filer_id: str
    organisation_id: str | None = None
    procedure: Procedure
    filed_on: date
    """The filing date in Japan: the day the filer submitted, whatever our processing lag."""
    stay_expires_on: date | None = None
    period_of_stay_days: int | None = None
    channel: Channel

    def has_seen(self, source_event_id: str) -> bool:
        return any(entry.source_event_id == source_event_id for entry in self.timeline)


def new_application(
    application: Application,
    *,
    application_id: str,
    provisional_number: str,
    channel: Channel,
    source_event_id: str,
) -> ApplicationState:
    """A just-received application, in status submitted at revision 1."""
    entry = TimelineEntry(
        at=application.submitted_at,
        kind=InputKind.SUBMITTED,
        source_event_id=source_event_id,
        status=ApplicationStatus.SUBMITTED,
        revision=1,
    )
    return ApplicationState(
        application_id=application_id,
        submission_id=application.submission_id,
        provisional_number=provisional_number,
        status=ApplicationStatus.SUBMITTED,
        revision=1,
        timeline=(entry,),
        filer_id=application.filer.filer_id,
        organisation_id=application.filer.organisation_id,
        procedure=application.form.procedure,
        filed_on=japan_date(application.submitted_at),
        stay_expires_on=application.applicant.stay_expires_on,
        period_of_stay_days=application.applicant.period_of_stay_days,
        channel=channel,
    )


def with_receipt_number(app: ApplicationState, receipt_number: str) -> ApplicationState:
    """Give an accepted application its receipt number; a number once given is never replaced.

    The adapter draws the number from its counter only when `advance` moved the
    application to accepted, and stores both in one write.
    """
    if app.receipt_number is not None:
        return app
    return app.model_copy(update={"receipt_number": receipt_number})
