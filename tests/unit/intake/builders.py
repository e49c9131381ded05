"""Test data for intake's domain: one valid application, and inputs by kind."""

from datetime import UTC, date, datetime, timedelta

from contracts.application import (
    Applicant,
    Application,
    ApplicationForm,
    Filer,
    FilerCategory,
    Procedure,
)
from contracts.intake import ApplicationAccepted, ApplicationStatus, Channel
from services.intake.domain.application import ApplicationState, new_application, with_receipt_number
from services.intake.domain.inputs import InputKind, StatusInput
from services.intake.domain.status import Advance, advance
from services.intake.handlers.outputs import Outputs

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def an_application(
    procedure: Procedure = Procedure.EXTENSION_OF_STAY,
    *,
    expires_on: date | None = date(2026, 6, 30),
    period_of_stay_days: int | None = 365,
    submitted_at: datetime = T0,
) -> Application:
    return Application(
        submission_id="sub-1",
        filer=Filer(
            filer_id="filer-1",
            category=FilerCategory.FOREIGN_NATIONAL,
            name="Filer",
            email="filer@example.org",
        ),
        applicant=Applicant(
            name="Applicant",
            nationality="VNM",
            date_of_birth=date(1995, 5, 5),
            stay_expires_on=expires_on,
            period_of_stay_days=period_of_stay_days,
        ),
        form=ApplicationForm(procedure=procedure),
        submitted_at=submitted_at,
    )


def a_submitted_application(application: Application | None = None) -> ApplicationState:
    return new_application(
        application or an_application(),
        application_id="app-1",
        provisional_number="P-20260302-00000001",
        channel=Channel.HTTP,
        source_event_id="evt-received",
    )


def an_input(kind: InputKind, event_id: str, minutes: int = 0) -> StatusInput:
    return StatusInput(kind=kind, source_event_id=event_id, occurred_at=T0 + timedelta(minutes=minutes))


def moved(app: ApplicationState, *kinds: InputKind) -> ApplicationState:
    """Apply inputs in order, each with a fresh id and a later time; every one must be an Advance."""
    for number, kind in enumerate(kinds, start=1):
        result = advance(app, an_input(kind, f"evt-{len(app.timeline)}-{number}", len(app.timeline) + number))
        assert isinstance(result, Advance)
        app = result.state
    return app


def status_entries(app: ApplicationState) -> list[ApplicationStatus]:
    return [entry.status for entry in app.timeline if entry.status is not None]


def accepted_as_published(
    application: Application, application_id: str = "app-1", receipt_number: str = "ON-2026-000000042-00"
) -> tuple[ApplicationState, ApplicationAccepted, str]:
    """The application accepted, and its acceptance event and event id as intake publishes them."""
    state = a_submitted_application(application).model_copy(update={"application_id": application_id})
    state = with_receipt_number(moved(state, InputKind.ASSESSED_ELIGIBLE), receipt_number)
    out = Outputs(state, application, "evt-assessed", None).accepted(T0)
    assert isinstance(out.data, ApplicationAccepted)
    return state, out.data, out.id
