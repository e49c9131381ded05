"""Reading topics from outside any consumer group: a snapshot up to the end offsets seen at the start.

The tool must not join a group (it would take partitions from a running service),
and must end even while services keep writing, so it reads each partition from its
beginning up to the end offset it saw when it started.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any, TypeAlias

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from chassis.kafka_security import client_options
from contracts.topics import DLQ_SUFFIX

Record: TypeAlias = Any
"""aiokafka's ConsumerRecord (topic, partition, offset, timestamp, key, value, headers), untyped for mypy."""


def _consumer(bootstrap: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        **client_options(),
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        client_id="ops.deadletters",
        auto_offset_reset="earliest",
    )


@contextlib.asynccontextmanager
async def admin_client(bootstrap: str) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap, client_id="ops.deadletters")
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


async def dead_letter_topics(bootstrap: str, prefix: str = "") -> list[str]:
    """Every `<topic>.dlq` on the broker whose name starts with `prefix`, sorted."""
    async with admin_client(bootstrap) as admin:
        names = await admin.list_topics()
    return sorted(n for n in names if n.endswith(DLQ_SUFFIX) and n.startswith(prefix))


async def partitions(bootstrap: str, topics: Sequence[str]) -> list[TopicPartition]:
    """The partitions of those of `topics` that exist, in order."""
    async with admin_client(bootstrap) as admin:
        described = await admin.describe_topics(list(topics))
    found = {d["topic"]: sorted(p["partition"] for p in d["partitions"]) for d in described if not d["error_code"]}
    return [TopicPartition(t, p) for t in topics for p in found.get(t, ())]


async def ensure_topic(bootstrap: str, name: str, *, replication_factor: int, configs: dict[str, str]) -> None:
    """Creates `name` (one partition) unless it is there already."""
    async with admin_client(bootstrap) as admin:
        if name not in await admin.list_topics():
            await admin.create_topics([NewTopic(name, 1, replication_factor, topic_configs=configs)])


async def read_all(bootstrap: str, topics: Sequence[str], timeout: float = 60.0) -> list[Record]:
    """Every record of `topics` up to the end offsets at the start, in partition order."""
    assigned = await partitions(bootstrap, topics)
    if not assigned:
        return []
    consumer = _consumer(bootstrap)
    await consumer.start()
    try:
        consumer.assign(assigned)
        ends = await consumer.end_offsets(assigned)
        # Explicit seeks: seek_to_beginning races the reset that assign() starts, and may lose to it.
        for tp, first in (await consumer.beginning_offsets(assigned)).items():
            consumer.seek(tp, first)
        records: dict[TopicPartition, list[Record]] = {tp: [] for tp in assigned}
        async with asyncio.timeout(timeout):
            while pending := [tp for tp in assigned if await consumer.position(tp) < ends[tp]]:
                batch = await consumer.getmany(*pending, timeout_ms=500)
                for tp, got in batch.items():
                    records[tp].extend(r for r in got if r.offset < ends[tp])
        return [r for tp in assigned for r in records[tp]]
    finally:
        await consumer.stop()


async def read_one(bootstrap: str, topic: str, partition: int, offset: int, timeout: float = 10.0) -> Record | None:
    """The record at these coordinates, or None when retention or compaction removed it."""
    tp = TopicPartition(topic, partition)
    if tp not in await partitions(bootstrap, [topic]):
        return None
    consumer = _consumer(bootstrap)
    await consumer.start()
    try:
        consumer.assign([tp])
        first = (await consumer.beginning_offsets([tp]))[tp]
        end = (await consumer.end_offsets([tp]))[tp]
        if not first <= offset < end:
            return None
        consumer.seek(tp, offset)
        async with asyncio.timeout(timeout):
            while await consumer.position(tp) < end:
                for record in (await consumer.getmany(tp, timeout_ms=500)).get(tp, []):
                    if record.offset >= offset:
                        return record if record.offset == offset else None
        return None
    finally:
        await consumer.stop()


def header_map(record: Any) -> dict[str, str]:
    """A record's headers as text, the last of a repeated name winning (ours come after the original's)."""
    return {k: v.decode("utf-8", "replace") for k, v in (record.headers or ())}
