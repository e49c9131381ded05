"""On the real servers: an HTTP submission is stored once and announced once, and stays its filer's own."""

import uuid
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from contracts.intake import ApplicationReceived
from contracts.topics import INTAKE_APPLICATION_RECEIVED
from services.intake.settings import IntakeSettings
from services.intake.tokens import issue
from tests.running import running

from .support import SECRET, end_offsets, isolated, keyed, private, read_after


def bearer(sub: str) -> dict[str, str]:
    claims = {
        "sub": sub,
        "category": "organisation_staff",
        "name": "担当 太郎",
        "email": "tanto@example.co.jp",
        "org": "org-1",
        "iss": "residence-online",
        "aud": "intake",
    }
    return {"Authorization": f"Bearer {issue(claims, secret=SECRET)}"}


def body(submission_id: str) -> dict[str, Any]:
    return {
        "submission_id": submission_id,
        "applicant": {"name": "NGUYEN VAN AN", "nationality": "VNM", "date_of_birth": "1995-04-01"},
        "form": {"procedure": "certificate_of_eligibility"},
    }


async def test_an_http_submission_is_stored_and_announced_once_however_often_it_is_retried(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    submission_id = f"sub-{uuid.uuid4().hex[:8]}"
    received_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_RECEIVED).name)
    headers = {**bearer("staff-1"), "Idempotency-Key": f"key-{submission_id}"}

    async with running(await isolated(settings)) as client:
        first = await client.post("/v1/applications", json=body(submission_id), headers=headers)
        retried = await client.post("/v1/applications", json=body(submission_id), headers=headers)
        application_id = first.json()["application_id"]
        records = await read_after(kafka, received_from, keyed(application_id), 1, settle=2.0)

    assert first.status_code == 202
    assert (retried.status_code, retried.content) == (first.status_code, first.content)
    [record] = records
    received = ApplicationReceived.model_validate_json(record.value)
    assert (received.channel, received.provisional_number) == ("http", first.json()["provisional_number"])
    assert received.application.filer.filer_id == "staff-1"
    assert await database.applications.count_documents({}) == 1
    assert await database.outbox_pending.count_documents({}) == 0


async def test_a_filer_cannot_read_or_withdraw_another_filers_application(settings: IntakeSettings) -> None:
    async with running(await isolated(settings)) as client:
        mine = await client.post("/v1/applications", json=body("sub-1"), headers=bearer("staff-1"))
        number = mine.json()["provisional_number"]

        read_by_owner = await client.get(f"/v1/applications/{number}", headers=bearer("staff-1"))
        read_by_other = await client.get(f"/v1/applications/{number}", headers=bearer("staff-2"))
        withdrawn_by_other = await client.post(f"/v1/applications/{number}/withdraw", headers=bearer("staff-2"))
        after = await client.get(f"/v1/applications/{number}", headers=bearer("staff-1"))

    assert read_by_owner.status_code == 200
    assert read_by_other.status_code == withdrawn_by_other.status_code == 404
    assert "NGUYEN" not in read_by_other.text
    assert after.json()["status"] == "submitted"
