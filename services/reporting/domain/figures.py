"""The figures reporting keeps: counter increments derived from one consumed event at a time.

Contract with the service: apply each event's increments EXACTLY ONCE. The service dedupes by
the CloudEvent id before it adds them (for notices, `notice_id` is also a natural key). Every
increment is a plain sum, so the totals do not depend on the order events arrive in: a status
change moves one application from its previous status (-1) to its new one (+1), and an approval
change moves one approval between states the same way using `previous_state`.

An application enters `submitted` when it is received, so `ApplicationReceived` counts it
there; every later move arrives as `ApplicationStatusChanged` with its previous status (as
intake's status machine publishes them). A status change without `previous_status` is taken
to start from `submitted`, and one that merely re-announces `submitted` changes nothing, so an
application is counted once whether or not intake also announces its first status.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Final, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Payload
from contracts.calendar import japan_date
from contracts.eligibility import ApplicationAssessed
from contracts.intake import (
    ApplicationNotEligible,
    ApplicationReceived,
    ApplicationStatus,
    ApplicationStatusChanged,
)
from contracts.notification import NoticeFailed, NoticeSent
from contracts.organisations import ApprovalChange, ApprovalChanged
from services.reporting.domain import history

Labels = tuple[tuple[str, str], ...]
"""Label pairs sorted by name: hashable, and equal whatever order they were given in."""


class MetricKind(StrEnum):
    COUNTER = "counter"
    GAUGE = "gauge"


class Metric(NamedTuple):
    kind: MetricKind
    help: str


METRICS: Final[Mapping[str, Metric]] = {
    "applications_received_total": Metric(MetricKind.COUNTER, "Applications received, by procedure and Japan day."),
    "applications_by_status": Metric(MetricKind.GAUGE, "Applications now in each status."),
    "assessments_total": Metric(MetricKind.COUNTER, "Eligibility assessments, by outcome."),
    "not_eligible_reasons_total": Metric(MetricKind.COUNTER, "Applications refused online, by reason code."),
    "notices_sent_total": Metric(MetricKind.COUNTER, "Notices handed to the mail server, by kind."),
    "notices_failed_total": Metric(MetricKind.COUNTER, "Notices that could not be sent, by kind."),
    "approval_changes_total": Metric(MetricKind.COUNTER, "Approval lifecycle changes, by change."),
    "approvals_by_state": Metric(MetricKind.GAUGE, "Organisations' approvals now in each state."),
}
DECISIONS: Final = frozenset({ApplicationStatus.GRANTED, ApplicationStatus.DENIED})
"""The statuses an examination ends in: an application moving to one was decided that hour."""


class Increment(BaseModel):
    """Add `by` to the series `counter{labels}`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    counter: str
    labels: Labels = ()
    by: int = Field(default=1)

    @property
    def key(self) -> tuple[str, Labels]:
        return (self.counter, self.labels)


def increment(counter: str, by: int = 1, **labels: str) -> Increment:
    return Increment(counter=counter, labels=tuple(sorted(labels.items())), by=by)


def increments_for(event: Payload) -> tuple[Increment, ...]:
    """What one consumed event adds to the figures; a type reporting does not count is a wiring error."""
    match event:
        case ApplicationReceived():
            procedure, day = event.application.form.procedure, japan_day(event.received_at)
            return (
                increment("applications_received_total", procedure=procedure, day=day),
                increment("applications_by_status", status=ApplicationStatus.SUBMITTED),
                increment(history.RECEIVED, hour=history.japan_hour(event.received_at)),
            )
        case ApplicationStatusChanged():
            previous = event.previous_status or ApplicationStatus.SUBMITTED
            if previous == event.status:
                return ()
            decided = (
                (increment(history.DECIDED, hour=history.japan_hour(event.changed_at), decision=event.status),)
                if event.status in DECISIONS and previous not in DECISIONS
                else ()
            )
            return (
                increment("applications_by_status", -1, status=previous),
                increment("applications_by_status", status=event.status),
                *decided,
            )
        case ApplicationNotEligible():
            codes = sorted({reason.code for reason in event.reasons})
            return tuple(increment("not_eligible_reasons_total", code=code) for code in codes)
        case ApplicationAssessed():
            return (increment("assessments_total", outcome="eligible" if event.eligible else "not_eligible"),)
        case NoticeSent():
            return (
                increment("notices_sent_total", kind=event.kind),
                increment(history.SENT, hour=history.japan_hour(event.sent_at)),
            )
        case NoticeFailed():
            return (
                increment("notices_failed_total", kind=event.kind),
                increment(history.FAILED, hour=history.japan_hour(event.failed_at)),
            )
        case ApprovalChanged():
            return (increment("approval_changes_total", change=event.change), *_approval_moves(event))
    raise TypeError(f"reporting keeps no figures for {type(event).__name__}")


def _approval_moves(event: ApprovalChanged) -> tuple[Increment, ...]:
    moved_in = increment("approvals_by_state", state=event.state)
    if event.change is ApprovalChange.GRANTED:
        return (moved_in,)
    # Without previous_state (an older writer) the move cannot be known: leave the gauge alone.
    if event.previous_state is None or event.previous_state == event.state:
        return ()
    return (increment("approvals_by_state", -1, state=event.previous_state), moved_in)


def japan_day(moment: datetime) -> str:
    """The calendar day in Japan, as every service reads it (a naive time is UTC)."""
    return japan_date(moment).isoformat()


def tally(increments: Iterable[Increment]) -> dict[tuple[str, Labels], int]:
    """Sum increments per series: the fold the service performs with `$inc`."""
    totals: dict[tuple[str, Labels], int] = {}
    for item in increments:
        totals[item.key] = totals.get(item.key, 0) + item.by
    return totals
