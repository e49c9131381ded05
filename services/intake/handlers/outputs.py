"""The events intake publishes, built from an application's state and what just happened to it.

Event ids are UUIDv5 names of the application id and the kind of fact (and the
revision, for status changes). Each of these facts happens once per application,
so whichever path publishes it (the writer, the relay after a crash, a redelivered
source record) it carries the same id, and consumers can deduplicate on it. The
triggering record's id travels as the causation id.
"""

import uuid
from datetime import datetime
from typing import Final

from contracts.application import Application, Attachment
from contracts.base import Payload
from contracts.eligibility import Reason
from contracts.intake import (
    ApplicationAccepted,
    ApplicationNotEligible,
    ApplicationReceived,
    ApplicationStatusChanged,
    ApplicationWithdrawn,
    DocumentsSubmittedOnline,
    Parties,
)
from contracts.topics import (
    INTAKE_APPLICATION_ACCEPTED,
    INTAKE_APPLICATION_NOT_ELIGIBLE,
    INTAKE_APPLICATION_RECEIVED,
    INTAKE_APPLICATION_STATUS_CHANGED,
    INTAKE_APPLICATION_WITHDRAWN,
    INTAKE_DOCUMENTS_SUBMITTED_ONLINE,
    Topic,
)
from services.intake.domain.application import ApplicationState
from services.intake.domain.documents import DocumentsRequest
from services.intake.domain.special_period import special_period
from services.intake.domain.status import Move
from services.intake.handlers.ports import OutboxEvent

_NAMESPACE: Final = uuid.UUID("6f3c1a52-8d0e-4b7a-9c61-2f1e0d9b7a44")


def event_id(application_id: str, fact: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{application_id}/{fact}"))


class Outputs:
    """Builds one application's outgoing events, all carrying the same correlation and causation ids."""

    def __init__(self, state: ApplicationState, application: Application, cause: str, correlation: str | None):
        self.state = state
        self.application = application
        self.cause = cause
        self.correlation = correlation or cause

    def received(self, received_at: datetime) -> OutboxEvent:
        data = ApplicationReceived(
            application_id=self.state.application_id,
            provisional_number=self.state.provisional_number,
            channel=self.state.channel,
            received_at=received_at,
            application=self.application,
        )
        return self._out(INTAKE_APPLICATION_RECEIVED, "received", data, received_at)

    def status_changed(self, move: Move | None) -> OutboxEvent:
        """One move, or the submission itself (revision 1, no previous status) when `move` is None."""
        first = self.state.timeline[0]
        revision = move.revision if move else first.revision
        data = ApplicationStatusChanged(
            application_id=self.state.application_id,
            provisional_number=self.state.provisional_number,
            receipt_number=self.state.receipt_number,
            procedure=self.state.procedure,
            status=move.status if move else first.status or self.state.status,
            previous_status=move.previous_status if move else None,
            revision=revision,
            changed_at=move.at if move else first.at,
        )
        return self._out(INTAKE_APPLICATION_STATUS_CHANGED, f"status/{revision}", data, data.changed_at)

    def accepted(self, at: datetime) -> OutboxEvent:
        assert self.state.receipt_number is not None, "an accepted application has its receipt number"
        data = ApplicationAccepted(
            application_id=self.state.application_id,
            provisional_number=self.state.provisional_number,
            receipt_number=self.state.receipt_number,
            procedure=self.state.procedure,
            accepted_at=at,
            parties=self.parties(),
            submitted_at=self.application.submitted_at,
            period_of_stay_days=self.application.applicant.period_of_stay_days,
            stay_expires_on=self.application.applicant.stay_expires_on,
            special_period=special_period(self.state),
        )
        return self._out(INTAKE_APPLICATION_ACCEPTED, "accepted", data, at)

    def not_eligible(self, at: datetime, reasons: tuple[Reason, ...]) -> OutboxEvent:
        data = ApplicationNotEligible(
            application_id=self.state.application_id,
            provisional_number=self.state.provisional_number,
            procedure=self.state.procedure,
            reasons=reasons,
            decided_at=at,
            parties=self.parties(),
        )
        return self._out(INTAKE_APPLICATION_NOT_ELIGIBLE, "not-eligible", data, at)

    def withdrawn(self, at: datetime) -> OutboxEvent:
        data = ApplicationWithdrawn(
            application_id=self.state.application_id,
            provisional_number=self.state.provisional_number,
            receipt_number=self.state.receipt_number,
            withdrawn_at=at,
            parties=self.parties(),
        )
        return self._out(INTAKE_APPLICATION_WITHDRAWN, "withdrawn", data, at)

    def documents_submitted(
        self, move: Move, request: DocumentsRequest, attachments: tuple[Attachment, ...]
    ) -> OutboxEvent:
        """The filer's online answer; one per move into documents_submitted, so the revision names it."""
        assert self.state.receipt_number is not None, "documents are requested only after acceptance"
        data = DocumentsSubmittedOnline(
            application_id=self.state.application_id,
            provisional_number=self.state.provisional_number,
            receipt_number=self.state.receipt_number,
            procedure=self.state.procedure,
            requested_at=request.requested_at,
            due_on=request.due_on,
            attachments=attachments,
            submitted_at=move.at,
            parties=self.parties(),
        )
        return self._out(INTAKE_DOCUMENTS_SUBMITTED_ONLINE, f"documents/{move.revision}", data, move.at)

    def parties(self) -> Parties:
        return Parties.of(self.application)

    def _out(self, topic: Topic, fact: str, data: Payload, time: datetime) -> OutboxEvent:
        return OutboxEvent(
            topic=topic,
            data=data,
            id=event_id(self.state.application_id, fact),
            time=time,
            correlation_id=self.correlation,
            causation_id=self.cause,
        )
