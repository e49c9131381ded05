"""Bureau events for reporting's integration tests."""

from datetime import date

from contracts.application import FilerCategory
from contracts.organisations import ApprovalGranted, PeriodicReportAccepted, StaffMember
from contracts.topics import BUREAU_APPROVAL_GRANTED, BUREAU_PERIODIC_REPORT_ACCEPTED, Topic


def granted(approval_id: str, approved_on: date) -> tuple[Topic, ApprovalGranted]:
    return BUREAU_APPROVAL_GRANTED, ApprovalGranted(
        approval_id=approval_id,
        organisation_id=f"org-{approval_id}",
        category=FilerCategory.ORGANISATION_STAFF,
        approved_on=approved_on,
        staff=(StaffMember(staff_id=f"{approval_id}-s1", name="Staff One", email="one@example.jp"),),
    )


def report(approval_id: str, filed_on: date, accepted_on: date) -> tuple[Topic, PeriodicReportAccepted]:
    return BUREAU_PERIODIC_REPORT_ACCEPTED, PeriodicReportAccepted(
        approval_id=approval_id, organisation_id=f"org-{approval_id}", filed_on=filed_on, accepted_on=accepted_on
    )
