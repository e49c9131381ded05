"""Answering a documents request over HTTP, on fakes: allowed once while open, refused with a code otherwise."""

from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from contracts.eligibility import ApplicationAssessed
from contracts.examination import DocumentsRequested
from services.intake.domain.inputs import from_assessment, from_documents_requested
from services.intake.handlers.progress import Progress

from .fakes import NOW
from .wiring import Intake, bearer, submission_body

DUE = date(2026, 3, 20)
ATTACHMENT = {
    "document_type": "employment_contract",
    "file_name": "contract-2026.pdf",
    "size_bytes": 120000,
    "sha256": "9f2b5c8d1e4a7b0c3d6e9f2a5b8c1d4e7f0a3b6c9d2e5f8a1b4c7d0e3f6a9b2c",
}
TOPIC = "intake.documents-submitted-online.v1"


async def submitted(client: httpx.AsyncClient) -> tuple[str, str]:
    response = await client.post("/v1/applications", json=submission_body(), headers=bearer())
    assert response.status_code == 202
    return response.json()["application_id"], response.json()["provisional_number"]


async def requested(intake: Intake, application_id: str, due: date = DUE) -> None:
    assessed = ApplicationAssessed(
        application_id=application_id,
        eligible=True,
        ruleset_version="2026-01",
        rules_date=date(2026, 3, 2),
        assessed_at=NOW + timedelta(minutes=1),
    )
    request = DocumentsRequested(
        application_id=application_id,
        receipt_number="ON-2026-000000001-00",
        documents=("雇用契約書",),
        due_on=due,
        requested_at=NOW + timedelta(hours=1),
    )
    await intake.progress(
        [
            Progress(application_id, from_assessment(assessed, "evt-assessed")),
            Progress(application_id, from_documents_requested(request, "evt-requested")),
        ]
    )


async def answer(client: httpx.AsyncClient, number: str, sub: str = "staff-1", **headers: str) -> httpx.Response:
    body: dict[str, Any] = {"attachments": [ATTACHMENT]}
    return await client.post(f"/v1/applications/{number}/documents", json=body, headers={**bearer(sub), **headers})


async def test_an_open_request_is_answered_200_and_the_event_goes_out(
    client: httpx.AsyncClient, intake: Intake
) -> None:
    application_id, number = await submitted(client)
    await requested(intake, application_id)
    intake.clock.at = NOW + timedelta(days=2)

    response = await answer(client, number)

    assert response.status_code == 200
    assert response.json()["status"] == "documents_submitted"
    assert response.json()["timeline"][-1]["kind"] == "documents_submitted_online"
    assert response.json()["timeline"][-1]["note"] == "attachments=1"
    [event] = intake.publisher.of_topic(TOPIC)
    assert event.data.model_dump(mode="json")["attachments"] == [ATTACHMENT]
    assert event.data.model_dump(mode="json")["due_on"] == "2026-03-20"
    assert event.data.model_dump(mode="json")["parties"]["filer_email"] == "tanto@example.co.jp"


async def test_an_answer_by_a_clock_behind_the_examination_systems_still_answers_the_request(
    client: httpx.AsyncClient, intake: Intake
) -> None:
    application_id, number = await submitted(client)
    await requested(intake, application_id)  # requested an hour after intake's clock

    response = await answer(client, number)

    assert response.status_code == 200
    assert response.json()["status"] == "documents_submitted"


async def test_a_retry_with_the_same_key_is_the_same_answer_and_one_event(
    client: httpx.AsyncClient, intake: Intake
) -> None:
    application_id, number = await submitted(client)
    await requested(intake, application_id)

    first = await answer(client, number, **{"Idempotency-Key": "docs-1"})
    again = await answer(client, number, **{"Idempotency-Key": "docs-1"})

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert len(intake.publisher.of_topic(TOPIC)) == 1


async def test_without_an_open_request_it_is_a_409_no_open_request(client: httpx.AsyncClient, intake: Intake) -> None:
    application_id, number = await submitted(client)

    before = await answer(client, number)
    await requested(intake, application_id)
    await answer(client, number)
    twice = await answer(client, number)

    assert before.status_code == twice.status_code == 409
    assert before.json()["code"] == twice.json()["code"] == "no_open_request"
    assert len(intake.publisher.of_topic(TOPIC)) == 1


async def test_after_the_last_day_in_japan_it_is_a_409_deadline_passed(
    client: httpx.AsyncClient, intake: Intake
) -> None:
    application_id, number = await submitted(client)
    await requested(intake, application_id)
    intake.clock.at = datetime.fromisoformat("2026-03-21T00:00:00+09:00")

    response = await answer(client, number)

    assert response.status_code == 409
    assert response.json()["code"] == "deadline_passed"
    assert intake.publisher.of_topic(TOPIC) == []


async def test_another_filers_application_is_a_404_like_a_missing_one(
    client: httpx.AsyncClient, intake: Intake
) -> None:
    application_id, number = await submitted(client)
    await requested(intake, application_id)

    theirs = await answer(client, number, sub="staff-2")
    missing = await answer(client, "P-20990101-00000001")

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert intake.publisher.of_topic(TOPIC) == []


@pytest.mark.parametrize(
    ("attachments", "where"),
    [
        ([], ("body", "attachments")),
        ([{**ATTACHMENT, "size_bytes": 20 * 1024 * 1024}, {**ATTACHMENT, "size_bytes": 6 * 1024 * 1024}],
         ("body", "attachments")),
        ([{**ATTACHMENT, "sha256": "nope"}], ("body", "attachments", 0, "sha256")),
    ],
)  # fmt: skip
async def test_attachments_follow_the_submissions_limits(
    client: httpx.AsyncClient, intake: Intake, attachments: list[dict[str, Any]], where: tuple[Any, ...]
) -> None:
    application_id, number = await submitted(client)
    await requested(intake, application_id)

    response = await client.post(
        f"/v1/applications/{number}/documents", json={"attachments": attachments}, headers=bearer()
    )

    assert response.status_code == 422
    assert where in [tuple(error["loc"]) for error in response.json()["detail"]]
