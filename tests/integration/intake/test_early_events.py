"""On the real servers: events that come before what they need wait for it, and are then applied as if in order.

Upstream systems publish on their own topics, so a decision can reach intake before
the submission is stored, or while the application is still only submitted. Such
an event is parked (in intake's own database, `parked_records`), its neighbours go
on, and once the application got where the event needs it, the event moves it:
no dead letter, no "ignored" note, the same status changes as in order.
"""

import uuid
from datetime import date, timedelta
from typing import Any

from aiokafka import ConsumerRecord
from pymongo.asynchronous.database import AsyncDatabase

from contracts.examination import DecisionMade, DocumentsSubmitted, Outcome, ResultDelivered
from contracts.intake import ApplicationStatusChanged
from contracts.topics import (
    ELIGIBILITY_APPLICATION_ASSESSED,
    EXAMINATION_DECISION_MADE,
    EXAMINATION_DOCUMENTS_SUBMITTED,
    EXAMINATION_RESULT_DELIVERED,
    INTAKE_APPLICATION_STATUS_CHANGED,
    PORTAL_APPLICATION_SUBMITTED,
    Topic,
)
from services.intake.domain.numbering import application_id_for
from services.intake.settings import IntakeSettings
from tests.integration.kafka_helpers import eventually
from tests.running import running

from .builders import SUBMITTED_AT, an_application
from .support import Offsets, end_offsets, header, isolated, keyed, private, publish, read_after
from .test_status_journey import assessed, notes, provisional_number, status_becomes

CONSUMED = (
    PORTAL_APPLICATION_SUBMITTED,
    ELIGIBILITY_APPLICATION_ASSESSED,
    EXAMINATION_DECISION_MADE,
    EXAMINATION_DOCUMENTS_SUBMITTED,
    EXAMINATION_RESULT_DELIVERED,
)
RELEASED = 20.0
"""Ample for a parked chain to be released once its application is stored: a parked record comes back
0.5 s after it was parked, then after waits doubling up to 10 s, and at the next round (0.5 s) once
another event of its application was handled; these records have waited a few seconds at most."""


def granted(application_id: str) -> DecisionMade:
    return DecisionMade(
        application_id=application_id,
        receipt_number="ON-2026-000000001-00",
        outcome=Outcome.GRANTED,
        decided_on=date(2026, 3, 10),
        receipt_method="post",
    )


async def dead_letter_ends(kafka: str, settings: IntakeSettings) -> list[Offsets]:
    return [await end_offsets(kafka, private(settings, topic).dlq) for topic in CONSUMED]


async def parked(database: AsyncDatabase[dict[str, Any]]) -> list[dict[str, Any]]:
    return await database.parked_records.find({}).to_list()


def statuses(changes: list[ConsumerRecord[bytes, bytes]]) -> list[tuple[int, str]]:
    values = [ApplicationStatusChanged.model_validate_json(r.value) for r in changes]
    return [(v.revision, v.status.value) for v in values]


async def test_a_decision_and_a_delivery_published_before_the_submission_wait_and_the_application_ends_closed(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    submission_id = f"sub-{uuid.uuid4().hex[:8]}"
    app_id = application_id_for(submission_id, "staff-1")
    letters_before = await dead_letter_ends(kafka, settings)
    changes_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_STATUS_CHANGED).name)
    delivered = ResultDelivered(application_id=app_id, delivered_on=date(2026, 3, 14))

    async with running(await isolated(settings)) as client:
        await publish(
            kafka,
            [
                (private(settings, EXAMINATION_DECISION_MADE), granted(app_id), f"{app_id}-g1"),
                (private(settings, EXAMINATION_RESULT_DELIVERED), delivered, f"{app_id}-r1"),
            ],
        )
        await eventually(lambda: _count(database, 2), timeout=20)
        waiting = {doc["waits_for"] for doc in await parked(database)}
        await publish(
            kafka,
            [
                (private(settings, PORTAL_APPLICATION_SUBMITTED), an_application(submission_id), f"{app_id}-sub"),
                (private(settings, ELIGIBILITY_APPLICATION_ASSESSED), assessed(app_id, True, 1), f"{app_id}-a1"),
            ],
        )
        number = await provisional_number(database, app_id)
        final = await status_becomes(client, number, "closed", timeout=RELEASED)
        changes = await read_after(kafka, changes_from, keyed(app_id), 6, settle=1.0)
        await eventually(lambda: _count(database, 0), timeout=10)

    assert waiting == {f"application {app_id} not stored yet"}
    assert statuses(changes) == list(
        enumerate(["submitted", "accepted", "under_examination", "granted", "delivered", "closed"], start=1)
    )
    assert [entry["note"] for entry in final["timeline"] if entry["status"] is None] == []
    assert await dead_letter_ends(kafka, settings) == letters_before


