"""Kafka batch subscribers: translate consumed events for a use case, delegate, log the outcome.

No rules here. Log lines carry ids, codes and versions only: the application itself
(names, dates of birth, card numbers) never reaches a log.
"""

from collections.abc import Sequence

import structlog

from chassis.cloudevents import Inbound
from chassis.delivery import BatchHandler
from contracts.intake import ApplicationReceived
from contracts.organisations import ApprovalChanged
from services.eligibility.handlers.assess import AssessApplications
from services.eligibility.handlers.ports import Received
from services.eligibility.handlers.project import ProjectApprovals

log = structlog.get_logger("eligibility")


def on_received(assess: AssessApplications) -> BatchHandler:
    async def handle(events: Sequence[Inbound[ApplicationReceived]]) -> None:
        outcomes = await assess([Received(e.id, e.payload, e.correlation_id) for e in events])
        for outcome in outcomes:
            decision = outcome.decision
            with structlog.contextvars.bound_contextvars(
                event_id=decision.source_id,
                correlation_id=decision.correlation_id,
                application_id=decision.assessed.application_id,
            ):
                log.info(
                    "decision republished" if outcome.repeated else "application assessed",
                    eligible=decision.assessed.eligible,
                    reasons=[reason.code for reason in decision.assessed.reasons],
                    ruleset_version=decision.assessed.ruleset_version,
                    decision_event_id=decision.event_id,
                )

    return handle


def on_approval_changed(project: ProjectApprovals) -> BatchHandler:
    async def handle(events: Sequence[Inbound[ApprovalChanged]]) -> None:
        projected = await project([e.payload for e in events])
        for record in projected.written:
            log.info(
                "approval projected",
                approval_id=record.approval_id,
                organisation_id=record.organisation_id,
                revision=record.revision,
                approval_state=record.state.value,
            )
        if projected.unchanged:
            log.info("stale approval changes ignored", approval_ids=list(projected.unchanged))

    return handle
