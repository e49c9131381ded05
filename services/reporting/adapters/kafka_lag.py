"""Consumer lag per topic, read from Kafka: end offsets minus the group's committed offsets.

Each subscription has its own consumer group (`<service>.<topic>`), so the lag of a topic is
the sum over its partitions of `end - committed`; a partition the group never committed counts
from its beginning offset, since groups start at the earliest record. The adapter keeps its own
clients (an admin client for committed offsets, a group-less consumer for end offsets), opened
on first use, and caches the answer for a few seconds: dashboards poll far more often than lag
is worth reading. If Kafka cannot be read, the last answer is served and a warning logged; with
no answer yet, the failure is raised.
"""

import asyncio
import time
from collections.abc import Mapping

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

log = structlog.get_logger("reporting.lag")


def lag_per_topic(
    ends: Mapping[TopicPartition, int],
    committed: Mapping[TopicPartition, int],
    beginnings: Mapping[TopicPartition, int],
) -> dict[str, int]:
    """Records not yet consumed, per topic; never negative."""
    lag: dict[str, int] = {}
    for partition, end in ends.items():
        position = committed.get(partition, beginnings.get(partition, 0))
        lag[partition.topic] = lag.get(partition.topic, 0) + max(end - position, 0)
    return lag


class KafkaLag:
    def __init__(self, bootstrap_servers: str, groups: Mapping[str, str], *, cache_seconds: float) -> None:
        self._bootstrap = bootstrap_servers
        self._groups = dict(groups)
        """Topic name -> the consumer group that reads it."""
        self._cache_seconds = cache_seconds
        self._lock = asyncio.Lock()
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._cached: dict[str, int] | None = None
        self._read_at = 0.0

    async def lag(self) -> dict[str, int]:
        async with self._lock:
            if self._cached is None or time.monotonic() - self._read_at >= self._cache_seconds:
                try:
                    self._cached = await self._read()
                    self._read_at = time.monotonic()
                except (TimeoutError, KafkaError, OSError) as error:
                    if self._cached is None:
                        raise
                    log.warning("consumer lag unavailable; serving the last reading", error=type(error).__name__)
            return dict(self._cached)

    async def _read(self) -> dict[str, int]:
        admin, consumer = await self._clients()
        described = await admin.describe_topics(list(self._groups))
        partitions = [
            TopicPartition(topic["topic"], partition["partition"])
            for topic in described
            if topic["topic"] in self._groups
            for partition in topic.get("partitions", ())
        ]
        group_offsets = await asyncio.gather(*(admin.list_consumer_group_offsets(g) for g in self._groups.values()))
        committed = {
            partition: meta.offset
            for topic, offsets in zip(self._groups, group_offsets, strict=True)
            for partition, meta in offsets.items()
            if partition.topic == topic and meta.offset >= 0
        }
        ends = await consumer.end_offsets(partitions) if partitions else {}
        never = [partition for partition in partitions if partition not in committed]
        beginnings = await consumer.beginning_offsets(never) if never else {}
        return {topic: 0 for topic in self._groups} | lag_per_topic(ends, committed, beginnings)

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._consumer is None:
            admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, client_id="reporting-lag")
            consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, enable_auto_commit=False)
            await admin.start()
            await consumer.start()
            self._admin, self._consumer = admin, consumer
        return self._admin, self._consumer

    async def close(self) -> None:
        async with self._lock:
            if self._consumer is not None:
                await self._consumer.stop()
            if self._admin is not None:
                await self._admin.close()
            self._admin = self._consumer = None
