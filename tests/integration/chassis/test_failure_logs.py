"""On the real broker: a record that breaks a handler (a bug) is one error line that keeps its traceback, and
nothing else in the log tells of it; a refusal beside it is one warning line without one."""

from collections.abc import Sequence
from typing import Any

from chassis.cloudevents import Inbound
from chassis.errors import Refused
from chassis.service import Service
from contracts.examination import DocumentsSubmitted
from tests.integration.chassis.test_delivery import settings_for, submitted
from tests.integration.kafka_helpers import cloudevent, consume, create_topics, eventually, produce, scratch_topic
from tests.log_capture import captured_log


class Unwanted(Refused):
    pass


async def test_a_bug_keeps_its_traceback_in_one_line_and_a_refusal_beside_it_has_none(
    kafka: str, mongodb_uri: str
) -> None:
    topic = scratch_topic(DocumentsSubmitted, "application_id")
    await create_topics(kafka, [topic.name, topic.dlq], partitions=1)
    handled: list[str] = []

    async def handle(events: Sequence[Inbound[Any]]) -> None:
        ids = {e.payload.application_id for e in events}
        if "app-bug" in ids:
            raise KeyError("a bug in the handler")
        if "app-refused" in ids:
            raise Unwanted("app-refused is not wanted here")
        handled.extend(ids)

    service = Service("tests", settings_for(kafka, mongodb_uri), outputs=[])
    service.consume(topic, handle)
    records = [cloudevent(topic, submitted(a), f"evt-{a}") for a in ("app-1", "app-bug", "app-refused", "app-2")]
    await produce(kafka, records)

    with captured_log() as log:
        async with service.lifespan():
            await eventually(lambda: "app-2" in handled)
            await consume(kafka, topic.dlq, 2)

    notable = [line for line in log.lines() if line["level"] != "info" and "Auto create topics" not in line["event"]]
    assert [(line["key"], line["level"]) for line in notable] == [("app-bug", "error"), ("app-refused", "warning")]
    bug, refusal = notable
    assert bug["event"] == refusal["event"] == "record dead-lettered"
    assert bug["reason"] == "KeyError"
    assert bug["exception"].startswith("Traceback (most recent call last)")
    assert "KeyError: 'a bug in the handler'" in bug["exception"]
    assert refusal["reason"] == "Unwanted: app-refused is not wanted here"
    assert "exception" not in refusal
    assert log.text.count("Traceback") == 1
