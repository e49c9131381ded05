"""A request the API refuses is one log line with the route, the status and why, never what was sent."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.log_capture import captured_log

from .wiring import Intake, bearer, submission_body


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=Intake().api())
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        yield client


async def test_an_invalid_submission_is_one_line_naming_field_locations_and_error_types(
    client: httpx.AsyncClient,
) -> None:
    body = submission_body()
    body["applicant"] = {**body["applicant"], "nationality": "NGUYEN", "date_of_birth": "born 1890-01-01"}

    with captured_log("intake") as log:
        response = await client.post("/v1/applications", json=body, headers=bearer())

    assert response.status_code == 422
    [line] = [line for line in log.lines() if line.get("logger") != "httpx"]  # the client's own lines
    assert line["event"] == "request refused"
    assert line["level"] == "info"
    assert (line["method"], line["route"], line["status"]) == ("POST", "/v1/applications", 422)
    assert line["reason"] == (
        "body.applicant.nationality: string_pattern_mismatch; body.applicant.date_of_birth: date_from_datetime_parsing"
    )
    assert "NGUYEN" not in log.text
    assert "1890" not in log.text


async def test_a_body_over_the_limit_is_one_line_with_the_problems_code(client: httpx.AsyncClient) -> None:
    with captured_log("intake") as log:
        response = await client.post(
            "/v1/applications", content=b"x" * 10_000_000, headers={**bearer(), "content-type": "application/json"}
        )

    assert response.status_code == 413
    [line] = [line for line in log.lines() if line.get("logger") != "httpx"]  # the client's own lines
    assert (line["event"], line["status"], line["reason"]) == ("request refused", 413, "body_too_large")
