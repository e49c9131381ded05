"""Across services: a submission dated before the first rule set still reaches a final state.

Intake and eligibility run together on the real broker and database, on their own
copies of the topics (a prefix). Intake's clock is set to March 2022, so that a filing
time before the first rule set (2022-03-14) is inside its filing window, as it was for
a portal publishing on time then.
"""

import uuid
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import FixedClock
from contracts.calendar import JST
from contracts.intake import ApplicationNotEligible
from contracts.topics import (
    CATALOGUE,
    INTAKE_APPLICATION_NOT_ELIGIBLE,
    INTAKE_APPLICATION_RECEIVED,
    PORTAL_APPLICATION_SUBMITTED,
)
from services.eligibility.app import build as build_eligibility
from services.eligibility.settings import EligibilitySettings
from services.intake.app import build as build_intake
from services.intake.domain.numbering import application_id_for
from services.intake.settings import IntakeSettings
from tests.integration.fast_delivery import FAST_DELIVERY
from tests.integration.intake.builders import an_application
from tests.integration.intake.support import SECRET
from tests.integration.kafka_helpers import cloudevent, consume, create_topics, delete_topics, eventually, produce
from tests.running import running

INTAKE_NOW = datetime(2022, 3, 15, 12, 0, tzinfo=JST)
FILED_AT = datetime(2022, 3, 13, 10, 0, tzinfo=JST)  # two days earlier: no rule set yet


async def test_a_submission_filed_before_any_rule_set_ends_not_eligible_for_no_rules_in_force(
    kafka: str, mongodb_uri: str, database: AsyncDatabase[dict[str, Any]]
) -> None:
    run = uuid.uuid4().hex[:8]
    prefix = f"e2e-{run}."
    names = [name for topic in CATALOGUE for name in (topic.prefixed(prefix).name, topic.prefixed(prefix).dlq)]
    await create_topics(kafka, names, partitions=1)
    intake = build_intake(
        IntakeSettings(
            kafka_bootstrap_servers=kafka,
            mongodb_uri=mongodb_uri,
            mongodb_database=database.name,
            jwt_secret=SECRET,
            delivery=FAST_DELIVERY,
        ),
        clock=FixedClock(INTAKE_NOW),
        name=f"intake-{run}",
        topic_prefix=prefix,
    )
    eligibility = build_eligibility(
        EligibilitySettings(
            kafka_bootstrap_servers=kafka,
            mongodb_uri=mongodb_uri,
            mongodb_database=database.name + "_e",
            delivery=FAST_DELIVERY,
        ),
        name=f"eligibility-{run}",
        topic_prefix=prefix,
    )
    submission_id = f"early-{run}"
    application_id = application_id_for(submission_id, "staff-1")
    submitted = an_application(submission_id).model_copy(update={"submitted_at": FILED_AT})
    try:
        async with running(intake), running(eligibility):
            await produce(kafka, [cloudevent(PORTAL_APPLICATION_SUBMITTED.prefixed(prefix), submitted)])
            [record] = await consume(kafka, INTAKE_APPLICATION_NOT_ELIGIBLE.prefixed(prefix).name, 1, timeout=60)
            await eventually(lambda: _status_is(database, application_id, "not_eligible"))
            received_letters = await consume(kafka, INTAKE_APPLICATION_RECEIVED.prefixed(prefix).dlq, 0)
    finally:
        await delete_topics(kafka, names)
        await database.client.drop_database(database.name + "_e")

    not_eligible = ApplicationNotEligible.model_validate_json(record.value)
    assert not_eligible.application_id == application_id
    [reason] = not_eligible.reasons
    assert reason.code == "no_rules_in_force"
    assert "2022-03-13" in reason.message_en
    assert "2022-03-13" in reason.message_ja
    assert received_letters == []


async def _status_is(database: AsyncDatabase[dict[str, Any]], application_id: str, status: str) -> bool:
    document = await database.applications.find_one({"_id": application_id})
    return document is not None and document["status"] == status
