"""Across services: a lapse that reporting schedules refuses the organisation's next online filing.

Reporting and eligibility run together on the real broker and database, on their own
copies of the topics (a prefix), so nothing else on the broker reaches them.
"""

import json
from datetime import UTC, date, datetime, time
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import FixedClock
from chassis.settings import DeliverySettings
from contracts.application import FilerCategory
from contracts.calendar import JST
from contracts.eligibility import ApplicationAssessed
from contracts.intake import ApplicationReceived, Channel
from contracts.organisations import ApprovalGranted, OrganisationKind, StaffMember
from contracts.topics import (
    BUREAU_APPROVAL_GRANTED,
    ELIGIBILITY_APPLICATION_ASSESSED,
    INTAKE_APPLICATION_RECEIVED,
    REPORTING_APPROVAL_CHANGED,
)
from services.eligibility.app import build as build_eligibility
from services.eligibility.settings import EligibilitySettings
from services.reporting.app import build as build_reporting
from services.reporting.settings import ReportingSettings
from tests.integration.kafka_helpers import cloudevent, consume, create_topics, eventually, produce
from tests.integration.reporting.reporting_harness import create_reporting_topics, delete_reporting_topics, noon
from tests.running import running
from tests.unit.eligibility.factories import ACME, STAFF_ID, baseline

FAST = DeliverySettings(batch_timeout_ms=20, retry_backoff_ms=20, retry_backoff_max_ms=200)
GRANTED_ON = date(2025, 1, 10)  # before 2026-01-05: one year, so it expires on 2026-01-10


def received(application_id: str, filed_at: datetime) -> ApplicationReceived:
    application = baseline(FilerCategory.ORGANISATION_STAFF).model_copy(update={"submitted_at": filed_at})
    return ApplicationReceived(
        application_id=application_id,
        provisional_number=f"P-{application_id}",
        channel=Channel.KAFKA,
        received_at=filed_at,
        application=application,
    )


async def test_a_lapse_scheduled_by_reporting_refuses_the_next_filing(
    kafka: str, database: AsyncDatabase[dict[str, Any]]
) -> None:
    prefix = await create_reporting_topics(kafka)
    topic = {t.name: t for t in (INTAKE_APPLICATION_RECEIVED, ELIGIBILITY_APPLICATION_ASSESSED)}
    await create_topics(kafka, [prefix + n for name in topic for n in (name, name + ".dlq")], partitions=1)
    uri = "mongodb://127.0.0.1:27017/?directConnection=true"
    clock = FixedClock(noon(date(2025, 6, 2)))
    reporting = build_reporting(
        ReportingSettings(
            kafka_bootstrap_servers=kafka,
            mongodb_uri=uri,
            mongodb_database=database.name,
            schedule_interval_seconds=0.1,
            delivery=FAST,
        ),
        clock=clock,
        name=f"reporting-{prefix[:-1]}",
        topic_prefix=prefix,
    )
    eligibility = build_eligibility(
        EligibilitySettings(
            kafka_bootstrap_servers=kafka, mongodb_uri=uri, mongodb_database=database.name + "_e", delivery=FAST
        ),
        name=f"eligibility-{prefix[:-1]}",
        topic_prefix=prefix,
    )
    renamed = {
        t: t.prefixed(prefix)
        for t in (
            BUREAU_APPROVAL_GRANTED,
            INTAKE_APPLICATION_RECEIVED,
            ELIGIBILITY_APPLICATION_ASSESSED,
            REPORTING_APPROVAL_CHANGED,
        )
    }
    staff = StaffMember(
        staff_id=STAFF_ID[FilerCategory.ORGANISATION_STAFF],
        name="担当 太郎",
        email="tanto@acme.example.jp",
        intermediary=True,
        intermediary_valid_until=date(2027, 3, 31),
    )
    grant = ApprovalGranted(
        approval_id="approval-acme",
        organisation_id=ACME,
        category=FilerCategory.ORGANISATION_STAFF,
        approved_on=GRANTED_ON,
        staff=(staff,),
        organisation_kind=OrganisationKind.OTHER,
    )
    try:
        async with running(reporting), running(eligibility):
            await produce(kafka, [cloudevent(renamed[BUREAU_APPROVAL_GRANTED], grant)])
            await consume(kafka, renamed[REPORTING_APPROVAL_CHANGED].name, 1)

            before = datetime(2025, 6, 2, 1, 30, tzinfo=UTC)
            await eventually(lambda: _projected(eligibility.database))
            await produce(kafka, [cloudevent(renamed[INTAKE_APPLICATION_RECEIVED], received("app-before", before))])

            clock.set(datetime.combine(date(2026, 1, 10), time(12), tzinfo=JST))
            changes = await consume(kafka, renamed[REPORTING_APPROVAL_CHANGED].name, 4)
            assert [json.loads(c.value)["change"] for c in changes] == [
                "granted",
                "reminder_due",
                "deadline_near",
                "lapsed",
            ]

            after = datetime(2026, 1, 12, 1, 30, tzinfo=UTC)
            await eventually(lambda: _lapsed(eligibility.database))
            await produce(kafka, [cloudevent(renamed[INTAKE_APPLICATION_RECEIVED], received("app-after", after))])
            decisions = {
                d.application_id: d
                for d in (
                    ApplicationAssessed.model_validate_json(r.value)
                    for r in await consume(kafka, renamed[ELIGIBILITY_APPLICATION_ASSESSED].name, 2)
                )
            }
    finally:
        await delete_reporting_topics(kafka, prefix)

    assert decisions["app-before"].eligible
    refused = decisions["app-after"]
    assert not refused.eligible
    assert "approval_not_in_force" in {r.code for r in refused.reasons}


async def _projected(database: AsyncDatabase[dict[str, Any]]) -> bool:
    return await database["approvals"].count_documents({}) > 0


async def _lapsed(database: AsyncDatabase[dict[str, Any]]) -> bool:
    async for document in database["approvals"].find({}):
        if "lapsed" in str(document):
            return True
    return False
