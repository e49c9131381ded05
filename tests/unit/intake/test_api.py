"""The HTTP API on fakes: validation that never echoes personal data, batches, limits, reading and withdrawing."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
from pymongo.errors import AutoReconnect

from .wiring import Intake, bearer, submission_body

PERSONAL = ("NGUYEN", "an@example", "1995", "VNM")


async def submit(client: httpx.AsyncClient, body: dict[str, Any], **headers: str) -> httpx.Response:
    return await client.post("/v1/applications", json=body, headers={**bearer(), **headers})


async def test_a_submission_is_answered_202_with_its_numbers(client: httpx.AsyncClient) -> None:
    response = await submit(client, submission_body())

    assert response.status_code == 202
    assert response.json()["provisional_number"] == "P-20260302-00000001"
    assert response.json()["status"] == "submitted"


async def test_the_filer_comes_from_the_token_not_the_body(client: httpx.AsyncClient, intake: Intake) -> None:
    body = {**submission_body(), "filer": {"language": "en", "filer_id": "someone-else"}}

    await client.post("/v1/applications", json=body, headers=bearer("staff-7"))

    [stored] = intake.applications.documents.values()
    assert stored.application.filer.filer_id == "staff-7"
    assert stored.application.filer.language == "en"


async def test_a_422_names_every_failing_field_and_echoes_no_value(client: httpx.AsyncClient) -> None:
    body = submission_body()
    body["applicant"] = {**body["applicant"], "nationality": "vnm", "email": "NGUYEN-at-example", "date_of_birth": "x"}
    del body["form"]["procedure"]

    response = await submit(client, body)

    assert response.status_code == 422
    locations = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert locations == {
        ("body", "applicant", "nationality"),
        ("body", "applicant", "email"),
        ("body", "applicant", "date_of_birth"),
        ("body", "form", "procedure"),
    }
    assert not any(value in response.text for value in (*PERSONAL, "-at-example", "vnm"))
    assert all(set(error) == {"loc", "msg", "type"} for error in response.json()["detail"])


async def test_text_that_could_disguise_itself_is_a_422_naming_each_field(client: httpx.AsyncClient) -> None:
    disguised = {"document_type": "photo", "file_name": "invoice\u202efdp.exe", "size_bytes": 1, "sha256": "a" * 64}
    body = submission_body(attachments=[disguised])
    body["applicant"] = {**body["applicant"], "name": "NGUYEN\x00VAN AN", "address": "\ufeff東京都千代田区"}

    response = await submit(client, body)

    assert response.status_code == 422
    assert {tuple(error["loc"]) for error in response.json()["detail"]} == {
        ("body", "applicant", "name"),
        ("body", "applicant", "address"),
        ("body", "form", "attachments", 0, "file_name"),
    }
    assert not any(value in response.text for value in ("NGUYEN", "invoice", "千代田"))


async def test_a_token_whose_name_carries_a_direction_override_is_refused_naming_the_claim(
    client: httpx.AsyncClient,
) -> None:
    response = await submit(client, submission_body(), **bearer(name="担当\u202e郎太"))

    assert response.status_code == 401
    assert "claims are missing or invalid: name" in response.json()["detail"]


async def test_attachments_over_25_mb_in_total_are_a_422(client: httpx.AsyncClient) -> None:
    attachment = {"document_type": "passport", "file_name": "p.pdf", "size_bytes": 13 * 1024 * 1024, "sha256": "a" * 64}

    response = await submit(client, submission_body(attachments=[attachment, attachment]))

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "form"]


async def test_the_filing_time_is_when_intake_receives_the_request_whatever_the_body_says(
    client: httpx.AsyncClient,
) -> None:
    body = {**submission_body(), "submitted_at": "2000-01-01T00:00:00+09:00"}  # a caller cannot backdate a filing

    number = (await submit(client, body)).json()["provisional_number"]
    read = await client.get(f"/v1/applications/{number}", headers=bearer())

    assert read.json()["filed_on"] == "2026-03-02"
    assert number == "P-20260302-00000001"


async def test_a_body_over_the_limit_is_refused_with_413_declared_or_not(client: httpx.AsyncClient) -> None:
    big = {**submission_body(), "padding": "x" * 5000}

    declared = await submit(client, big)

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"padding": "'
        yield b"x" * 5000
        yield b'"}'

    streamed = await client.post("/v1/applications", content=chunks(), headers=bearer())
    assert declared.status_code == streamed.status_code == 413
    assert declared.json()["code"] == "body_too_large"


async def test_a_batch_judges_each_item_on_its_own(client: httpx.AsyncClient) -> None:
    items = [submission_body("sub-1"), {"submission_id": "sub-2"}, submission_body("sub-3")]

    response = await client.post("/v1/applications:batch", json={"items": items}, headers=bearer())

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status_code"] for r in results] == [202, 422, 202]
    assert {tuple(e["loc"]) for e in results[1]["errors"]} == {("applicant",), ("form",)}


async def test_a_batch_over_the_configured_size_is_a_422(client: httpx.AsyncClient) -> None:
    items = [submission_body(f"sub-{i}") for i in range(4)]  # the wiring allows 3

    response = await client.post("/v1/applications:batch", json={"items": items}, headers=bearer())

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "items"]


async def test_a_reused_submission_id_with_other_content_is_a_409(client: httpx.AsyncClient) -> None:
    await submit(client, submission_body())
    other = submission_body()
    other["applicant"]["name"] = "SOMEONE ELSE"

    response = await submit(client, other)

    assert response.status_code == 409
    assert response.json()["code"] == "submission_id_reused"


async def test_a_filer_reads_its_application_by_either_number(client: httpx.AsyncClient) -> None:
    number = (await submit(client, submission_body())).json()["provisional_number"]

    response = await client.get(f"/v1/applications/{number}", headers=bearer())

    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert [entry["kind"] for entry in response.json()["timeline"]] == ["submitted"]


async def test_another_filers_application_is_answered_like_a_missing_one(client: httpx.AsyncClient) -> None:
    number = (await submit(client, submission_body())).json()["provisional_number"]

    theirs = await client.get(f"/v1/applications/{number}", headers=bearer("staff-2"))
    missing = await client.get("/v1/applications/P-20260302-00000099", headers=bearer("staff-2"))
    withdraw = await client.post(f"/v1/applications/{number}/withdraw", headers=bearer("staff-2"))

    assert theirs.status_code == missing.status_code == withdraw.status_code == 404
    assert theirs.json() == missing.json()


async def test_a_pending_proof_before_acceptance_is_refused_with_the_reason(client: httpx.AsyncClient) -> None:
    number = (await submit(client, submission_body())).json()["provisional_number"]

    response = await client.get(f"/v1/applications/{number}/pending-proof", headers=bearer())

    assert response.status_code == 409
    assert response.json()["code"] == "no_receipt_number"


async def test_withdrawing_twice_is_refused_the_second_time(client: httpx.AsyncClient, intake: Intake) -> None:
    number = (await submit(client, submission_body())).json()["provisional_number"]

    first = await client.post(f"/v1/applications/{number}/withdraw", headers=bearer())
    second = await client.post(f"/v1/applications/{number}/withdraw", headers=bearer())

    assert first.status_code == 200
    assert first.json()["status"] == "withdrawn"
    assert second.status_code == 409
    assert second.json()["code"] == "already_withdrawn"
    assert len(intake.publisher.of_topic("intake.application-withdrawn.v1")) == 1


async def test_a_database_out_of_reach_is_a_503_to_retry(client: httpx.AsyncClient, intake: Intake) -> None:
    async def unreachable(number: str) -> None:
        raise AutoReconnect("connection refused")

    intake.applications.find_by_number = unreachable  # type: ignore[assignment,method-assign]

    response = await client.get("/v1/applications/P-20260302-00000001", headers=bearer())

    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"


async def test_a_race_that_never_settles_is_a_503_not_a_500(client: httpx.AsyncClient, intake: Intake) -> None:
    number = (await submit(client, submission_body())).json()["provisional_number"]
    intake.applications.conflicts_to_raise = 10

    response = await client.post(f"/v1/applications/{number}/withdraw", headers=bearer())

    assert response.status_code == 503


async def test_a_body_that_is_not_utf8_json_is_a_422_on_the_body(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/applications", content=b"\xff\xfe{", headers={**bearer(), "content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
