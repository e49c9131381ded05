"""Documents reminders on the real servers: two instances on one database send each due reminder once.

Both instances run the whole service (the scheduled check every 0.1 s) on the same database,
each with a clock of the test's: first weeks before the requests' last day, while the requests
and the online answer are consumed, then three days before it, where every tick of both finds
the reminders due. The request answered online gets none.
"""

import asyncio
from datetime import UTC, datetime

from chassis.clock import FixedClock
from contracts.intake import DocumentsSubmittedOnline
from contracts.topics import (
    EXAMINATION_DOCUMENTS_REQUESTED,
    INTAKE_APPLICATION_ACCEPTED,
    INTAKE_DOCUMENTS_SUBMITTED_ONLINE,
)
from services.notification.app import build
from tests.integration.kafka_helpers import eventually
from tests.integration.notification.harness import Harness
from tests.running import running
from tests.smtp_sink import Received
from tests.unit.notification.samples import AT, accepted, documents_requested, documents_submitted_online

EARLY = datetime(2026, 5, 12, 3, 0, tzinfo=UTC)
THREE_DAYS_BEFORE = datetime(2026, 5, 29, 3, 0, tzinfo=UTC)  # 12:00 in Japan on 29 May


def notice_ids(messages: list[Received]) -> list[str]:
    return [str(m.message["Message-ID"]).strip("<>").split("@")[0] for m in messages]


async def test_two_instances_send_each_due_reminder_once_and_none_for_a_request_answered_online(
    notification: Harness,
) -> None:
    waiting, answered = "app-waiting", "app-answered"
    request_for = {a: documents_requested().model_copy(update={"application_id": a}) for a in (waiting, answered)}
    answer: DocumentsSubmittedOnline = documents_submitted_online().model_copy(update={"application_id": answered})
    clocks = (FixedClock(EARLY), FixedClock(EARLY))
    settings = notification.settings(documents_reminder_days_before=3, documents_reminder_interval_seconds=0.1)
    first, second = (
        build(settings, clock=clock, name=notification.name, topic_prefix=notification.prefix) for clock in clocks
    )
    async with running(first), running(second):
        await notification.send(
            (INTAKE_APPLICATION_ACCEPTED, accepted().model_copy(update={"application_id": waiting})),
            (INTAKE_APPLICATION_ACCEPTED, accepted().model_copy(update={"application_id": answered})),
            (EXAMINATION_DOCUMENTS_REQUESTED, request_for[waiting], "req-w"),
            (EXAMINATION_DOCUMENTS_REQUESTED, request_for[answered], "req-a"),
            (INTAKE_DOCUMENTS_SUBMITTED_ONLINE, answer, "evt-answer"),
        )
        # two acceptances, two requests and the receipt of the answer: everything consumed
        await eventually(lambda: len(notification.sink.messages) >= 5, timeout=90)
        assert answer.requested_at == AT == documents_requested().requested_at  # the answer is to that request
        for clock in clocks:
            clock.set(THREE_DAYS_BEFORE)

        def reminders() -> list[str]:
            return [i for i in notice_ids(notification.sink.messages) if i.endswith("+documents_reminder")]

        await eventually(lambda: len(reminders()) >= 1, timeout=60)
        await asyncio.sleep(2)  # some twenty more ticks of each instance, every one finding the reminder due

    assert reminders() == ["req-w+documents_reminder"], notice_ids(notification.sink.messages)
    assert len(notification.sink.messages) == 6
    reminder = next(m for m in notification.sink.messages if notice_ids([m])[0].endswith("+documents_reminder"))
    assert reminder.rcpt_tos == ("hanako@example.co.jp",)
    assert "2026年6月1日" in str(reminder.message["Subject"])
