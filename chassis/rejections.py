"""How a dead-lettered record is logged: one line each, and a traceback only for a bug.

An expected rejection is news about the input, not about the service: a record that is
not the topic's event (`MalformedRecord`), one a handler refuses for good (`Refused`),
one that waited past the limit for what it needs. It is one warning line with the
reason and what finds the record again (topic, group, partition, offset, event id, key,
correlation id), never its content. Anything else a handler raises is a bug: one error
line that carries its traceback. Either way the record is in `<topic>.dlq`, with the
reason in its `dlq_*` headers.
"""

from typing import Any

import structlog

from chassis.cloudevents import Inbound
from chassis.errors import MalformedRecord, Refused

log = structlog.get_logger("chassis.delivery")

_MAX_REASON = 500
"""A refusal names ids and rules; a longer text is cut, so a line stays a line."""

Failure = BaseException | str | None
"""Why a record is dead-lettered: the handler's exception, a reason of the chassis's own, or None when the record
could not be read (its `rejection` says why)."""


def expected(error: BaseException) -> bool:
    return isinstance(error, Refused | MalformedRecord)


def log_dead_letter(event: Inbound[Any], failure: Failure, *, topic: str, group: str, dlq_reason: str) -> None:
    record = event.record
    unexpected = isinstance(failure, BaseException) and not expected(failure)
    (log.error if unexpected else log.warning)(
        "record dead-lettered",
        topic=topic,
        group=group,
        partition=getattr(record, "partition", None),
        offset=getattr(record, "offset", None),
        event_id=event.id,
        key=event.key,
        correlation_id=event.correlation_id,
        dlq_reason=dlq_reason,
        reason=_reason(event, failure),
        exc_info=failure if unexpected else None,
    )


def _reason(event: Inbound[Any], failure: Failure) -> str | None:
    if failure is None:
        return event.rejection_summary or event.rejection
    if isinstance(failure, str):
        return failure[:_MAX_REASON]
    if expected(failure):
        summary = failure.summary if isinstance(failure, MalformedRecord) else str(failure)
        return f"{type(failure).__name__}: {summary}"[:_MAX_REASON]
    # A bug's message may hold anything the handler had in hand: the traceback has it, redacted.
    return type(failure).__name__
