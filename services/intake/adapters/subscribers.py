"""Kafka batch subscribers: translate consumed events to use-case inputs, delegate, log the outcome.

No rules here; what the use case answered is raised, after the whole batch was
handled, in the terms of the delivery layer (`chassis.delivery`):
- an event that came early (its application not stored yet, or not as far along as
  the event needs) raises `Waiting`: the delivery layer parks just those records and
  hands them back later, and the rest of the batch is committed;
- a submission that cannot be taken raises `RejectedRecord`: the delivery layer
  isolates the batch record by record (the others are duplicates by then and change
  nothing) and dead-letters just that one.
"""

from collections.abc import Callable, Sequence
from typing import Any

import structlog

from chassis import errors
from chassis.cloudevents import Inbound
from chassis.delivery import BatchHandler
from contracts.application import Application
from contracts.eligibility import ApplicationAssessed
from contracts.intake import Channel
from contracts.notification import NoticeSent
from services.intake.domain.inputs import StatusInput, from_assessment, from_notice_sent
from services.intake.domain.status import NotYet, Outcome, WithdrawRefused
from services.intake.handlers.progress import Applied, ApplyProgress, NotStored, Progress, Result
from services.intake.handlers.submit import Refused, Submission, SubmitApplications

log = structlog.get_logger("intake")


class RejectedRecord(errors.Refused):
    """The record is well-formed but cannot be taken, ever (a reused submission id, attachments too large,
    a filing time outside the window)."""


def on_submitted(submit: SubmitApplications) -> BatchHandler:
    async def handle(events: Sequence[Inbound[Application]]) -> None:
        results = await submit([Submission(e.payload, Channel.KAFKA, e.id, e.correlation_id) for e in events])
        rejected = []
        for event, result in zip(events, results, strict=True):
            with structlog.contextvars.bound_contextvars(event_id=event.id, correlation_id=event.correlation_id):
                if isinstance(result, Refused):
                    detail = f": {result.detail}" if result.detail else ""
                    rejected.append(f"{result.reason.value}: {result.application_id}{detail}")
                elif result.created:
                    log.info(
                        "application received",
                        application_id=result.state.application_id,
                        provisional_number=result.state.provisional_number,
                    )
        if rejected:
            raise RejectedRecord("; ".join(rejected))

    return handle


Translate = Callable[[Inbound[Any]], Progress | None]


def on_progress(apply: ApplyProgress, translate: Translate) -> BatchHandler:
    async def handle(events: Sequence[Inbound[Any]]) -> None:
        inputs = [(event, translate(event)) for event in events]
        taken = [(event, item) for event, item in inputs if item is not None]
        if not taken:
            return
        results = await apply([item for _, item in taken])
        waiting: dict[str, str] = {}
        for (event, item), result in zip(taken, results, strict=True):
            with structlog.contextvars.bound_contextvars(
                event_id=event.id, correlation_id=event.correlation_id, application_id=item.application_id
            ):
                if (waits_for := _waits_for(item, result)) is not None:
                    waiting[event.id] = waits_for
                    log.debug("event waits", waits_for=waits_for)  # each release logs it again: not at info
                elif isinstance(result, Applied):
                    _log_applied(result)
                elif isinstance(result, WithdrawRefused):  # pragma: no cover - withdrawals come over HTTP
                    log.warning("withdrawal refused", reason=result.reason.value)
        if waiting:
            raise errors.Waiting(waiting)

    return handle


def _waits_for(item: Progress, result: Result) -> str | None:
    """What an early event waits for, for operators: ids, statuses and kinds only, never personal data."""
    if isinstance(result, NotStored):
        return f"application {result.application_id} not stored yet"
    if isinstance(result, NotYet):
        needs = " or ".join(result.needs)
        return f"application {item.application_id} is {result.status}; {item.input.kind} needs {needs}"
    return None


def _log_applied(result: Applied) -> None:
    if result.outcome is Outcome.MOVED:
        log.info("application status moved", status=result.status.value, revision=result.advance.state.revision)
    elif result.outcome is Outcome.IGNORED:
        log.info("event ignored", reason=result.advance.ignored_reason, status=result.status.value)


def assessed(event: Inbound[ApplicationAssessed]) -> Progress:
    payload = event.payload
    return Progress(payload.application_id, from_assessment(payload, event.id), event.correlation_id, payload.reasons)


def examination(convert: Callable[[Any, str], StatusInput]) -> Translate:
    """For examination events, which all name their application and carry nothing else intake keeps."""

    def translate(event: Inbound[Any]) -> Progress:
        return Progress(event.payload.application_id, convert(event.payload, event.id), event.correlation_id)

    return translate


def on_examination(apply: ApplyProgress, convert: Callable[[Any, str], StatusInput]) -> BatchHandler:
    """An examination topic's subscriber: `convert` reads the step its payload records."""
    return on_progress(apply, examination(convert))


def notice_sent(event: Inbound[NoticeSent]) -> Progress | None:
    """Notices about organisations' approvals name no application: not intake's concern."""
    payload = event.payload
    if payload.application_id is None:
        return None
    return Progress(payload.application_id, from_notice_sent(payload, event.id), event.correlation_id)
