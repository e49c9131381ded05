"""Facts from the bureau that every `ApprovalChanged` carries, whatever the change: the
organisation's kind (from the grant), the revocation date (from the revocation on) and the
staff who left, with the day each left (from their departure on).

Eligibility judges filings on these alone, so a change that dropped one would refuse (or
admit) filings that the approval's history decides otherwise.
"""

from datetime import date

import pytest

from contracts.organisations import ApprovalChange, ApprovalChanged, OrganisationKind
from services.reporting.domain.approval import Approval
from services.reporting.domain.schedule import advance
from tests.unit.reporting.reporting_builders import NOW, granted, report, revoked, staff_added, staff_left, step

SUPERVISING = OrganisationKind.SUPERVISING_BODY
REVOKED_ON = date(2028, 3, 1)


def life(kind: OrganisationKind | None = SUPERVISING) -> list[ApprovalChanged]:
    """Every change an approval can go through, in one plausible order: granted 2026-01-04 for a year."""
    changes: list[ApprovalChanged] = []

    def keep(approval: Approval | None, published: tuple[ApprovalChanged, ...]) -> Approval:
        assert approval is not None
        changes.extend(published)
        return approval

    outcome = step(None, granted(date(2026, 1, 4), "s1", "s2", kind=kind))
    approval = keep(outcome.approval, outcome.changes)
    for event in (staff_added("s3"), staff_left("s1")):
        outcome = step(approval, event)
        approval = keep(outcome.approval, outcome.changes)
    outcome = advance(approval, date(2027, 1, 4), NOW)  # reminder, deadline, lapse
    approval = keep(outcome.approval, outcome.changes)
    outcome = step(approval, report(date(2026, 12, 20), date(2027, 1, 8)))  # in time, arriving late
    approval = keep(outcome.approval, outcome.changes)
    outcome = step(approval, revoked(REVOKED_ON))
    keep(outcome.approval, outcome.changes)
    return changes


def test_the_life_goes_through_every_change() -> None:
    assert [c.change for c in life()] == [
        ApprovalChange.GRANTED,
        ApprovalChange.STAFF_ADDED,
        ApprovalChange.STAFF_REMOVED,
        ApprovalChange.REMINDER_DUE,
        ApprovalChange.DEADLINE_NEAR,
        ApprovalChange.LAPSED,
        ApprovalChange.RENEWED,
        ApprovalChange.REVOKED,
    ]
    assert set(ApprovalChange) == {c.change for c in life()}


@pytest.mark.parametrize("change", list(ApprovalChange))
def test_every_change_carries_the_organisation_kind_from_the_grant(change: ApprovalChange) -> None:
    [event] = [c for c in life() if c.change is change]
    assert event.organisation_kind is SUPERVISING


def test_a_grant_without_a_kind_publishes_none() -> None:
    assert {c.organisation_kind for c in life(kind=None)} == {None}


def test_an_approval_stored_before_the_kind_was_kept_still_loads_and_publishes_none() -> None:
    step_one = step(None, granted(date(2026, 1, 4), kind=SUPERVISING)).approval
    assert step_one is not None
    stored = step_one.model_dump(mode="json")
    for added_later in ("organisation_kind", "revoked_on", "departures"):
        del stored[added_later]
    old = Approval.model_validate(stored)
    outcome = step(old, staff_added("s3"))
    assert [c.organisation_kind for c in outcome.changes] == [None]


def test_the_revocation_carries_its_date_and_no_earlier_change_has_one() -> None:
    *before, revocation = life()
    assert revocation.revoked_on == REVOKED_ON
    assert {c.revoked_on for c in before} == {None}


def test_every_change_after_a_departure_carries_it() -> None:
    changes = life()
    removal = next(i for i, c in enumerate(changes) if c.change is ApprovalChange.STAFF_REMOVED)
    assert {c.departures for c in changes[:removal]} == {()}
    assert {tuple(d.staff_id for d in c.departures) for c in changes[removal:]} == {("s1",)}


def test_a_revoked_approval_keeps_its_revocation_date() -> None:
    granted_approval = step(None, granted(date(2026, 1, 4))).approval
    revoked_approval = step(granted_approval, revoked(REVOKED_ON)).approval
    assert revoked_approval is not None
    assert revoked_approval.revoked_on == REVOKED_ON
    assert step(revoked_approval, revoked(date(2028, 4, 1))).approval == revoked_approval
