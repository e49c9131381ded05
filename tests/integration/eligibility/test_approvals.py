"""Reporting's approval changes reach eligibility's projection and decide the very next filing."""

import json

from contracts.application import FilerCategory
from contracts.organisations import ApprovalChange, ApprovalState, StaffMember
from contracts.topics import ELIGIBILITY_APPLICATION_ASSESSED, REPORTING_APPROVAL_CHANGED
from tests.integration.kafka_helpers import cloudevent
from tests.unit.eligibility.factories import STAFF_ID, baseline, changed
from tests.unit.eligibility.service_fakes import approval_changed

from .harness import Harness, arrival, unique

STAFF = FilerCategory.ORGANISATION_STAFF
APPROVAL = f"approval-{STAFF.value}"
LEAVER = "acme-staff-2"


async def decide(eligibility: Harness, filer_id: str) -> dict[str, object]:
    application_id = unique("app")
    application = changed(baseline(STAFF), filer={"filer_id": filer_id})
    since = await eligibility.ends(ELIGIBILITY_APPLICATION_ASSESSED.name)
    await eligibility.send(arrival(application, application_id))
    [record] = await eligibility.read(since, [application_id], 1)
    decision: dict[str, object] = json.loads(record.value)
    return decision


def codes(decision: dict[str, object]) -> list[str]:
    return [reason["code"] for reason in decision["reasons"]]  # type: ignore[attr-defined]


async def project(eligibility: Harness, revision: int, **changes: object) -> None:
    await eligibility.send(cloudevent(REPORTING_APPROVAL_CHANGED, approval_changed(revision, **changes)))
    await eligibility.projected(APPROVAL, revision)


async def test_an_approval_lapse_refuses_the_next_filing_of_the_organisations_staff(eligibility: Harness) -> None:
    async with eligibility.running():
        await project(eligibility, 1)
        before = await decide(eligibility, STAFF_ID[STAFF])
        await project(eligibility, 2, change=ApprovalChange.LAPSED, state=ApprovalState.LAPSED)
        after = await decide(eligibility, STAFF_ID[STAFF])

    assert before["eligible"] is True, codes(before)
    assert after["eligible"] is False
    assert codes(after) == ["approval_not_in_force"]


async def test_a_departed_staff_member_may_not_file_while_colleagues_still_may(eligibility: Harness) -> None:
    stays = approval_changed(1).staff[0]
    leaves = StaffMember(staff_id=LEAVER, name="Leaver", email="leaver@acme.example.jp", intermediary=True)
    async with eligibility.running():
        await project(eligibility, 1, staff=(stays, leaves))
        await project(eligibility, 2, change=ApprovalChange.STAFF_REMOVED, staff=(stays,), removed_staff_ids=(LEAVER,))
        leaver, colleague = await decide(eligibility, LEAVER), await decide(eligibility, STAFF_ID[STAFF])

    assert codes(leaver) == ["staff_removed"]
    assert colleague["eligible"] is True, codes(colleague)
