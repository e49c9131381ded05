"""On the real servers: an application follows its whole journey over Kafka and ignores stale and repeated events."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from contracts.eligibility import ApplicationAssessed
from contracts.examination import (
    CardDispatched,
    DecisionMade,
    DocumentsRequested,
    DocumentsSubmitted,
    Outcome,
    ResultDelivered,
)
from contracts.intake import ApplicationAccepted, ApplicationStatusChanged
from contracts.topics import (
    ELIGIBILITY_APPLICATION_ASSESSED,
    EXAMINATION_CARD_DISPATCHED,
    EXAMINATION_DECISION_MADE,
    EXAMINATION_DOCUMENTS_REQUESTED,
    EXAMINATION_DOCUMENTS_SUBMITTED,
    EXAMINATION_RESULT_DELIVERED,
    INTAKE_APPLICATION_ACCEPTED,
    INTAKE_APPLICATION_STATUS_CHANGED,
    PORTAL_APPLICATION_SUBMITTED,
    Topic,
)
from services.intake.domain.numbering import application_id_for
from services.intake.settings import IntakeSettings
from tests.integration.kafka_helpers import eventually
from tests.running import running

from .builders import SUBMITTED_AT, an_application
from .support import end_offsets, isolated, keyed, private, publish, read_after
from .test_http_submission import bearer

T = SUBMITTED_AT


def assessed(application_id: str, eligible: bool, hours: int) -> ApplicationAssessed:
    return ApplicationAssessed(
        application_id=application_id,
        eligible=eligible,
        ruleset_version="test",
        rules_date=date(2026, 3, 2),
        assessed_at=T + timedelta(hours=hours),
    )


def requested(application_id: str, receipt: str, at: datetime) -> DocumentsRequested:
    return DocumentsRequested(
        application_id=application_id,
        receipt_number=receipt,
        documents=("tax certificate",),
        due_on=date(2026, 4, 1),
        requested_at=at,
    )


async def test_an_application_goes_from_submitted_to_closed_and_ignores_stale_events(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    submission_id = f"sub-{uuid.uuid4().hex[:8]}"
    app_id = application_id_for(submission_id, "staff-1")
    changes_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_STATUS_CHANGED).name)
    accepted_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_ACCEPTED).name)

    async with running(await isolated(settings)) as client:

        async def step(topic: Topic, data: Any, event_id: str, status: str) -> dict[str, Any]:
            await publish(kafka, [(private(settings, topic), data, f"{app_id}-{event_id}")])
            return await status_becomes(client, number, status)

        await publish(
            kafka, [(private(settings, PORTAL_APPLICATION_SUBMITTED), an_application(submission_id), f"{app_id}-sub")]
        )
        number = await provisional_number(database, app_id)
        await status_becomes(client, number, "submitted")
        view = await step(ELIGIBILITY_APPLICATION_ASSESSED, assessed(app_id, True, 1), "a1", "under_examination")
        receipt = view["receipt_number"]
        await step(
            EXAMINATION_DOCUMENTS_REQUESTED,
            requested(app_id, receipt, T + timedelta(days=1)),
            "d1",
            "documents_requested",
        )
        await step(
            EXAMINATION_DOCUMENTS_SUBMITTED,
            DocumentsSubmitted(application_id=app_id, submitted_at=T + timedelta(days=2)),
            "s1",
            "documents_submitted",
        )
        await step(
            EXAMINATION_DECISION_MADE,
            DecisionMade(
                application_id=app_id,
                receipt_number=receipt,
                outcome=Outcome.GRANTED,
                decided_on=date(2026, 3, 10),
                receipt_method="post",
            ),
            "g1",
            "granted",
        )
        await step(
            EXAMINATION_CARD_DISPATCHED,
            CardDispatched(application_id=app_id, dispatched_on=date(2026, 3, 12)),
            "c1",
            "delivered",
        )
        await step(
            EXAMINATION_RESULT_DELIVERED,
            ResultDelivered(application_id=app_id, delivered_on=date(2026, 3, 14)),
            "r1",
            "closed",
        )

        # Late, repeated and contradicting events, each with its own topic's ordering.
        late = [
            (ELIGIBILITY_APPLICATION_ASSESSED, assessed(app_id, True, 1), f"{app_id}-a1"),
            (ELIGIBILITY_APPLICATION_ASSESSED, assessed(app_id, False, 5), f"{app_id}-a2"),
            (EXAMINATION_DOCUMENTS_REQUESTED, requested(app_id, receipt, T + timedelta(hours=2)), f"{app_id}-d0"),
            (
                EXAMINATION_DECISION_MADE,
                DecisionMade(
                    application_id=app_id,
                    receipt_number=receipt,
                    outcome=Outcome.DENIED,
                    decided_on=date(2026, 3, 11),
                    receipt_method="counter",
                ),
                f"{app_id}-g2",
            ),
        ]
        await publish(kafka, [(private(settings, topic), data, event_id) for topic, data, event_id in late])
        await eventually(lambda: notes(client, number, 3), timeout=20)
        final = (await client.get(f"/v1/applications/{number}", headers=bearer("staff-1"))).json()
        changes = await read_after(kafka, changes_from, keyed(app_id), 8, settle=1.0)
        accepted = await read_after(kafka, accepted_from, keyed(app_id), 1, settle=0)

    statuses = [ApplicationStatusChanged.model_validate_json(r.value) for r in changes]
    assert [(s.revision, s.status.value) for s in statuses] == list(
        enumerate(
            [
                "submitted",
                "accepted",
                "under_examination",
                "documents_requested",
                "documents_submitted",
                "granted",
                "delivered",
                "closed",
            ],
            start=1,
        )
    )
    assert [ApplicationAccepted.model_validate_json(r.value).receipt_number for r in accepted] == [receipt]
    assert final["status"] == "closed"
    assert final["revision"] == 8
    ignored = [entry["note"] for entry in final["timeline"] if entry["status"] is None]
    assert sorted(ignored) == ["ignored:final", "ignored:final", "ignored:final"]


async def provisional_number(database: AsyncDatabase[dict[str, Any]], application_id: str) -> str:
    found: dict[str, Any] = {}

    async def stored() -> bool:
        found.update(await database.applications.find_one({"_id": application_id}) or {})
        return bool(found)

    await eventually(stored, timeout=20)
    return str(found["provisional_number"])


async def status_becomes(client: httpx.AsyncClient, number: str, status: str, timeout: float = 20) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def reached() -> bool:
        seen.update((await client.get(f"/v1/applications/{number}", headers=bearer("staff-1"))).json())
        return seen.get("status") == status

    await eventually(reached, timeout=timeout, interval=0.05)
    return seen


async def notes(client: httpx.AsyncClient, number: str, count: int) -> bool:
    view = (await client.get(f"/v1/applications/{number}", headers=bearer("staff-1"))).json()
    return sum(1 for entry in view["timeline"] if entry["status"] is None) >= count
