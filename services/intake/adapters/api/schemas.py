"""The API's request and response bodies.

A submission body is the application minus what the token says: the filer's
identity, category and organisation come from the verified token, never from the
body, so a caller cannot file in someone else's name. The body adds the per-filing
facts about the filer that a token does not carry.
"""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue

from contracts.application import (
    Applicant,
    Application,
    ApplicationForm,
    Filer,
    Identifier,
    Language,
    Procedure,
    Relationship,
)
from contracts.intake import ApplicationStatus, Channel
from services.intake.adapters.api.auth import Principal
from services.intake.adapters.api.errors import FieldError, Problem
from services.intake.handlers.submit import ATTACHMENTS_TOTAL_LIMIT_BYTES


def _attachments_within_limit(form: ApplicationForm) -> ApplicationForm:
    total = sum(attachment.size_bytes for attachment in form.attachments)
    if total > ATTACHMENTS_TOTAL_LIMIT_BYTES:
        raise ValueError(f"attachments total {total} bytes; at most {ATTACHMENTS_TOTAL_LIMIT_BYTES} per application")
    return form


class FilerDetails(BaseModel):
    model_config = ConfigDict(frozen=True)

    language: Language = "ja"
    acting_for_organisation_id: Identifier | None = None
    """The receiving organisation a public-interest corporation or support organisation acts for."""
    intermediary_id: Identifier | None = None
    relationship: Relationship | None = None
    filing_from_abroad: bool = False


class SubmissionRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    submission_id: Identifier
    """Your own id for this submission: intake stores at most one application per filer and submission id."""
    applicant: Applicant
    form: Annotated[ApplicationForm, AfterValidator(_attachments_within_limit)]
    filer: FilerDetails = FilerDetails()

    def application(self, principal: Principal, now: datetime) -> Application:
        filer = Filer(
            filer_id=principal.filer_id,
            category=principal.category,
            name=principal.name,
            email=principal.email,
            organisation_id=principal.organisation_id,
            **self.filer.model_dump(),
        )
        # The filing time is when intake receives the request: the authority's own clock, which a caller
        # cannot set (a filing time in the body would let it backdate the filing date the rules judge).
        return Application(
            submission_id=self.submission_id, filer=filer, applicant=self.applicant, form=self.form, submitted_at=now
        )


class BatchRequest(BaseModel):
    """Each item is a SubmissionRequest, judged on its own: one bad item does not fail the others."""

    items: Annotated[
        list[JsonValue],
        Field(min_length=1, json_schema_extra={"items": {"$ref": "#/components/schemas/SubmissionRequest"}}),
    ]


class SubmissionAccepted(BaseModel):
    application_id: str
    submission_id: str
    provisional_number: str
    status: ApplicationStatus


class BatchItemResult(BaseModel):
    index: int
    status_code: int
    """202, or the status the item would have had alone: 409 or 422."""
    result: SubmissionAccepted | None = None
    problem: Problem | None = None
    errors: list[FieldError] | None = None


class BatchResult(BaseModel):
    results: list[BatchItemResult]


class TimelineItem(BaseModel):
    at: datetime
    kind: str
    status: ApplicationStatus | None = None
    note: str | None = None
    revision: int


class ApplicationView(BaseModel):
    application_id: str
    submission_id: str
    provisional_number: str
    receipt_number: str | None = None
    procedure: Procedure
    status: ApplicationStatus
    revision: int
    filed_on: date
    channel: Channel
    timeline: list[TimelineItem]


class PendingProofView(BaseModel):
    """The proof of a pending application (受付番号 with filing date and, where it applies, 特例期間)."""

    receipt_number: str
    filing_date: date
    procedure: Procedure
    special_period_ends_on: date | None = None
