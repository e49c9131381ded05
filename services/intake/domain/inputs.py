"""Everything that may move an application's status, mapped to one `StatusInput` shape.

Each event type and command gets its own `InputKind`, with the outcome folded into
the kind (a granted and a denied decision are two kinds), so the status machine can
be a plain table from kind to target status. `source_event_id` is the CloudEvents
`id` of the triggering record, or the command id of an HTTP command: the status
machine deduplicates on it. Facts that carry only a date are placed at the start
of that day in Japan time.
"""

from datetime import datetime
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from contracts.calendar import japan_midnight
from contracts.eligibility import ApplicationAssessed
from contracts.examination import (
    CardDispatched,
    CoeIssued,
    DecisionMade,
    DocumentsRequested,
    DocumentsSubmitted,
    Outcome,
    ResultDelivered,
)
from contracts.notification import NoticeSent


class InputKind(StrEnum):
    SUBMITTED = "submitted"
    """Intake received the application: the first timeline entry, never an input to `advance`."""
    ASSESSED_ELIGIBLE = "assessed_eligible"
    ASSESSED_NOT_ELIGIBLE = "assessed_not_eligible"
    DOCUMENTS_REQUESTED = "documents_requested"
    DOCUMENTS_SUBMITTED = "documents_submitted"
    DOCUMENTS_SUBMITTED_ONLINE = "documents_submitted_online"
    """The filer's answer to a documents request over the API; refused unless a request is open and not due."""
    DECISION_GRANTED = "decision_granted"
    DECISION_DENIED = "decision_denied"
    COE_ISSUED = "coe_issued"
    CARD_DISPATCHED = "card_dispatched"
    RESULT_DELIVERED = "result_delivered"
    NOTICE_SENT = "notice_sent"
    WITHDRAW_REQUESTED = "withdraw_requested"
    """The filer's command; the only input that can be refused rather than ignored."""


class StatusInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: InputKind
    source_event_id: str
    occurred_at: datetime
    details: str | None = None
    """A short, non-personal note for the timeline (a due date, a notice kind)."""


def from_assessment(event: ApplicationAssessed, event_id: str) -> StatusInput:
    kind = InputKind.ASSESSED_ELIGIBLE if event.eligible else InputKind.ASSESSED_NOT_ELIGIBLE
    codes = ",".join(reason.code for reason in event.reasons) or None
    return StatusInput(kind=kind, source_event_id=event_id, occurred_at=event.assessed_at, details=codes)


DUE_ON: Final = "due_on="
"""How a documents request's timeline note states its last day (`documents.open_request` reads it back)."""


def from_documents_requested(event: DocumentsRequested, event_id: str) -> StatusInput:
    return StatusInput(
        kind=InputKind.DOCUMENTS_REQUESTED,
        source_event_id=event_id,
        occurred_at=event.requested_at,
        details=f"{DUE_ON}{event.due_on.isoformat()}",
    )


def from_documents_submitted(event: DocumentsSubmitted, event_id: str) -> StatusInput:
    return StatusInput(kind=InputKind.DOCUMENTS_SUBMITTED, source_event_id=event_id, occurred_at=event.submitted_at)


def from_decision(event: DecisionMade, event_id: str) -> StatusInput:
    granted = event.outcome is Outcome.GRANTED
    return StatusInput(
        kind=InputKind.DECISION_GRANTED if granted else InputKind.DECISION_DENIED,
        source_event_id=event_id,
        occurred_at=japan_midnight(event.decided_on),
        details=f"receipt_method={event.receipt_method.value}",
    )


def from_coe_issued(event: CoeIssued, event_id: str) -> StatusInput:
    return StatusInput(kind=InputKind.COE_ISSUED, source_event_id=event_id, occurred_at=japan_midnight(event.issued_on))


def from_card_dispatched(event: CardDispatched, event_id: str) -> StatusInput:
    return StatusInput(
        kind=InputKind.CARD_DISPATCHED,
        source_event_id=event_id,
        occurred_at=japan_midnight(event.dispatched_on),
    )


def from_result_delivered(event: ResultDelivered, event_id: str) -> StatusInput:
    return StatusInput(
        kind=InputKind.RESULT_DELIVERED,
        source_event_id=event_id,
        occurred_at=japan_midnight(event.delivered_on),
    )


def from_notice_sent(event: NoticeSent, event_id: str) -> StatusInput:
    return StatusInput(
        kind=InputKind.NOTICE_SENT,
        source_event_id=event_id,
        occurred_at=event.sent_at,
        details=f"notice={event.kind}",
    )


def documents_command(command_id: str, now: datetime, attachments: int) -> StatusInput:
    """The filer's answer to a documents request; the note counts the documents, it never names them."""
    return StatusInput(
        kind=InputKind.DOCUMENTS_SUBMITTED_ONLINE,
        source_event_id=command_id,
        occurred_at=now,
        details=f"attachments={attachments}",
    )


def withdraw_command(command_id: str, now: datetime) -> StatusInput:
    """The filer's withdrawal; `command_id` is stable across retries (e.g. the idempotency key)."""
    return StatusInput(kind=InputKind.WITHDRAW_REQUESTED, source_event_id=command_id, occurred_at=now)
