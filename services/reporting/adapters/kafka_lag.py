"""Consumer lag of the whole system, read from Kafka: end offsets minus each group's committed offsets.

Every subscription has its own consumer group (`<service>.<topic>`), so the adapter lists the
broker's groups and keeps those the catalogue's topics name (`domain.lag`); a group's lag is the
sum over its topic's partitions of `end - committed`, a partition it never committed counting
from its beginning offset, since groups start at the earliest record. Reporting's own groups
are read even before the broker lists them. The same reading sums the end offsets of the
dead-letter topics: a running total of records ever dead-lettered, which the history turns
into dead letters per hour.

The adapter keeps its own clients (an admin client for groups, topics and committed offsets, a
group-less consumer for end offsets), opened on first use, and caches the answer for a few
seconds: dashboards poll far more often than lag is worth reading. If Kafka cannot be read,
the last answer is served and a warning logged; with no answer yet, the failure is raised.
"""

import asyncio
import time
from collections.abc import Collection, Mapping
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from chassis.kafka_security import client_options
from contracts.topics import DLQ_SUFFIX
from services.reporting.domain.lag import per_service, subscription_of
from services.reporting.handlers.ports import LagReading

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
    def __init__(
        self,
        bootstrap_servers: str,
        own: Mapping[str, str],
        *,
        topics: Collection[str] = (),
        services: Collection[str] = (),
        cache_seconds: float,
        security: dict[str, Any] | None = None,
    ) -> None:
        """`own`: topic name -> reporting's group that reads it; `topics`: every catalogued topic's
        name as this deployment spells it (prefixed), whose groups and dead letters are read;
        `services`: the system's services, whose groups those are (`domain.lag`); `security`:
        chassis.kafka_security.client_options, read from the environment when not given."""
        self._bootstrap = bootstrap_servers
        self._security = client_options() if security is None else security
        self._own = dict(own)
        self._topics = frozenset(topics) | frozenset(own)
        self._services = frozenset(services)
        self._cache_seconds = cache_seconds
        self._lock = asyncio.Lock()
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._cached: LagReading | None = None
        self._read_at = 0.0

    async def lag(self) -> dict[str, int]:
        """Reporting's own lag, per topic."""
        return dict((await self.read()).own)

    async def read(self) -> LagReading:
        async with self._lock:
            if self._cached is None or time.monotonic() - self._read_at >= self._cache_seconds:
                try:
                    self._cached = await self._read()
                    self._read_at = time.monotonic()
                except (TimeoutError, KafkaError, OSError) as error:
                    if self._cached is None:
                        raise
                    log.warning("consumer lag unavailable; serving the last reading", error=type(error).__name__)
            return self._cached

    async def _read(self) -> LagReading:
        admin, consumer = await self._clients()
        listed = {str(group[0]) for group in await admin.list_consumer_groups()}
        groups = {g: found.topic for g in listed if (found := subscription_of(g, self._topics, self._services))}
        groups |= {group: topic for topic, group in self._own.items()}
        # All topics in one metadata request: naming a missing one could have the broker create it.
        partitions: dict[str, list[TopicPartition]] = {}
        for described in await admin.describe_topics():
            name = described["topic"]
            if name in self._topics or name.removesuffix(DLQ_SUFFIX) in self._topics:
                partitions[name] = [TopicPartition(name, p["partition"]) for p in described.get("partitions", ())]
        offsets = await asyncio.gather(*(admin.list_consumer_group_offsets(group) for group in groups))
        every = [tp for tps in partitions.values() for tp in tps]
        ends = await consumer.end_offsets(every) if every else {}
        beginnings = await consumer.beginning_offsets(every) if every else {}
        by_group: dict[str, int] = {}
        for (group, topic), committed in zip(groups.items(), offsets, strict=True):
            mine = {tp: meta.offset for tp, meta in committed.items() if tp.topic == topic and meta.offset >= 0}
            read = {tp: ends[tp] for tp in partitions.get(topic, ()) if tp in ends}
            by_group[group] = lag_per_topic(read, mine, beginnings).get(topic, 0)
        dead = sum(end for tp, end in ends.items() if tp.topic.endswith(DLQ_SUFFIX))
        own = {topic: by_group.get(group, 0) for topic, group in self._own.items()}
        return LagReading(own=own, by_service=per_service(by_group, self._topics, self._services), dead_letters=dead)

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._consumer is None:
            admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, client_id="reporting-lag", **self._security)
            consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, enable_auto_commit=False, **self._security)
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
