"""Across services: a lapse that reporting schedules refuses the organisation's next online filing."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from contracts.application import Application, FilerCategory, Procedure
from contracts.calendar import JST
from contracts.organisations import ApprovalGranted, OrganisationKind, StaffMember
from contracts.topics import BUREAU_APPROVAL_GRANTED
from tests.e2e.approvals_and_filings import at, reporting_and_eligibility
from tests.unit.eligibility.factories import ACME, STAFF_ID, attachments_for, baseline, changed

GRANTED_ON = date(2025, 1, 10)  # before 2026-01-05: one year, so it expires on 2026-01-10
LAST_VALID_DAY = date(2026, 1, 9)
STAFF = FilerCategory.ORGANISATION_STAFF


def grant() -> ApprovalGranted:
    staff = StaffMember(
        staff_id=STAFF_ID[STAFF],
        name="担当 太郎",
        email="tanto@acme.example.jp",
        intermediary=True,
        intermediary_valid_until=date(2027, 3, 31),
    )
    return ApprovalGranted(
        approval_id="approval-acme",
        organisation_id=ACME,
        category=STAFF,
        approved_on=GRANTED_ON,
        staff=(staff,),
        organisation_kind=OrganisationKind.OTHER,
    )


async def test_a_lapse_scheduled_by_reporting_refuses_the_next_filing(
    kafka: str, database: AsyncDatabase[dict[str, Any]]
) -> None:
    async with reporting_and_eligibility(kafka, database, date(2025, 6, 2)) as both:
        await both.send(BUREAU_APPROVAL_GRANTED, grant())
        await both.changes(1)
        await both.projected(1)
        await both.file("app-before", at(baseline(STAFF), datetime(2025, 6, 2, 1, 30, tzinfo=UTC)))

        both.clock.set(datetime.combine(date(2026, 1, 10), time(12), tzinfo=JST))
        assert await both.changes(4) == ["granted", "reminder_due", "deadline_near", "lapsed"]
        await both.projected(1, showing="lapsed")
        await both.file("app-after", at(baseline(STAFF), datetime(2026, 1, 12, 1, 30, tzinfo=UTC)))
        decisions = await both.decisions(2)

    assert decisions["app-before"].eligible
    refused = decisions["app-after"]
    assert not refused.eligible
    assert "approval_not_in_force" in {r.code for r in refused.reasons}


def extension_filed_on(day: date, at_hour: int) -> Application:
    """The baseline extension, moved to `day` (a stay expiring within its filing window then)."""
    application = changed(
        baseline(STAFF),
        applicant={"stay_expires_on": day + timedelta(days=60)},
        form={"attachments": attachments_for(STAFF, Procedure.EXTENSION_OF_STAY, on=day)},
    )
    return at(application, datetime.combine(day, time(at_hour), tzinfo=JST))


async def test_a_filing_dated_on_the_last_valid_day_and_assessed_after_the_lapse_is_accepted(
    kafka: str, database: AsyncDatabase[dict[str, Any]]
) -> None:
    async with reporting_and_eligibility(kafka, database, date(2025, 6, 2)) as both:
        await both.send(BUREAU_APPROVAL_GRANTED, grant())
        both.clock.set(datetime.combine(date(2026, 1, 10), time(0, 5), tzinfo=JST))
        assert (await both.changes(4))[-1] == "lapsed"
        await both.projected(1, showing="lapsed")
        # Filed at 23:00 JST on the last valid day, reaching eligibility only after the lapse.
        await both.file("app-last-day", extension_filed_on(LAST_VALID_DAY, 23))
        await both.file("app-expiry-day", extension_filed_on(date(2026, 1, 10), 9))
        decisions = await both.decisions(2)

    accepted, refused = decisions["app-last-day"], decisions["app-expiry-day"]
    assert accepted.eligible, [r.code for r in accepted.reasons]
    assert [r.code for r in refused.reasons] == ["approval_not_in_force"]
