"""The dated changes an active approval goes through when no periodic report arrives.

Per period: `reminder_due` on `reminder_on` (two months before expiry), `deadline_near` on
`report_due_by` (one month before: the report's due-by date) and `lapsed` on `valid_until`
(the expiry date, the first day without access; see `approval.py`). Each is due when
`today >= its date` and is published once per period: the approval records what it emitted,
and a renewal clears the record along with moving the dates.

Catch-up is built in: after downtime, `due_actions` returns every missed change in order, and
a lapsed approval has nothing further due. The service keeps `next_due_date` in its schedule
index and runs `advance` for each approval whose date is `<= today`.
"""

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from contracts.application import Identifier
from contracts.organisations import ApprovalChange, ApprovalChanged, ApprovalState
from services.reporting.domain.approval import Approval, Outcome, Unchanged, publish, unchanged


class ScheduledChange(BaseModel):
    """A change that fell due; `valid_until` names the period it belongs to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approval_id: Identifier
    change: ApprovalChange
    due_on: date
    valid_until: date


def _timetable(approval: Approval) -> tuple[tuple[ApprovalChange, date], ...]:
    return (
        (ApprovalChange.REMINDER_DUE, approval.reminder_on),
        (ApprovalChange.DEADLINE_NEAR, approval.report_due_by),
        (ApprovalChange.LAPSED, approval.valid_until),
    )


def due_actions(approval: Approval, today: date) -> tuple[ScheduledChange, ...]:
    """Every change due by `today` and not yet published for this period, earliest first."""
    if approval.state is not ApprovalState.ACTIVE:
        return ()
    return tuple(
        ScheduledChange(
            approval_id=approval.approval_id, change=change, due_on=due_on, valid_until=approval.valid_until
        )
        for change, due_on in _timetable(approval)
        if due_on <= today and change not in approval.emitted
    )


def next_due_date(approval: Approval) -> date | None:
    """When the next scheduled change falls due; None once nothing more can be (lapsed, revoked)."""
    if approval.state is not ApprovalState.ACTIVE:
        return None
    pending = [due_on for change, due_on in _timetable(approval) if change not in approval.emitted]
    return min(pending, default=None)


def mark(approval: Approval, scheduled: ScheduledChange, now: datetime) -> Outcome:
    """Record `scheduled` as published and describe it; a lapse also ends the approval's access."""
    if scheduled.approval_id != approval.approval_id:
        raise ValueError(f"change for {scheduled.approval_id} applied to approval {approval.approval_id}")
    if approval.state is not ApprovalState.ACTIVE:
        return unchanged(approval, Unchanged.NOT_ACTIVE)
    if scheduled.valid_until != approval.valid_until:
        return unchanged(approval, Unchanged.STALE)
    if scheduled.change in approval.emitted:
        return unchanged(approval, Unchanged.ALREADY_APPLIED)
    emitted = (*approval.emitted, scheduled.change)
    if scheduled.change is ApprovalChange.LAPSED:
        return publish(approval, scheduled.change, now, emitted=emitted, state=ApprovalState.LAPSED)
    return publish(approval, scheduled.change, now, emitted=emitted)


def advance(approval: Approval, today: date, now: datetime) -> Outcome:
    """Publish every change due by `today`, in order, as consecutive revisions."""
    changes: list[ApprovalChanged] = []
    for scheduled in due_actions(approval, today):
        outcome = mark(approval, scheduled, now)
        assert outcome.approval is not None  # mark never forgets an approval it was given
        approval = outcome.approval
        changes.extend(outcome.changes)
    return Outcome(approval=approval, changes=tuple(changes))


def report_due_within(approval: Approval, today: date, days: int = 30) -> bool:
    """Whether the approval still needs its periodic report by `today + days` (overdue included)."""
    return approval.state is ApprovalState.ACTIVE and approval.report_due_by < today + timedelta(days=days)
