"""Small helpers for tests that talk to the real broker directly."""

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from chassis.cloudevents import Outgoing, encode
from chassis.kafka_security import client_options
from contracts.base import Payload
from contracts.topics import Topic


def scratch_topic(payload: type[Payload], key: str) -> Topic:
    """A throw-away topic of its own for one test, so tests never see each other's records."""
    return Topic(f"test.scratch-{uuid.uuid4().hex[:10]}.v1", payload, key, "tests", "scratch")


async def create_topics(bootstrap: str, names: Sequence[str], partitions: int = 2) -> None:
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, num_partitions=partitions, replication_factor=1) for n in names])
    finally:
        await admin.close()


async def delete_topics(bootstrap: str, names: Sequence[str]) -> None:
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics(list(names))
    finally:
        await admin.close()


async def produce(bootstrap: str, records: Sequence[tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]]) -> None:
    """Sends (topic, key, value, headers) records exactly as given."""
    producer = AIOKafkaProducer(**client_options(), bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for topic, key, value, headers in records:
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


def cloudevent(
    topic: Topic, data: Payload, event_id: str | None = None
) -> tuple[str, bytes, bytes, list[tuple[str, bytes]]]:
    key, value, headers = encode(Outgoing(topic, data, event_id or uuid.uuid4().hex, datetime.now(UTC)), "/tests")
    return topic.name, key, value, [(k, v.encode()) for k, v in headers.items()]


async def consume(bootstrap: str, topic: str, count: int, timeout: float = 30.0) -> list[ConsumerRecord[Any, Any]]:
    """Reads `count` records from the beginning of `topic`, failing after `timeout` seconds."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
        enable_auto_commit=False,
        **client_options(),
    )
    await consumer.start()
    records: list[ConsumerRecord[Any, Any]] = []
    try:
        async with asyncio.timeout(timeout):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=500)
                for partition_records in batch.values():
                    records.extend(partition_records)
    except TimeoutError:
        raise AssertionError(f"{topic}: {len(records)} of {count} records within {timeout}s") from None
    finally:
        await consumer.stop()
    return records


async def eventually(check: Any, timeout: float = 30.0, interval: float = 0.2) -> None:
    """Waits until `check()` (sync or async) is truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)
