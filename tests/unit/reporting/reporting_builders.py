"""Events and approvals for the reporting domain's tests, with only the fields a test cares about."""

from datetime import UTC, date, datetime

from contracts.application import FilerCategory
from contracts.organisations import (
    ApprovalGranted,
    ApprovalRevoked,
    OrganisationKind,
    PeriodicReportAccepted,
    StaffAdded,
    StaffLeft,
    StaffMember,
)
from services.reporting.adapters.validity_file import load_validity
from services.reporting.domain.approval import Approval, Outcome
from services.reporting.domain.approvals import BureauEvent, apply

RULES = load_validity()
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
APPROVAL_ID = "approval-1"
ORGANISATION_ID = "org-1"


def staff(staff_id: str) -> StaffMember:
    return StaffMember(staff_id=staff_id, name=f"Staff {staff_id}", email=f"{staff_id}@example.jp")


def granted(approved_on: date, *staff_ids: str, kind: OrganisationKind | None = None) -> ApprovalGranted:
    return ApprovalGranted(
        approval_id=APPROVAL_ID,
        organisation_id=ORGANISATION_ID,
        category=FilerCategory.ORGANISATION_STAFF,
        approved_on=approved_on,
        staff=tuple(staff(staff_id) for staff_id in staff_ids or ("s1", "s2")),
        organisation_kind=kind,
    )


def report(filed_on: date, accepted_on: date | None = None) -> PeriodicReportAccepted:
    return PeriodicReportAccepted(
        approval_id=APPROVAL_ID,
        organisation_id=ORGANISATION_ID,
        filed_on=filed_on,
        accepted_on=accepted_on or filed_on,
    )


def staff_left(staff_id: str, left_on: date = date(2026, 3, 1)) -> StaffLeft:
    return StaffLeft(approval_id=APPROVAL_ID, organisation_id=ORGANISATION_ID, staff_id=staff_id, left_on=left_on)


def staff_added(staff_id: str, added_on: date = date(2026, 3, 1)) -> StaffAdded:
    return StaffAdded(
        approval_id=APPROVAL_ID, organisation_id=ORGANISATION_ID, staff=staff(staff_id), added_on=added_on
    )


def revoked(revoked_on: date = date(2026, 3, 1)) -> ApprovalRevoked:
    return ApprovalRevoked(approval_id=APPROVAL_ID, organisation_id=ORGANISATION_ID, revoked_on=revoked_on)


def step(approval: Approval | None, event: BureauEvent) -> Outcome:
    return apply(approval, event, NOW, rules=RULES)


def approval_granted_on(approved_on: date, *staff_ids: str) -> Approval:
    outcome = step(None, granted(approved_on, *staff_ids))
    assert outcome.approval is not None
    return outcome.approval
