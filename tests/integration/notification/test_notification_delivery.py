"""The running service over real Kafka, FerretDB and SMTP: outages, refusals and redeliveries."""

import asyncio
from typing import Any

from contracts import topics as catalogue
from contracts.notification import NoticeFailed, NoticeSent
from tests.integration.kafka_helpers import eventually
from tests.integration.notification.harness import Harness, ce_id, dlq
from tests.running import running
from tests.unit.notification.samples import accepted, not_eligible

SENT, FAILED = catalogue.NOTIFICATION_NOTICE_SENT, catalogue.NOTIFICATION_NOTICE_FAILED
ACCEPTED, NOT_ELIGIBLE = catalogue.INTAKE_APPLICATION_ACCEPTED, catalogue.INTAKE_APPLICATION_NOT_ELIGIBLE


def count_data_commands(harness: Harness) -> list[bool | None]:
    """Wraps the sink's DATA handler: one entry per message offered, saying whether the session had logged in."""
    calls: list[bool | None] = []
    original = harness.sink.handle_DATA

    async def handle_data(server: Any, session: Any, envelope: Any) -> str:
        calls.append(session.authenticated)
        return await original(server, session, envelope)

    harness.sink.handle_DATA = handle_data  # type: ignore[method-assign]
    return calls


async def test_with_auth_and_without_starttls_an_acceptance_reaches_filer_and_applicant(notification: Harness) -> None:
    logins = count_data_commands(notification)
    service = notification.service(smtp_username="notification", smtp_password="secret", smtp_starttls=False)
    async with running(service) as http:
        await notification.send((ACCEPTED, accepted(), "evt-acc-1"))
        (record,) = await notification.wait_for(SENT, 1)
        ready = (await http.get("/health/ready")).json()
    (received,) = notification.sink.messages
    assert received.rcpt_tos == ("hanako@example.co.jp", "an@example.com")
    assert logins == [True]
    sent = NoticeSent.model_validate_json(record.value)
    assert (ce_id(record), sent.notice_id) == ("evt-acc-1:application_accepted:sent", "evt-acc-1:application_accepted")
    assert (
        received.message["Message-ID"]
        == sent.message_id
        == f"<evt-acc-1+application_accepted@{'notice.example.go.jp'}>"
    )
    assert ready["checks"]["smtp"] == "ok"


async def test_an_smtp_outage_then_recovery_delivers_every_notice_exactly_once(notification: Harness) -> None:
    await notification.sink.stop()
    events = [
        (ACCEPTED, accepted().model_copy(update={"application_id": f"app-{i}"}), f"evt-out-{i}") for i in range(5)
    ]
    async with running(notification.service()) as http:
        await notification.send(*events)
        notices = notification.database["notices"]
        await eventually(lambda: notices.count_documents({"attempts": {"$gte": 2}}))  # claims tried twice
        assert (await http.get("/health/ready")).json()["checks"]["smtp"] == "failing"
        await notification.sink.start()
        sent = await notification.wait_for(SENT, 5)
        await asyncio.sleep(0.5)  # time for any duplicate to show
    assert len(notification.sink.messages) == 5
    assert len({m.message["Message-ID"] for m in notification.sink.messages}) == 5
    assert sorted(ce_id(r) for r in sent) == sorted(f"evt-out-{i}:application_accepted:sent" for i in range(5))
    assert await notification.records(dlq(ACCEPTED)) == []


async def test_a_permanent_refusal_ends_in_notice_failed_and_a_dead_letter_without_retries(
    notification: Harness,
) -> None:
    offered = count_data_commands(notification)
    notification.sink.failure = "550 5.1.1 no such user"
    async with running(notification.service()):
        await notification.send((NOT_ELIGIBLE, not_eligible(), "evt-ne-1"))
        (record,) = await notification.wait_for(FAILED, 1)
        (letter,) = await notification.wait_for(dlq(NOT_ELIGIBLE), 1)
        await eventually(lambda: notification.committed(NOT_ELIGIBLE))
        await asyncio.sleep(0.5)  # time for a retry, were there one
    failed = NoticeFailed.model_validate_json(record.value)
    assert (ce_id(record), failed.reason) == ("evt-ne-1:not_eligible:failed", "550 5.1.1 no such user")
    headers = {k: v.decode() for k, v in letter.headers}
    assert headers["ce_id"] == "evt-ne-1"
    assert headers["dlq_error"] == "undeliverable: 550 5.1.1 no such user"
    assert len(offered) == 1
    assert await notification.records(SENT) == []
    outcome = await notification.database["notice_outcomes"].find_one({"_id": "evt-ne-1:not_eligible"})
    assert outcome is not None
    assert (outcome["state"], outcome["attempts"]) == ("failed", 1)


async def test_a_redelivered_event_sends_nothing_new_and_republishes_the_same_notice_sent(
    notification: Harness,
) -> None:
    async with running(notification.service()):
        await notification.send((ACCEPTED, accepted(), "evt-again"))
        await notification.wait_for(SENT, 1)
        await notification.send((ACCEPTED, accepted(), "evt-again"))
        first, again = await notification.wait_for(SENT, 2)
        await eventually(lambda: _equals(notification.committed(ACCEPTED), 2))
    assert len(notification.sink.messages) == 1
    assert ce_id(first) == ce_id(again) == "evt-again:application_accepted:sent"
    assert first.value == again.value


async def _equals(value: Any, expected: int) -> bool:
    return bool(await value == expected)
