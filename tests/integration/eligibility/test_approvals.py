"""Reporting's approval changes reach eligibility's projection and decide the very next filing."""

import json
from datetime import date, datetime, time, timedelta

from contracts.application import FilerCategory
from contracts.calendar import JST
from contracts.organisations import ApprovalChange, ApprovalState, StaffDeparture, StaffMember
from contracts.topics import ELIGIBILITY_APPLICATION_ASSESSED, REPORTING_APPROVAL_CHANGED
from tests.unit.eligibility.factories import FILING_DATE, STAFF_ID, baseline, changed
from tests.unit.eligibility.service_fakes import approval_changed

from .harness import Harness, unique

STAFF = FilerCategory.ORGANISATION_STAFF
APPROVAL = f"approval-{STAFF.value}"
LEAVER = "acme-staff-2"


async def decide(eligibility: Harness, filer_id: str, filed_at: datetime | None = None) -> dict[str, object]:
    application_id = unique("app")
    application = changed(baseline(STAFF), filer={"filer_id": filer_id})
    if filed_at is not None:
        application = application.model_copy(update={"submitted_at": filed_at})
    since = await eligibility.ends(ELIGIBILITY_APPLICATION_ASSESSED)
    await eligibility.send(eligibility.arrival(application, application_id))
    [record] = await eligibility.read(since, [application_id], 1)
    decision: dict[str, object] = json.loads(record.value)
    return decision


def _evening(day: date) -> datetime:
    return datetime.combine(day, time(23, 30), tzinfo=JST)


def codes(decision: dict[str, object]) -> list[str]:
    return [reason["code"] for reason in decision["reasons"]]  # type: ignore[attr-defined]


async def project(eligibility: Harness, revision: int, **changes: object) -> None:
    await eligibility.send(eligibility.event(REPORTING_APPROVAL_CHANGED, approval_changed(revision, **changes)))
    await eligibility.projected(APPROVAL, revision)


async def test_a_lapse_projected_first_still_admits_a_filing_dated_on_the_last_valid_day(eligibility: Harness) -> None:
    # Reporting lapses the approval on its expiry date, FILING_DATE + 1; a filing of the evening
    # before is assessed after that (a backlog across midnight in Japan).
    expiry = {"valid_until": FILING_DATE + timedelta(days=1)}
    async with eligibility.running():
        await project(eligibility, 1, **expiry)
        await project(eligibility, 2, change=ApprovalChange.LAPSED, state=ApprovalState.LAPSED, **expiry)
        last_day = await decide(eligibility, STAFF_ID[STAFF], filed_at=_evening(FILING_DATE))
        expiry_day = await decide(eligibility, STAFF_ID[STAFF], filed_at=_evening(FILING_DATE + timedelta(days=1)))

    assert last_day["eligible"] is True, codes(last_day)
    assert codes(expiry_day) == ["approval_not_in_force"]


async def test_a_revocation_refuses_the_next_filing_dated_from_its_date(eligibility: Harness) -> None:
    async with eligibility.running():
        await project(eligibility, 1)
        before = await decide(eligibility, STAFF_ID[STAFF])
        revoked = {"state": ApprovalState.REVOKED, "revoked_on": FILING_DATE}
        await project(eligibility, 2, change=ApprovalChange.REVOKED, **revoked)
        after = await decide(eligibility, STAFF_ID[STAFF])

    assert before["eligible"] is True, codes(before)
    assert codes(after) == ["approval_not_in_force"]


async def test_a_departed_staff_member_may_not_file_while_colleagues_still_may(eligibility: Harness) -> None:
    stays = approval_changed(1).staff[0]
    leaves = StaffMember(staff_id=LEAVER, name="Leaver", email="leaver@acme.example.jp", intermediary=True)
    departure = StaffDeparture(staff_id=LEAVER, left_on=FILING_DATE, intermediary=True)
    removed = {"staff": (stays,), "removed_staff_ids": (LEAVER,), "departures": (departure,)}
    async with eligibility.running():
        await project(eligibility, 1, staff=(stays, leaves))
        await project(eligibility, 2, change=ApprovalChange.STAFF_REMOVED, **removed)
        leaver, colleague = await decide(eligibility, LEAVER), await decide(eligibility, STAFF_ID[STAFF])
        before_leaving = await decide(eligibility, LEAVER, filed_at=_evening(FILING_DATE - timedelta(days=1)))

    assert codes(leaver) == ["staff_removed"]
    assert colleague["eligible"] is True, codes(colleague)
    assert before_leaving["eligible"] is True, codes(before_leaving)
