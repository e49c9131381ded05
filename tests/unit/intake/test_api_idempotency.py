"""Idempotency-Key: a retry gets the first answer, another request under the same key is refused."""

from datetime import timedelta

import httpx

from services.intake.domain.idempotency import IdempotencyRecord

from .wiring import Intake, bearer, submission_body


def keyed(key: str, sub: str = "staff-1") -> dict[str, str]:
    return {**bearer(sub), "Idempotency-Key": key}


async def test_a_retry_with_the_same_key_and_body_gets_the_first_answer_and_no_second_application(
    client: httpx.AsyncClient, intake: Intake
) -> None:
    first = await client.post("/v1/applications", json=submission_body(), headers=keyed("k-1"))
    retry = await client.post("/v1/applications", json=submission_body(), headers=keyed("k-1"))

    assert (retry.status_code, retry.content) == (first.status_code, first.content)
    assert len(intake.applications.documents) == 1
    assert len(intake.publisher.published) == 2


async def test_a_replayed_error_is_the_same_error(client: httpx.AsyncClient) -> None:
    first = await client.post("/v1/applications/P-20260302-00000009/withdraw", headers=keyed("k-w"))
    retry = await client.post("/v1/applications/P-20260302-00000009/withdraw", headers=keyed("k-w"))

    assert first.status_code == retry.status_code == 404
    assert first.content == retry.content


async def test_the_same_key_with_another_body_is_a_422_naming_the_header(client: httpx.AsyncClient) -> None:
    await client.post("/v1/applications", json=submission_body("sub-1"), headers=keyed("k-1"))

    other = await client.post("/v1/applications", json=submission_body("sub-2"), headers=keyed("k-1"))

    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]


async def test_keys_are_per_filer(client: httpx.AsyncClient, intake: Intake) -> None:
    mine = await client.post("/v1/applications", json=submission_body("sub-1"), headers=keyed("k-1"))
    theirs = await client.post("/v1/applications", json=submission_body("sub-1"), headers=keyed("k-1", "staff-2"))

    assert mine.status_code == theirs.status_code == 202
    assert mine.json()["application_id"] != theirs.json()["application_id"]


async def test_a_retry_while_the_first_request_runs_is_a_409(client: httpx.AsyncClient, intake: Intake) -> None:
    await claim_as_if_running(intake, "k-1")

    response = await client.post("/v1/applications", json=submission_body(), headers=keyed("k-1"))

    assert response.status_code == 409
    assert response.json()["code"] == "request_in_progress"


async def test_a_key_whose_request_died_is_taken_over_after_its_lease(
    client: httpx.AsyncClient, intake: Intake
) -> None:
    await claim_as_if_running(intake, "k-1")
    intake.clock.at += timedelta(minutes=2)

    response = await client.post("/v1/applications", json=submission_body(), headers=keyed("k-1"))

    assert response.status_code == 202


async def test_a_batch_replays_its_whole_answer(client: httpx.AsyncClient, intake: Intake) -> None:
    body = {"items": [submission_body("sub-1"), {"bad": True}]}

    first = await client.post("/v1/applications:batch", json=body, headers=keyed("k-b"))
    retry = await client.post("/v1/applications:batch", json=body, headers=keyed("k-b"))

    assert first.content == retry.content
    assert len(intake.applications.documents) == 1


async def claim_as_if_running(intake: Intake, key: str) -> None:
    """The claim a first request leaves while it works: the fingerprint of exactly this request."""
    from services.intake.domain.idempotency import fingerprint

    record = IdempotencyRecord(key=key, fingerprint=fingerprint("POST", "/v1/applications", submission_body()))
    await intake.keys.claim("staff-1", record, intake.clock.now())
