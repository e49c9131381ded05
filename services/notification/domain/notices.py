"""The notice catalogue (domain rules §4) and `plan_notices`: which notices an event produces.

`plan_notices` is the one entry point the service calls for every event it consumes.
It returns a value, never raises for a business reason: `Planned` (zero or more
notices) or `MissingContact` (the event needs the application's parties and the
projection has none yet: the event waits until the acceptance is projected).
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from contracts.examination import CardDispatched, CoeIssued, DecisionMade, DocumentsRequested
from contracts.intake import ApplicationAccepted, ApplicationNotEligible, ApplicationReceived, DocumentsSubmittedOnline
from contracts.organisations import ApprovalChanged
from services.notification.domain.contacts import ApplicationContact, NoticeContext
from services.notification.domain.model import MissingContact, Notice, NoticeKind, Planned, PlanResult
from services.notification.domain.plan_application import (
    plan_accepted,
    plan_documents_requested,
    plan_not_eligible,
    plan_received,
)
from services.notification.domain.plan_approvals import plan_approval_changed
from services.notification.domain.plan_documents import (
    DocumentsReminderDue,
    plan_documents_received,
    plan_documents_reminder,
)
from services.notification.domain.plan_results import plan_card_dispatched, plan_coe_issued, plan_decision

__all__ = [
    "CATALOGUE",
    "ApplicationContact",
    "Audience",
    "MissingContact",
    "Notice",
    "NoticeContext",
    "NoticeEvent",
    "NoticeKind",
    "PlanResult",
    "Planned",
    "plan_notices",
]


class Audience(StrEnum):
    FILER = "filer"
    FILER_AND_APPLICANT = "filer_and_applicant"
    ORGANISATION_STAFF = "organisation_staff"


@dataclass(frozen=True)
class NoticeSpec:
    moment: str
    audience: Audience
    caused_by: str


_F, _FA, _S = Audience.FILER, Audience.FILER_AND_APPLICANT, Audience.ORGANISATION_STAFF
CATALOGUE: dict[NoticeKind, NoticeSpec] = {
    NoticeKind.SUBMISSION_RECEIVED: NoticeSpec("submitted, with the provisional number", _F, "ApplicationReceived"),
    NoticeKind.APPLICATION_ACCEPTED: NoticeSpec(
        "accepted: receipt number, the proof of a pending application", _FA, "ApplicationAccepted"
    ),
    NoticeKind.NOT_ELIGIBLE: NoticeSpec(
        "not eligible online: reasons, file at the counter", _F, "ApplicationNotEligible"
    ),
    NoticeKind.DOCUMENTS_REQUESTED: NoticeSpec("more documents: what and by when", _F, "DocumentsRequested"),
    NoticeKind.DOCUMENTS_RECEIVED: NoticeSpec(
        "documents answered online: what was received", _F, "DocumentsSubmittedOnline"
    ),
    NoticeKind.DOCUMENTS_REMINDER: NoticeSpec(
        "documents still due: the request again, days before its deadline", _F, "DocumentsReminderDue"
    ),
    NoticeKind.DECISION_COUNTER: NoticeSpec("decided: come to the counter (every denial)", _F, "DecisionMade"),
    NoticeKind.DECISION_POST: NoticeSpec("granted, by post: what to send, with postage and fee", _F, "DecisionMade"),
    NoticeKind.COE_ISSUED: NoticeSpec("electronic COE issued, to forward abroad", _F, "CoeIssued"),
    NoticeKind.CARD_DISPATCHED: NoticeSpec("card or document posted", _F, "CardDispatched"),
    NoticeKind.APPROVAL_GRANTED: NoticeSpec("approval granted", _S, "ApprovalChanged"),
    NoticeKind.APPROVAL_REMINDER_DUE: NoticeSpec("periodic report due", _S, "ApprovalChanged"),
    NoticeKind.APPROVAL_DEADLINE_NEAR: NoticeSpec("periodic report overdue", _S, "ApprovalChanged"),
    NoticeKind.APPROVAL_LAPSED: NoticeSpec("approval lapsed", _S, "ApprovalChanged"),
    NoticeKind.APPROVAL_RENEWED: NoticeSpec("periodic report accepted, validity extended", _S, "ApprovalChanged"),
    NoticeKind.APPROVAL_STAFF_REMOVED: NoticeSpec("a staff member's ID was disabled", _S, "ApprovalChanged"),
    NoticeKind.APPROVAL_REVOKED: NoticeSpec("approval revoked", _S, "ApprovalChanged"),
}

NoticeEvent = (
    ApplicationReceived
    | ApplicationAccepted
    | ApplicationNotEligible
    | DocumentsRequested
    | DocumentsSubmittedOnline
    | DocumentsReminderDue
    | DecisionMade
    | CoeIssued
    | CardDispatched
    | ApprovalChanged
)


def plan_notices(event: NoticeEvent, source_event_id: str, context: NoticeContext) -> PlanResult:
    """The notices `event` produces; ids derive from `source_event_id`, so a redelivery plans the same."""
    contact = context.contact
    if isinstance(event, ApplicationReceived):
        return plan_received(event, source_event_id)
    if isinstance(event, ApplicationAccepted):
        return plan_accepted(event, source_event_id, contact)
    if isinstance(event, ApplicationNotEligible):
        return plan_not_eligible(event, source_event_id)
    if isinstance(event, DocumentsRequested):
        return plan_documents_requested(event, source_event_id, contact)
    if isinstance(event, DocumentsSubmittedOnline):
        return plan_documents_received(event, source_event_id)
    if isinstance(event, DocumentsReminderDue):
        return plan_documents_reminder(event)
    if isinstance(event, DecisionMade):
        return plan_decision(event, source_event_id, contact, context.tariff)
    if isinstance(event, CoeIssued):
        return plan_coe_issued(event, source_event_id, contact)
    if isinstance(event, CardDispatched):
        return plan_card_dispatched(event, source_event_id, contact, context.tariff)
    if isinstance(event, ApprovalChanged):
        return plan_approval_changed(event, source_event_id, context.organisation_language)
    assert_never(event)
