"""Bureau events for reporting's integration tests."""

from datetime import date

from contracts.application import FilerCategory
from contracts.organisations import ApprovalGranted, PeriodicReportAccepted, StaffAdded, StaffLeft, StaffMember
from contracts.topics import (
    BUREAU_APPROVAL_GRANTED,
    BUREAU_PERIODIC_REPORT_ACCEPTED,
    BUREAU_STAFF_ADDED,
    BUREAU_STAFF_LEFT,
    Topic,
)


def granted(approval_id: str, approved_on: date) -> tuple[Topic, ApprovalGranted]:
    return BUREAU_APPROVAL_GRANTED, ApprovalGranted(
        approval_id=approval_id,
        organisation_id=f"org-{approval_id}",
        category=FilerCategory.ORGANISATION_STAFF,
        approved_on=approved_on,
        staff=(staff(approval_id, "s1"),),
    )


def staff(approval_id: str, member: str) -> StaffMember:
    return StaffMember(staff_id=f"{approval_id}-{member}", name=f"Staff {member}", email=f"{member}@example.jp")


def report(approval_id: str, filed_on: date, accepted_on: date) -> tuple[Topic, PeriodicReportAccepted]:
    return BUREAU_PERIODIC_REPORT_ACCEPTED, PeriodicReportAccepted(
        approval_id=approval_id, organisation_id=f"org-{approval_id}", filed_on=filed_on, accepted_on=accepted_on
    )


def staff_added(approval_id: str, member: str) -> tuple[Topic, StaffAdded]:
    return BUREAU_STAFF_ADDED, StaffAdded(
        approval_id=approval_id,
        organisation_id=f"org-{approval_id}",
        staff=staff(approval_id, member),
        added_on=date(2026, 1, 5),
    )


def staff_left(approval_id: str, member: str) -> tuple[Topic, StaffLeft]:
    return BUREAU_STAFF_LEFT, StaffLeft(
        approval_id=approval_id,
        organisation_id=f"org-{approval_id}",
        staff_id=f"{approval_id}-{member}",
        left_on=date(2026, 1, 5),
    )
