"""Across services: the bureau's grant decides who may file supervised technical intern training.

Only the supervising body's (監理団体) staff may file it, never the implementing organisation's
(実習実施者). Eligibility knows the kind only from reporting's `ApprovalChanged`, so the kind
the bureau granted must travel through reporting.
"""

from datetime import date
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from contracts.application import Application, FilerCategory, StatusOfResidence
from contracts.organisations import ApprovalGranted, OrganisationKind, StaffMember
from contracts.topics import BUREAU_APPROVAL_GRANTED
from tests.e2e.approvals_and_filings import reporting_and_eligibility
from tests.unit.eligibility.factories import ACME, FILING_DATE, STAFF_ID, baseline, changed

STAFF = FilerCategory.ORGANISATION_STAFF
SUPERVISING_BODY = ACME
IMPLEMENTING = "org-implementing"
IMPLEMENTING_STAFF = "implementing-staff-1"


def grant(organisation_id: str, staff_id: str, kind: OrganisationKind) -> ApprovalGranted:
    member = StaffMember(
        staff_id=staff_id,
        name="担当 花子",
        email=f"{staff_id}@example.jp",
        intermediary=True,
        intermediary_valid_until=date(2027, 3, 31),
    )
    return ApprovalGranted(
        approval_id=f"approval-{organisation_id}",
        organisation_id=organisation_id,
        category=STAFF,
        approved_on=date(2025, 1, 10),
        staff=(member,),
        organisation_kind=kind,
    )


def supervised_training_filed_by(organisation_id: str, staff_id: str) -> Application:
    """An extension for a supervised technical intern, filed by the organisation's staff for itself."""
    return changed(
        baseline(STAFF),
        filer={"filer_id": staff_id, "organisation_id": organisation_id},
        applicant={"current_status": StatusOfResidence(code="technical_intern_training", subtype="supervised")},
        form={"receiving_organisation_id": organisation_id},
    )


async def test_supervised_training_is_accepted_from_the_supervising_body_and_refused_from_the_implementer(
    kafka: str, database: AsyncDatabase[dict[str, Any]]
) -> None:
    async with reporting_and_eligibility(kafka, database, FILING_DATE) as both:
        await both.send(
            BUREAU_APPROVAL_GRANTED,
            grant(SUPERVISING_BODY, STAFF_ID[STAFF], OrganisationKind.SUPERVISING_BODY),
            grant(IMPLEMENTING, IMPLEMENTING_STAFF, OrganisationKind.IMPLEMENTING_ORGANISATION),
        )
        await both.projected(2)
        await both.file("app-supervising", supervised_training_filed_by(SUPERVISING_BODY, STAFF_ID[STAFF]))
        await both.file("app-implementing", supervised_training_filed_by(IMPLEMENTING, IMPLEMENTING_STAFF))
        decisions = await both.decisions(2)

    accepted, refused = decisions["app-supervising"], decisions["app-implementing"]
    assert accepted.eligible, [r.code for r in accepted.reasons]
    assert not refused.eligible
    assert [r.code for r in refused.reasons] == ["organisation_kind_not_allowed"]
