"""Shared set-up for the benchmarks: scratch topics, fast bulk producing, waiting on committed offsets."""

import asyncio
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from chassis.cloudevents import Outgoing, encode
from chassis.kafka_security import client_options
from contracts.base import Payload
from contracts.topics import Topic
from tests.integration import kafka_helpers

BOOTSTRAP = "127.0.0.1:9092"


def scratch(payload: type[Payload], key: str, label: str) -> Topic:
    return Topic(f"bench.{label}-{uuid.uuid4().hex[:8]}.v1", payload, key, "bench", label)


async def create_topics(names: Iterable[str], partitions: int = 4, bootstrap: str | None = None) -> None:
    await kafka_helpers.create_topics(bootstrap or BOOTSTRAP, list(names), partitions)


async def produce_events(topic: Topic, payloads: Iterable[Payload], bootstrap: str | None = None) -> int:
    """Loads the input topic as fast as the client allows (not part of any measured figure). `bootstrap`:
    BOOTSTRAP as it is when called (bench/security.py points it at one broker, then another)."""
    producer = AIOKafkaProducer(
        **client_options(), bootstrap_servers=bootstrap or BOOTSTRAP, acks=1, linger_ms=20, max_batch_size=512 * 1024
    )
    await producer.start()
    count = 0
    try:
        pending = []
        now = datetime.now(UTC)
        for payload in payloads:
            key, value, headers = encode(Outgoing(topic, payload, uuid.uuid4().hex, now), "/bench")
            pending.append(
                await producer.send(topic.name, value, key=key, headers=[(k, v.encode()) for k, v in headers.items()])
            )
            count += 1
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return count


async def wait_committed(
    group: str, topic: str, total: int, timeout: float = 600.0, bootstrap: str | None = None
) -> float:
    """Seconds until `group` has committed `total` records of `topic`."""
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap or BOOTSTRAP)
    await admin.start()
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < timeout:
            offsets = await admin.list_consumer_group_offsets(group)
            done = sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset > 0)
            if done >= total:
                return time.perf_counter() - started
            await asyncio.sleep(0.05)
        raise TimeoutError(f"{group} did not commit {total} records of {topic} in {timeout}s")
    finally:
        await admin.close()


def rss_mb(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) of a process, this one by default; NaN if it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def cleanup(topics: Iterable[str], database: str, mongodb_uri: str) -> None:
    """Drops a benchmark's scratch database and deletes its scratch topics."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_uri)
    await client.drop_database(database)
    await client.close()
    await kafka_helpers.delete_topics(BOOTSTRAP, list(topics))


__all__ = [
    "BOOTSTRAP",
    "TopicPartition",
    "cleanup",
    "create_topics",
    "produce_events",
    "rss_mb",
    "scratch",
    "wait_committed",
]
