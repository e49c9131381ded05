"""The approval aggregate (利用申出) as reporting keeps it, and how a change to it is published.

Validity boundary: `valid_until` is the expiry date and is EXCLUSIVE. An approval is valid
on day d iff `valid_from <= d < valid_until`. On `valid_until` itself, without an accepted
periodic report, it has lapsed and every user of the organisation has lost access (domain
rules §6, "at expiry"): a one-year approval granted 2026-01-04 is valid through 2027-01-03
and lapses on 2027-01-04. `ApprovalChanged.valid_until` carries exactly this meaning, so
eligibility accepts a filing dated d iff `valid_from <= d < valid_until` and, once revoked,
`d < revoked_on`: it judges the approval as it stood on the filing date, so a filing of the last
valid day is not refused because the lapse was published before it was assessed.

`valid_from` is the day the approval was first granted and never moves: a renewal opens the
next period at the old expiry (`period_started_on`) while the approval stays valid throughout,
so publishing the new period's start as `valid_from` would wrongly shut users out until then.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.application import FilerCategory, Identifier
from contracts.organisations import (
    ApprovalChange,
    ApprovalChanged,
    ApprovalState,
    OrganisationKind,
    StaffDeparture,
    StaffMember,
)


class Approval(BaseModel):
    """One organisation's approval; `revision` counts the changes published for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approval_id: Identifier
    organisation_id: Identifier
    category: FilerCategory
    employer_organisation_id: Identifier | None = None
    state: ApprovalState
    valid_from: date
    period_started_on: date
    valid_until: date
    reminder_on: date
    report_due_by: date
    staff: tuple[StaffMember, ...]
    removed_staff_ids: tuple[Identifier, ...] = ()
    departures: tuple[StaffDeparture, ...] = ()
    """The removed staff whom the approval listed when they left (none for removals stored before these were kept)."""
    revision: int = Field(ge=1)
    emitted: tuple[ApprovalChange, ...] = ()
    """The scheduled changes (reminder, deadline, lapse) already published for this period."""
    organisation_kind: OrganisationKind | None = None
    """As the bureau granted it; eligibility's rules depend on it, and it reads only our changes.
    None for an approval stored before the kind was kept (its next change publishes None too)."""
    revoked_on: date | None = None
    """The revocation's effective date, from the bureau; None unless revoked (or revoked before it was kept)."""

    @model_validator(mode="after")
    def _dates_are_in_order(self) -> "Approval":
        if not (self.valid_from <= self.period_started_on < self.reminder_on):
            raise ValueError("need valid_from <= period_started_on < reminder_on")
        if not (self.reminder_on < self.report_due_by < self.valid_until):
            raise ValueError("need reminder_on < report_due_by < valid_until")
        return self


class Unchanged(StrEnum):
    """Why an event or scheduled change changed nothing."""

    ALREADY_APPLIED = "already_applied"
    UNKNOWN_APPROVAL = "unknown_approval"
    """No grant seen yet. The bureau's topics are not ordered against each other: retry later."""
    REVOKED = "revoked"
    NOT_ACTIVE = "not_active"
    FILED_AFTER_EXPIRY = "filed_after_expiry"
    STALE = "stale"
    """A scheduled change computed for a period that has since been renewed."""


class Outcome(BaseModel):
    """The approval after a transition and what to publish; `unchanged` says why nothing was."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approval: Approval | None
    changes: tuple[ApprovalChanged, ...] = ()
    unchanged: Unchanged | None = None


def unchanged(approval: Approval | None, reason: Unchanged) -> Outcome:
    return Outcome(approval=approval, unchanged=reason)


def publish(approval: Approval, change: ApprovalChange, now: datetime, **updates: Any) -> Outcome:
    """Apply `updates` as the next revision (re-validated, so the guards hold) and describe it."""
    after = Approval.model_validate({**approval.model_dump(), **updates, "revision": approval.revision + 1})
    return Outcome(approval=after, changes=(changed_event(after, change, approval.state, now),))


def changed_event(
    approval: Approval, change: ApprovalChange, previous_state: ApprovalState | None, now: datetime
) -> ApprovalChanged:
    """The whole current state of `approval`, as the contract publishes it."""
    return ApprovalChanged(
        approval_id=approval.approval_id,
        organisation_id=approval.organisation_id,
        category=approval.category,
        employer_organisation_id=approval.employer_organisation_id,
        change=change,
        state=approval.state,
        valid_from=approval.valid_from,
        valid_until=approval.valid_until,
        report_due_by=approval.report_due_by,
        staff=approval.staff,
        removed_staff_ids=approval.removed_staff_ids,
        departures=approval.departures,
        revision=approval.revision,
        occurred_at=now,
        previous_state=previous_state,
        organisation_kind=approval.organisation_kind,
        revoked_on=approval.revoked_on,
    )
