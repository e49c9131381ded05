"""End to end: an early event is kept through a crash of the service process, and applied after it.

A decision reaches intake before the application's submission. The first process
parks it and commits its offset, so from then on only intake's database holds it
(Kafka will not hand it over again); the process is then SIGKILLed. A second process, started normally, gets the
submission and the assessment, and applies the parked decision once the
application is under examination: the status changes come out as they would have
in order, and nothing is dead-lettered.
"""

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from pymongo.asynchronous.database import AsyncDatabase

from chassis.delivery import group_id
from chassis.kafka_security import client_options
from contracts.eligibility import ApplicationAssessed
from contracts.examination import DecisionMade, Outcome
from contracts.intake import ApplicationStatusChanged
from contracts.topics import (
    ELIGIBILITY_APPLICATION_ASSESSED,
    EXAMINATION_DECISION_MADE,
    INTAKE_APPLICATION_STATUS_CHANGED,
    PORTAL_APPLICATION_SUBMITTED,
)
from services.intake.domain.numbering import application_id_for
from tests.integration.intake.builders import SUBMITTED_AT, an_application
from tests.integration.intake.support import (
    Offsets,
    end_offsets,
    header,
    intake_settings,
    keyed,
    name_of,
    private,
    private_topics,
    publish,
    read_after,
)
from tests.integration.kafka_helpers import eventually
from tests.servers import Servers

from .test_crash_between_store_and_publish import client_of, free_port, kill, service_env, service_process


async def test_a_decision_parked_before_a_crash_is_applied_after_the_restart(
    kafka: str, servers: Servers, database: AsyncDatabase[dict[str, Any]], tmp_path: Path
) -> None:
    settings = intake_settings(kafka, servers.mongodb_uri, database.name)
    submission_id = f"sub-{uuid.uuid4().hex[:8]}"
    app_id = application_id_for(submission_id, "staff-1")
    decided = private(settings, EXAMINATION_DECISION_MADE)
    decision = DecisionMade(
        application_id=app_id,
        receipt_number="ON-2026-000000001-00",
        outcome=Outcome.GRANTED,
        decided_on=date(2026, 3, 10),
        receipt_method="post",
    )
    assessment = ApplicationAssessed(
        application_id=app_id,
        eligible=True,
        ruleset_version="test",
        rules_date=date(2026, 3, 2),
        assessed_at=SUBMITTED_AT + timedelta(hours=1),
    )
    port = free_port()
    env = service_env(settings, port)

    async with private_topics(settings):
        letters_from = await end_offsets(kafka, decided.dlq)
        changes_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_STATUS_CHANGED).name)
        with service_process(settings, env, tmp_path / "first.log") as doomed:
            async with client_of(port):
                await publish(kafka, [(decided, decision, f"{app_id}-g1")])
                await eventually(lambda: parked(database, 1), timeout=30)
                after_decision = await end_offsets(kafka, decided.name)
                group = group_id(name_of(settings), decided)
                await eventually(lambda: committed(kafka, group, after_decision), timeout=30)
                kill(doomed)

        with service_process(settings, env, tmp_path / "second.log"):
            async with client_of(port):
                await publish(
                    kafka,
                    [
                        (private(settings, PORTAL_APPLICATION_SUBMITTED), an_application(submission_id), "e2e-sub"),
                        (private(settings, ELIGIBILITY_APPLICATION_ASSESSED), assessment, "e2e-a1"),
                    ],
                )
                changes = await read_after(kafka, changes_from, keyed(app_id), 4, timeout=60, settle=1.0)
                await eventually(lambda: parked(database, 0), timeout=20)
        letters = await end_offsets(kafka, decided.dlq)

    values = [ApplicationStatusChanged.model_validate_json(r.value) for r in changes]
    assert [(v.revision, v.status.value) for v in values] == list(
        enumerate(["submitted", "accepted", "under_examination", "granted"], start=1)
    )
    assert header(changes[-1], "ce_causationid") == f"{app_id}-g1"
    assert letters == letters_from


async def committed(kafka: str, group: str, offsets: Offsets) -> bool:
    """Whether the consumer group has committed past `offsets`: Kafka will not hand those records over again."""
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=kafka)
    await admin.start()
    try:
        found = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return all(p in found and found[p].offset >= offset for p, offset in offsets.items() if offset > 0)


async def parked(database: AsyncDatabase[dict[str, Any]], count: int) -> bool:
    return await database.parked_records.count_documents({}) == count
