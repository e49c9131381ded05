"""End to end: a documents request (資料提出通知) answered online, and one left unanswered and reminded of.

The four services run in this process as in `test_demo` (real Kafka, MongoDB-protocol server and
SMTP sink). Two applications are filed over HTTP and accepted; examination's requests for more
documents arrive on its topic. The filer answers the first over HTTP: intake publishes the answer
for examination, the status becomes documents_submitted and notification confirms receipt; a
second answer finds no open request. The second request is left alone: once notification's clock
stands within DOCUMENTS_REMINDER_DAYS_BEFORE of its last day, the filer is reminded, once.
"""

import asyncio
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from chassis.clock import FixedClock
from contracts.calendar import japan_date
from contracts.examination import DocumentsRequested
from contracts.intake import ApplicationStatus, DocumentsSubmittedOnline
from contracts.topics import EXAMINATION_DOCUMENTS_REQUESTED, INTAKE_DOCUMENTS_SUBMITTED_ONLINE
from deploy.demo import approval, organisation
from deploy.demo.intake import submit_and_follow
from deploy.demo.organisation import JAPAN
from services.intake.adapters.api.schemas import ApplicationView
from services.intake.tokens import issue
from tests.e2e.test_demo import SECRET, Stack, stored_mail, the_stack
from tests.integration.kafka_helpers import cloudevent, consume, eventually, produce
from tests.servers import Servers

DAYS_BEFORE = 3
ANSWER = {
    "attachments": [
        {
            "document_type": "employment_certificate",
            "file_name": "zaishoku.pdf",
            "size_bytes": 200000,
            "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
        }
    ]
}


def of_kind(messages: list[EmailMessage], notice_id: str) -> list[EmailMessage]:
    """The messages of one notice: its Message-ID is `<notice id, ':' as '+'>@domain>`."""
    return [m for m in messages if str(m["Message-ID"]).startswith(f"<{notice_id.replace(':', '+')}@")]


async def request_documents(stack: Stack, kafka: str, view: ApplicationView, event_id: str, now: datetime) -> None:
    assert view.receipt_number is not None
    request = DocumentsRequested(
        application_id=view.application_id,
        receipt_number=view.receipt_number,
        documents=("在職証明書",),
        due_on=japan_date(now) + timedelta(days=14),
        requested_at=now,
    )
    await produce(kafka, [cloudevent(EXAMINATION_DOCUMENTS_REQUESTED.prefixed(stack.prefix), request, event_id)])


async def status_of(client: httpx.AsyncClient, number: str, status: ApplicationStatus) -> None:
    async def reached() -> bool:
        answer = await client.get(f"/v1/applications/{number}")
        return ApplicationView.model_validate_json(answer.content).status is status

    await eventually(reached, timeout=60)


async def test_a_documents_request_answered_online_and_another_reminded_of_once(
    kafka: str, servers: Servers, mongo_client: AsyncMongoClient[dict[str, Any]], tmp_path: Path
) -> None:
    now = datetime.now(JAPAN)
    clock = FixedClock(now)
    async with the_stack(
        kafka,
        servers.mongodb_uri,
        mongo_client,
        tmp_path / "state",
        clock,
        documents_reminder_days_before=DAYS_BEFORE,
        documents_reminder_interval_seconds=0.2,
    ) as stack:
        settings = stack.demo_settings(kafka)
        await approval.grant_and_wait(settings, now.date())
        answered, waiting = await submit_and_follow(settings, now), await submit_and_follow(settings, now)
        assert answered.receipt_number is not None
        assert waiting.receipt_number is not None
        await request_documents(stack, kafka, answered, "request-answered", now)
        await request_documents(stack, kafka, waiting, "request-waiting", now)

        token = issue(organisation.token_claims(), secret=SECRET)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=settings.intake_url, headers=headers, timeout=30) as client:
            await status_of(client, answered.provisional_number, ApplicationStatus.DOCUMENTS_REQUESTED)
            await status_of(client, waiting.provisional_number, ApplicationStatus.DOCUMENTS_REQUESTED)
            path = f"/v1/applications/{answered.receipt_number}/documents"
            answer = await client.post(path, json=ANSWER, headers={"Idempotency-Key": "answer-1"})
            repeated = await client.post(path, json=ANSWER, headers={"Idempotency-Key": "answer-1"})
            again = await client.post(path, json=ANSWER, headers={"Idempotency-Key": "answer-2"})
            waiting_view = await client.get(f"/v1/applications/{waiting.provisional_number}")

        records = await consume(kafka, INTAKE_DOCUMENTS_SUBMITTED_ONLINE.prefixed(stack.prefix).name, 1, timeout=60)
        await eventually(lambda: of_kind(stored_mail(stack.messages), "request-waiting:documents_requested"), 60)
        receipts = await _receipt(stack)

        clock.set(clock.now() + timedelta(days=14 - DAYS_BEFORE))  # the waiting request's last day is near
        await eventually(lambda: of_kind(stored_mail(stack.messages), "request-waiting:documents_reminder"), 60)
        await asyncio.sleep(2)  # ten more ticks, every one finding the reminder due: it is sent once all the same

        mail = stored_mail(stack.messages)

    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "documents_submitted"
    assert repeated.status_code == 200
    assert repeated.json() == answer.json()
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "no_open_request"
    assert ApplicationView.model_validate_json(waiting_view.content).status is ApplicationStatus.DOCUMENTS_REQUESTED

    assert len(records) == 1
    event = DocumentsSubmittedOnline.model_validate_json(records[0].value)
    assert event.application_id == answered.application_id
    assert event.receipt_number == answered.receipt_number
    assert [a.file_name for a in event.attachments] == ["zaishoku.pdf"]
    assert event.due_on == japan_date(now) + timedelta(days=14)

    assert len(receipts) == 1
    assert "tanto@example.co.jp" in str(receipts[0]["X-Envelope-To"])
    assert answered.receipt_number in receipts[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert len(of_kind(mail, "request-waiting:documents_reminder")) == 1
    assert of_kind(mail, "request-answered:documents_reminder") == []
    assert len([m for m in mail if "+documents_received@" in str(m["Message-ID"])]) == 1  # still one


async def _receipt(stack: Stack) -> list[EmailMessage]:
    found: list[EmailMessage] = []

    def arrived() -> bool:
        nonlocal found
        found = [m for m in stored_mail(stack.messages) if "+documents_received@" in str(m["Message-ID"])]
        return bool(found)

    await eventually(arrived, timeout=60)
    return found
