"""Transitions of an approval on the bureau's events (domain rules §6).

Periodic reports, as read here (the parts marked assumed in the domain rules):
- A report is due by `report_due_by` (one month before expiry), but one FILED before the
  expiry date (`filed_on < valid_until`) is still in time. It extends validity by one period
  from the old expiry, at the length of the rule in force on `accepted_on`; so an approval
  granted under the one-year rule moves to three years at its first report accepted from
  2026-01-05.
- A report filed on or after the expiry date does not revive the approval: the organisation
  must apply anew. A report filed in time that reaches us after our clock marked the approval
  lapsed does renew it, so the result does not depend on which arrived first.
- One report per period: a report filed before the current period began belongs to an
  earlier period (or is a duplicate) and changes nothing.

Staff: a removed staff id stays removed (a returning person is assumed to get a new
authentication ID), which makes staff events commute; the bureau's topics are not ordered
against each other. A leaver the approval listed is kept as a departure (the day they left
and their standing), so eligibility can judge a filing dated before it.

Every transition is idempotent: a duplicate or stale event returns the approval as it was,
nothing to publish, and the reason in `Outcome.unchanged`. A revoked approval is final.
"""

from datetime import datetime

from contracts.organisations import (
    ApprovalChange,
    ApprovalGranted,
    ApprovalRevoked,
    ApprovalState,
    PeriodicReportAccepted,
    StaffAdded,
    StaffDeparture,
    StaffLeft,
)
from services.reporting.domain.approval import (
    Approval,
    Outcome,
    Unchanged,
    changed_event,
    publish,
    unchanged,
)
from services.reporting.domain.validity import ValidityRules

BureauEvent = ApprovalGranted | PeriodicReportAccepted | StaffLeft | StaffAdded | ApprovalRevoked


def apply(approval: Approval | None, event: BureauEvent, now: datetime, *, rules: ValidityRules) -> Outcome:
    """The approval after `event`, and the `ApprovalChanged` to publish (none if nothing changed)."""
    if approval is None:
        if isinstance(event, ApprovalGranted):
            return _granted(event, now, rules)
        return unchanged(None, Unchanged.UNKNOWN_APPROVAL)
    if event.approval_id != approval.approval_id:
        raise ValueError(f"event for {event.approval_id} applied to approval {approval.approval_id}")
    if isinstance(event, ApprovalGranted):
        return unchanged(approval, Unchanged.ALREADY_APPLIED)
    if approval.state is ApprovalState.REVOKED:
        revoked_again = isinstance(event, ApprovalRevoked)
        return unchanged(approval, Unchanged.ALREADY_APPLIED if revoked_again else Unchanged.REVOKED)
    match event:
        case PeriodicReportAccepted():
            return _report_accepted(approval, event, now, rules)
        case StaffLeft():
            return _staff_left(approval, event, now)
        case StaffAdded():
            known = {member.staff_id for member in approval.staff} | set(approval.removed_staff_ids)
            if event.staff.staff_id in known:
                return unchanged(approval, Unchanged.ALREADY_APPLIED)
            return publish(approval, ApprovalChange.STAFF_ADDED, now, staff=(*approval.staff, event.staff))
        case ApprovalRevoked():
            return publish(
                approval, ApprovalChange.REVOKED, now, state=ApprovalState.REVOKED, revoked_on=event.revoked_on
            )


def _staff_left(approval: Approval, event: StaffLeft, now: datetime) -> Outcome:
    """The leaver's ID is disabled; the day they left and the standing they held are kept with it,
    so a filing dated before that day is still theirs. One never listed gets no departure."""
    if event.staff_id in approval.removed_staff_ids:
        return unchanged(approval, Unchanged.ALREADY_APPLIED)
    leaving = [member for member in approval.staff if member.staff_id == event.staff_id]
    departures = tuple(
        StaffDeparture(
            staff_id=member.staff_id,
            left_on=event.left_on,
            intermediary=member.intermediary,
            intermediary_valid_until=member.intermediary_valid_until,
        )
        for member in leaving
    )
    return publish(
        approval,
        ApprovalChange.STAFF_REMOVED,
        now,
        staff=tuple(member for member in approval.staff if member.staff_id != event.staff_id),
        removed_staff_ids=(*approval.removed_staff_ids, event.staff_id),
        departures=(*approval.departures, *departures),
    )


def _granted(event: ApprovalGranted, now: datetime, rules: ValidityRules) -> Outcome:
    period = rules.period(decided_on=event.approved_on, starts_on=event.approved_on)
    approval = Approval(
        approval_id=event.approval_id,
        organisation_id=event.organisation_id,
        category=event.category,
        employer_organisation_id=event.employer_organisation_id,
        state=ApprovalState.ACTIVE,
        valid_from=event.approved_on,
        period_started_on=period.starts_on,
        valid_until=period.valid_until,
        reminder_on=period.reminder_on,
        report_due_by=period.report_due_by,
        staff=event.staff,
        revision=1,
        organisation_kind=event.organisation_kind,
    )
    return Outcome(approval=approval, changes=(changed_event(approval, ApprovalChange.GRANTED, None, now),))


def _report_accepted(approval: Approval, event: PeriodicReportAccepted, now: datetime, rules: ValidityRules) -> Outcome:
    if event.filed_on < approval.period_started_on:
        return unchanged(approval, Unchanged.ALREADY_APPLIED)
    if event.filed_on >= approval.valid_until:
        return unchanged(approval, Unchanged.FILED_AFTER_EXPIRY)
    period = rules.period(decided_on=event.accepted_on, starts_on=approval.valid_until)
    return publish(
        approval,
        ApprovalChange.RENEWED,
        now,
        state=ApprovalState.ACTIVE,
        period_started_on=period.starts_on,
        valid_until=period.valid_until,
        reminder_on=period.reminder_on,
        report_due_by=period.report_due_by,
        emitted=(),
    )
