"""End to end: one trace follows a submission from intake's HTTP API to its acceptance e-mail.

The four services run in this process as in `test_demo` (real Kafka, MongoDB-protocol server and
SMTP sink); spans go to the in-memory exporter of `tests.spans`. The organisation's request
carries a `traceparent`, and the trace it starts must hold, each a child of the one before:
intake's request, eligibility's handling of the filing, intake's handling of the assessment,
notification's handling of the acceptance and its handing of the e-mail to the SMTP server.
"""

import asyncio
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry import propagate
from opentelemetry.sdk.trace import ReadableSpan
from pymongo import AsyncMongoClient

from chassis import tracing
from contracts.topics import (
    ELIGIBILITY_APPLICATION_ASSESSED,
    INTAKE_APPLICATION_ACCEPTED,
    INTAKE_APPLICATION_RECEIVED,
)
from deploy.demo import approval, example, organisation
from deploy.demo.organisation import JAPAN
from services.intake.tokens import issue
from tests.e2e.test_demo import SECRET, Stack, the_stack
from tests.servers import Servers
from tests.spans import capturing, of_trace


def chain(spans: list[ReadableSpan], last: ReadableSpan) -> list[ReadableSpan]:
    """`last` and its ancestors, root first."""
    by_id = {s.context.span_id: s for s in spans if s.context is not None}
    found = [last]
    while found[0].parent is not None and found[0].parent.span_id in by_id:
        found.insert(0, by_id[found[0].parent.span_id])
    return found


def group(span: ReadableSpan) -> str:
    return str((span.attributes or {}).get("messaging.consumer.group.name", ""))


async def acceptance_mail_span(trace_id: int, stack: Stack, timeout: float = 120) -> tuple[list[ReadableSpan], Any]:
    accepted = f"process {INTAKE_APPLICATION_ACCEPTED.prefixed(stack.prefix).name}"
    async with asyncio.timeout(timeout):
        while True:
            spans = of_trace(trace_id)
            for mail in (s for s in spans if s.name == "smtp send"):
                if any(s.name == accepted for s in chain(spans, mail)):
                    return spans, mail
            await asyncio.sleep(0.2)


@pytest.fixture
def _spans() -> Iterator[None]:
    with capturing():  # from before the services start until they have stopped
        yield


@pytest.mark.usefixtures("_spans")
async def test_one_trace_follows_a_submission_from_the_http_request_to_the_acceptance_email(
    kafka: str, servers: Servers, mongo_client: AsyncMongoClient[dict[str, Any]], tmp_path: Path
) -> None:
    now = datetime.now(JAPAN)
    async with the_stack(kafka, servers.mongodb_uri, mongo_client, tmp_path / "state") as stack:
        settings = stack.demo_settings(kafka)
        await approval.grant_and_wait(settings, now.date())
        token = issue(organisation.token_claims(), secret=SECRET)
        submission_id = example.new_submission_id(now)
        with tracing.tracer.start_as_current_span("organisation submits") as root:
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": submission_id}
            propagate.inject(headers)
            async with httpx.AsyncClient(base_url=settings.intake_url, timeout=30) as client:
                answer = await client.post("/v1/applications", json=example.submission(submission_id), headers=headers)
        assert answer.status_code == 202, answer.text
        spans, mail = await acceptance_mail_span(root.get_span_context().trace_id, stack)

    path = chain(spans, mail)
    names = [s.name for s in path]
    received, assessed, accepted = (
        t.prefixed(stack.prefix).name
        for t in (INTAKE_APPLICATION_RECEIVED, ELIGIBILITY_APPLICATION_ASSESSED, INTAKE_APPLICATION_ACCEPTED)
    )
    assert names == [
        "organisation submits",
        "POST /v1/applications",
        f"publish {received}",
        f"process {received}",
        f"publish {assessed}",
        f"process {assessed}",
        f"publish {accepted}",
        f"process {accepted}",
        "smtp send",
    ], names
    consumers = {s.name: group(s) for s in path if s.name.startswith("process")}
    assert consumers[f"process {received}"].startswith(stack.name("eligibility"))
    assert consumers[f"process {assessed}"].startswith(stack.name("intake"))
    assert consumers[f"process {accepted}"].startswith(stack.name("notification"))
