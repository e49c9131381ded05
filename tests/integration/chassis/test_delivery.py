"""At-least-once delivery on the real broker: poison records go to the dead-letter topic, the rest flow on."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from chassis.cloudevents import Inbound
from chassis.kafka_security import client_options
from chassis.service import Service
from chassis.settings import DeliverySettings, ServiceSettings
from contracts import cloudevents as ce
from contracts.examination import DocumentsSubmitted
from tests.integration.kafka_helpers import (
    cloudevent,
    consume,
    create_topics,
    eventually,
    produce,
    scratch_topic,
)


def settings_for(kafka: str, mongodb_uri: str) -> ServiceSettings:
    return ServiceSettings(
        kafka_bootstrap_servers=kafka,
        mongodb_uri=mongodb_uri,
        mongodb_database="test_chassis_delivery",
        delivery=DeliverySettings(retry_backoff_ms=10, batch_timeout_ms=50),
    )


def submitted(application_id: str) -> DocumentsSubmitted:
    return DocumentsSubmitted(application_id=application_id, submitted_at=datetime.now(UTC))


async def test_a_poison_record_is_dead_lettered_and_the_next_record_is_still_handled(
    kafka: str, mongodb_uri: str
) -> None:
    topic = scratch_topic(DocumentsSubmitted, "application_id")
    await create_topics(kafka, [topic.name, topic.dlq], partitions=1)
    handled: list[str] = []

    async def handle(events: Sequence[Inbound[Any]]) -> None:
        for event in events:
            if event.payload.application_id == "app-poison":
                raise ValueError("this record breaks the handler")
        handled.extend(e.payload.application_id for e in events)

    service = Service("tests", settings_for(kafka, mongodb_uri), outputs=[])
    service.consume(topic, handle)

    await produce(
        kafka,
        [
            cloudevent(topic, submitted("app-1")),
            (topic.name, b"app-x", b"{not json", [("ce_specversion", b"1.0")]),
            cloudevent(topic, submitted("app-poison")),
            (topic.name, b"app-y", b"{}", [("ce_id", b"\xff\xfe")]),
            cloudevent(topic, submitted("app-2")),
        ],
    )
    async with service.lifespan():
        await eventually(lambda: "app-2" in handled)

        letters = await consume(kafka, topic.dlq, 3)
    reasons = {r.key: dict((k, v.decode()) for k, v in r.headers) for r in letters}
    assert handled == ["app-1", "app-2"]
    assert reasons[b"app-x"][ce.DLQ_REASON_HEADER] == "malformed"
    assert "missing ce_id" in reasons[b"app-x"][ce.DLQ_ERROR_HEADER]
    assert reasons[b"app-y"][ce.DLQ_ERROR_HEADER] == "a header value is not UTF-8"
    assert reasons[b"app-poison"][ce.DLQ_REASON_HEADER] == "failed"
    assert reasons[b"app-poison"][ce.DLQ_SOURCE_TOPIC_HEADER] == topic.name
    assert reasons[b"app-poison"][ce.DLQ_CONSUMER_GROUP_HEADER] == f"tests.{topic.name}"
    assert await committed_offset(kafka, topic.name, f"tests.{topic.name}") == 5


async def committed_offset(kafka: str, topic: str, group: str, partition: int = 0) -> int | None:
    consumer = AIOKafkaConsumer(**client_options(), bootstrap_servers=kafka, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        offset: int | None = await consumer.committed(TopicPartition(topic, partition))
        return offset
    finally:
        await consumer.stop()
