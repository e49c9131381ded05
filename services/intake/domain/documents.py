"""Whether the filer may answer a documents request (資料提出通知) online, and which request it answers.

A request is open while the application is in status documents_requested: the
examination system's request moved it there, and neither the filer's answer nor
examination's own record of documents received has moved it on. The answer is
allowed up to and including the request's last day, a day in Japan. The request's
last day is read back from its timeline entry (`inputs.DUE_ON`), the one place
intake keeps it.

Once the filer answered, the application is in documents_submitted: examination's
own `examination.documents-submitted.v1` for the same round then finds the status
already reached and is recorded as a note; for documents handed in at a counter it
moves the status as before.
"""

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from contracts.calendar import as_aware, japan_date
from contracts.intake import ApplicationStatus
from services.intake.domain.application import ApplicationState
from services.intake.domain.inputs import DUE_ON, InputKind


class DocumentsRefusal(StrEnum):
    NO_OPEN_REQUEST = "no_open_request"
    DEADLINE_PASSED = "deadline_passed"


class DocumentsRefused(BaseModel):
    model_config = ConfigDict(frozen=True)

    reason: DocumentsRefusal


class DocumentsRequest(BaseModel):
    """The request being answered: when it was made, and its last day."""

    model_config = ConfigDict(frozen=True)

    requested_at: datetime
    due_on: date


def latest_request(app: ApplicationState) -> DocumentsRequest | None:
    """The last documents request that moved the application, whether or not it is still open."""
    for entry in reversed(app.timeline):
        if entry.kind is InputKind.DOCUMENTS_REQUESTED and entry.status is ApplicationStatus.DOCUMENTS_REQUESTED:
            due_on = _due_on(entry.note)
            return None if due_on is None else DocumentsRequest(requested_at=as_aware(entry.at), due_on=due_on)
    return None


def may_answer(app: ApplicationState, now: datetime) -> DocumentsRequest | DocumentsRefused:
    """The open request the filer may answer at `now`, or why not."""
    request = latest_request(app) if app.status is ApplicationStatus.DOCUMENTS_REQUESTED else None
    if request is None:
        return DocumentsRefused(reason=DocumentsRefusal.NO_OPEN_REQUEST)
    if japan_date(now) > request.due_on:
        return DocumentsRefused(reason=DocumentsRefusal.DEADLINE_PASSED)
    return request


def _due_on(note: str | None) -> date | None:
    if note is None or not note.startswith(DUE_ON):
        return None
    try:
        return date.fromisoformat(note.removeprefix(DUE_ON))
    except ValueError:
        return None
