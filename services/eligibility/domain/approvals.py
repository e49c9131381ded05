"""Organisations' approvals (利用申出) as eligibility sees them: a projection of `ApprovalChanged`.

Eligibility keeps only what a filing decision needs. Staff names and e-mail addresses
are dropped on purpose: they are personal data this service has no use for.

`valid_until` is the expiry date and is exclusive, as reporting publishes it: an
approval is in force from `valid_from` up to the day before `valid_until`, and up to the day
before `revoked_on` if it was revoked. A filing is judged by the approval as it stood on the
filing date, not by its state when the filing is assessed: a filing of the last valid day
assessed after the lapse was published (a backlog across midnight) still counts.

The organisation's kind is the contract's `OrganisationKind` (one enum for the events,
the rule files and the checks): it arrives on the approval events and is kept here.
"""

from datetime import date

from pydantic import BaseModel, ConfigDict

from contracts.application import FilerCategory
from contracts.organisations import ApprovalChanged, ApprovalState, OrganisationKind


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StaffStanding(_Record):
    """One approved user, by authentication ID: only their intermediary standing matters here."""

    intermediary: bool = False
    intermediary_valid_until: date | None = None


class Departure(StaffStanding):
    """A staff member who left, with the standing they held until `left_on`, their first day without access."""

    left_on: date


class ApprovalRecord(_Record):
    approval_id: str
    organisation_id: str
    category: FilerCategory
    employer_organisation_id: str | None = None
    state: ApprovalState
    valid_from: date
    valid_until: date
    staff: dict[str, StaffStanding]
    """Current staff by staff id (the filer id they sign in with); removed staff are not here."""
    removed_staff_ids: frozenset[str] = frozenset()
    departed: dict[str, Departure] = {}
    """Removed staff by staff id, where the events say when they left; the others count as removed from the start."""
    revision: int
    organisation_kind: OrganisationKind | None = None
    """The holder's kind, as the bureau granted it; None when the events do not say."""
    revoked_on: date | None = None
    """The day a revocation took effect; None unless revoked."""

    def in_force_on(self, day: date) -> bool:
        """Whether the approval was in force on `day`, whatever has happened to it since.

        A lapse says only that the window ended, so the window decides: on the expiry date itself
        access has ended (the lapse is emitted that day), on the day before it had not. A renewal
        moves `valid_until` on. A revocation ends the approval from `revoked_on`; one without that
        date (published before reporting carried it) is taken to end it from the start, failing closed.
        """
        if self.state is ApprovalState.REVOKED and self.revoked_on is None:
            return False
        revoked = self.revoked_on is not None and day >= self.revoked_on
        return self.valid_from <= day < self.valid_until and not revoked

    def standing_on(self, staff_id: str, day: date) -> StaffStanding | None:
        """The staff member's standing under this approval on `day`; None if they were not its user then.

        Like the approval itself, judged as of `day`: someone who left is still a user on the
        days before `left_on`. A removal without a departure counts from the start (fail closed).
        """
        if staff_id in self.staff:
            return self.staff[staff_id]
        departure = self.departed.get(staff_id)
        if departure is not None and day < departure.left_on:
            return StaffStanding(
                intermediary=departure.intermediary, intermediary_valid_until=departure.intermediary_valid_until
            )
        return None

    def covers(self, receiving_organisation_id: str | None, *, employer_scoped: bool) -> bool:
        """Whether this approval lets its staff file for that receiving organisation.

        An approval naming an employer covers that employer only; `employer_scoped`
        (特定技能 via a support organisation) demands an approval naming it.
        """
        if self.employer_organisation_id is None:
            return not employer_scoped
        return self.employer_organisation_id == receiving_organisation_id


def apply_change(current: ApprovalRecord | None, event: ApprovalChanged) -> ApprovalRecord:
    """The record after `event`; `current` itself (same object) if the event is stale.

    Events carry the whole state, so the newest revision simply replaces the record;
    redelivered or out-of-order events (revision <= current) change nothing.
    """
    if current is not None:
        if current.approval_id != event.approval_id:
            raise ValueError(f"event for approval {event.approval_id} applied to {current.approval_id}")
        if event.revision <= current.revision:
            return current
    removed = frozenset(event.removed_staff_ids)
    return ApprovalRecord(
        approval_id=event.approval_id,
        organisation_id=event.organisation_id,
        category=event.category,
        employer_organisation_id=event.employer_organisation_id,
        state=event.state,
        valid_from=event.valid_from,
        valid_until=event.valid_until,
        staff={
            member.staff_id: StaffStanding(
                intermediary=member.intermediary,
                intermediary_valid_until=member.intermediary_valid_until,
            )
            for member in event.staff
            if member.staff_id not in removed
        },
        removed_staff_ids=removed,
        departed={
            left.staff_id: Departure(
                left_on=left.left_on,
                intermediary=left.intermediary,
                intermediary_valid_until=left.intermediary_valid_until,
            )
            for left in event.departures
            if left.staff_id in removed
        },
        revision=event.revision,
        organisation_kind=event.organisation_kind,
        revoked_on=event.revoked_on,
    )


class OrganisationFacts(_Record):
    """What assess needs about the filer's organisation, looked up by the service beforehand
    (`facts_for` in `filing.py` builds it from the projection).

    `approvals` are those of the filer's organisation (for a support organisation, at
    least the one for the receiving organisation); empty for filers without one.
    """

    approvals: tuple[ApprovalRecord, ...] = ()
    organisation_kind: OrganisationKind | None = None
    """None when unknown: a rule that needs a kind then fails closed."""
