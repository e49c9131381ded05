"""The demo's three uses of the broker: send a record, find the newest record under a key, and see
how far a consumer group has read.

A consumer group commits an offset only after its records are handled (chassis.delivery), so a
group whose committed offset is past a record has applied it.
"""

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError

from chassis.kafka_security import client_options
from deploy.demo.errors import DemoError
from deploy.demo.organisation import Record

POLL_SECONDS = 0.2


async def publish(bootstrap: str, record: Record) -> None:
    topic, key, value, headers = record
    producer = AIOKafkaProducer(**client_options(), bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    try:
        await producer.start()
        await producer.send_and_wait(topic, value, key=key, headers=headers)
    except KafkaConnectionError as error:  # the demo's first contact with the broker
        raise DemoError(f"Kafka at {bootstrap} does not answer: is the system running (make run)?") from error
    finally:
        await producer.stop()


async def newest_keyed(bootstrap: str, topic: str, key: bytes, deadline: float) -> ConsumerRecord[Any, Any]:
    """The newest record under `key`, reading `topic` from its start; if there is none yet, waits for one.

    From the start, because the record may be old: a second run's grant changes nothing, so
    reporting announces nothing new.
    """
    partitions = await _partitions(bootstrap, topic)
    consumer = AIOKafkaConsumer(
        **client_options(), bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        newest: ConsumerRecord[Any, Any] | None = None
        while True:
            end = await consumer.end_offsets(partitions)
            while [p for p in partitions if await consumer.position(p) < end[p]]:
                batch = await consumer.getmany(*partitions, timeout_ms=500)
                for records in batch.values():
                    newest = next((r for r in reversed(records) if r.key == key), newest)
            if newest is not None:
                return newest
            if asyncio.get_running_loop().time() > deadline:
                raise DemoError(f"nothing on {topic} under {key.decode()}: is reporting running?")
            await asyncio.sleep(POLL_SECONDS)
    finally:
        await consumer.stop()


async def wait_read_past(bootstrap: str, group: str, record: ConsumerRecord[Any, Any], deadline: float) -> None:
    """Until consumer group `group` has committed an offset after `record`'s."""
    partition = TopicPartition(record.topic, record.partition)
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap)
    await admin.start()
    try:
        while True:
            offsets = await admin.list_consumer_group_offsets(group, partitions=[partition])
            committed = offsets.get(partition)
            if committed is not None and committed.offset > record.offset:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise DemoError(f"consumer group {group} has not read {record.topic} that far: is it running?")
            await asyncio.sleep(POLL_SECONDS)
    finally:
        await admin.close()


async def _partitions(bootstrap: str, topic: str) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if not described or described[0]["error_code"] or not described[0]["partitions"]:
        raise DemoError(f"topic {topic} does not exist: is the system running (make run)?")
    return [
        TopicPartition(topic, p["partition"]) for p in sorted(described[0]["partitions"], key=lambda p: p["partition"])
    ]