async def test_an_assessment_parked_after_the_decision_and_the_delivery_that_need_it_is_still_applied_first(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    """The assessment comes before the submission too, so it is parked behind the events that wait for it."""
    submission_id = f"sub-{uuid.uuid4().hex[:8]}"
    app_id = application_id_for(submission_id, "staff-1")
    letters_before = await dead_letter_ends(kafka, settings)
    changes_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_STATUS_CHANGED).name)
    delivered = ResultDelivered(application_id=app_id, delivered_on=date(2026, 3, 14))

    async def send(topic: Topic, data: Any, event_id: str) -> None:
        await publish(kafka, [(private(settings, topic), data, f"{app_id}-{event_id}")])

    async with running(await isolated(settings)) as client:
        await send(EXAMINATION_DECISION_MADE, granted(app_id), "g1")
        await send(EXAMINATION_RESULT_DELIVERED, delivered, "r1")
        await eventually(lambda: _count(database, 2), timeout=20)
        await send(ELIGIBILITY_APPLICATION_ASSESSED, assessed(app_id, True, 1), "a1")
        await eventually(lambda: _count(database, 3), timeout=20)
        await send(PORTAL_APPLICATION_SUBMITTED, an_application(submission_id), "sub")
        number = await provisional_number(database, app_id)
        final = await status_becomes(client, number, "closed", timeout=RELEASED)
        changes = await read_after(kafka, changes_from, keyed(app_id), 6, settle=1.0)
        await eventually(lambda: _count(database, 0), timeout=10)

    assert statuses(changes) == list(
        enumerate(["submitted", "accepted", "under_examination", "granted", "delivered", "closed"], start=1)
    )
    assert [header(change, "ce_causationid") for change in changes[1:]] == [
        f"{app_id}-{e}" for e in ["a1", "a1", "g1", "r1", "r1"]
    ]
    assert [entry["note"] for entry in final["timeline"] if entry["status"] is None] == []
    assert await dead_letter_ends(kafka, settings) == letters_before


async def test_a_decision_that_arrives_while_the_application_is_only_submitted_is_applied_after_the_acceptance(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    submission_id = f"sub-{uuid.uuid4().hex[:8]}"
    app_id = application_id_for(submission_id, "staff-1")
    letters_before = await dead_letter_ends(kafka, settings)
    changes_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_STATUS_CHANGED).name)

    async def send(topic: Topic, data: Any, event_id: str) -> None:
        await publish(kafka, [(private(settings, topic), data, f"{app_id}-{event_id}")])

    async with running(await isolated(settings)) as client:
        await send(PORTAL_APPLICATION_SUBMITTED, an_application(submission_id), "sub")
        number = await provisional_number(database, app_id)
        await status_becomes(client, number, "submitted")
        await send(EXAMINATION_DECISION_MADE, granted(app_id), "g1")
        await eventually(lambda: _count(database, 1), timeout=20)
        [waiting] = await parked(database)
        before = await status_becomes(client, number, "submitted")
        await send(ELIGIBILITY_APPLICATION_ASSESSED, assessed(app_id, True, 1), "a1")
        await status_becomes(client, number, "granted", timeout=RELEASED)
        # Documents submitted after the decision can never apply: ignored at once, never parked.
        late = DocumentsSubmitted(application_id=app_id, submitted_at=SUBMITTED_AT + timedelta(days=1))
        await send(EXAMINATION_DOCUMENTS_SUBMITTED, late, "s1")
        await eventually(lambda: notes(client, number, 1), timeout=20)
        final = await status_becomes(client, number, "granted")
        changes = await read_after(kafka, changes_from, keyed(app_id), 4, settle=1.0)
        still_parked = await parked(database)

    assert waiting["waits_for"] == f"application {app_id} is submitted; decision_granted needs under_examination"
    assert [entry for entry in before["timeline"] if entry["status"] is None] == []
    assert statuses(changes) == list(enumerate(["submitted", "accepted", "under_examination", "granted"], start=1))
    assert header(changes[-1], "ce_causationid") == f"{app_id}-g1"
    assert [entry["note"] for entry in final["timeline"] if entry["status"] is None] == ["ignored:already_passed"]
    assert still_parked == []
    assert await dead_letter_ends(kafka, settings) == letters_before


async def _count(database: AsyncDatabase[dict[str, Any]], expected: int) -> bool:
    return await database.parked_records.count_documents({}) == expected
