"""On the real broker and database: /metrics counts what a subscription consumed and handled, and its lag is
the group's real lag (records on the partition that the group has not committed)."""

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.cloudevents import Inbound
from chassis.service import Service
from chassis.settings import ServiceSettings
from contracts.examination import DocumentsSubmitted
from tests.integration.chassis.test_delivery import committed_offset
from tests.integration.fast_delivery import FAST_DELIVERY
from tests.integration.kafka_helpers import cloudevent, create_topics, eventually, produce, scratch_topic
from tests.integration.metrics_text import samples
from tests.running import running


def submitted() -> DocumentsSubmitted:
    return DocumentsSubmitted(application_id=f"app-{uuid.uuid4().hex[:8]}", submitted_at=datetime.now(UTC))


async def test_consumed_and_handled_records_are_counted_and_the_lag_gauge_is_the_groups_real_lag(
    kafka: str, database: AsyncDatabase[dict[str, Any]], mongodb_uri: str
) -> None:
    topic = scratch_topic(DocumentsSubmitted, "application_id")
    group = f"tests.{topic.name}"
    await create_topics(kafka, [topic.name, topic.dlq], partitions=1)
    seen: list[str] = []
    hold = asyncio.Event()

    async def handle(events: Sequence[Inbound[Any]]) -> None:
        seen.extend(e.id for e in events)
        if len(seen) > 2:
            await hold.wait()  # the second batch stays in hand: consumed, not handled, not committed

    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka, mongodb_uri=mongodb_uri, mongodb_database=database.name, delivery=FAST_DELIVERY
    )
    service = Service("tests", settings, outputs=[])
    service.consume(topic, handle)
    await produce(kafka, [cloudevent(topic, submitted()) for _ in range(2)])
    async with running(service) as client:
        await eventually(lambda: _committed(kafka, topic.name, group, 2))
        await produce(kafka, [cloudevent(topic, submitted()) for _ in range(3)])
        await eventually(lambda: len(seen) > 2)
        metrics = samples((await client.get("/metrics")).text)
        hold.set()

    subscription = (("group", group), ("topic", topic.name))
    assert metrics["delivery_consumer_lag", (("group", group), ("partition", "0"), ("topic", topic.name))] == 3
    assert metrics["delivery_records_consumed_total", subscription] == len(seen)
    assert metrics["delivery_records_handled_total", subscription] == 2
    assert metrics["delivery_batch_duration_seconds_count", subscription] >= 1
    assert metrics["service_ready", ()] == 1


async def _committed(kafka: str, topic: str, group: str, offset: int) -> bool:
    return await committed_offset(kafka, topic, group) == offset


async def test_database_commands_and_their_documents_are_counted_by_command_and_collection(
    database: AsyncDatabase[dict[str, Any]], kafka: str, mongodb_uri: str
) -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka, mongodb_uri=mongodb_uri, mongodb_database=database.name, delivery=FAST_DELIVERY
    )
    service = Service("tests", settings, outputs=[])
    async with running(service) as client:
        probes = service.database["probes"]
        await probes.insert_many([{"_id": n} for n in range(3)])
        for n in range(2):
            await probes.find_one({"_id": n})
        metrics = samples((await client.get("/metrics")).text)

    assert metrics["mongodb_commands_total", (("collection", "probes"), ("command", "insert"))] == 1
    assert metrics["mongodb_commands_total", (("collection", "probes"), ("command", "find"))] == 2
    assert metrics["mongodb_command_seconds_total", (("collection", "probes"), ("command", "find"))] > 0
    assert metrics["mongodb_documents_total", (("collection", "probes"), ("command", "insert"))] == 3
    assert metrics["mongodb_documents_total", (("collection", "probes"), ("command", "find"))] == 2
