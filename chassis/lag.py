"""Consumer lag of a service's own groups, for /metrics: per partition, end offset minus committed offset.

`KafkaOffsets` reads it (an admin client for the groups' committed offsets, a group-less
consumer for end offsets, both opened on first use); a partition the group never committed
counts from its beginning offset, since groups start at the earliest record. `ConsumerLag`
serves it as the gauge `delivery_consumer_lag{topic,group,partition}`: read when /metrics
is scraped, at most once per `cache_seconds` (scrapers and several of them poll far more
often than lag is worth reading), within `timeout_seconds`. A read that fails or is slow
never fails /metrics: the last reading is served (none before the first) and a warning logged.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from chassis.kafka_security import client_options

log = structlog.get_logger("chassis.lag")

Partition = tuple[str, str, int]
"""(topic, group, partition)"""
Reading = dict[Partition, int]
NAME = "delivery_consumer_lag"
HELP = "Records on the partition the group has not consumed yet: end offset minus committed offset."
LABELS = ("topic", "group", "partition")


def lag_per_partition(
    group: str,
    ends: Mapping[TopicPartition, int],
    committed: Mapping[TopicPartition, int],
    beginnings: Mapping[TopicPartition, int],
) -> Reading:
    """Records not yet consumed by `group`, per partition of `ends`; never negative."""
    return {
        (p.topic, group, p.partition): max(end - committed.get(p, beginnings.get(p, 0)), 0) for p, end in ends.items()
    }


class KafkaOffsets:
    def __init__(
        self,
        bootstrap_servers: str | list[str],
        subscriptions: Callable[[], Iterable[tuple[str, str]]],
        *,
        client_id: str,
        security: dict[str, Any] | None = None,
    ) -> None:
        """`security`: chassis.kafka_security.client_options; read from the environment when not given."""
        self._bootstrap = bootstrap_servers
        self._security = client_options() if security is None else security
        self._subscriptions = subscriptions
        """(topic, group) pairs: asked at each read, as subscriptions are declared after construction."""
        self._client_id = client_id
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def read(self) -> Reading:
        subscriptions = list(self._subscriptions())
        if not subscriptions:
            return {}
        admin, consumer = await self._clients()
        described = await admin.describe_topics(sorted({topic for topic, _ in subscriptions}))
        partitions = {
            t["topic"]: [TopicPartition(t["topic"], p["partition"]) for p in t.get("partitions", ())] for t in described
        }
        everything = [p for found in partitions.values() for p in found]
        ends = await consumer.end_offsets(everything) if everything else {}
        offsets = await asyncio.gather(*(admin.list_consumer_group_offsets(g) for _, g in subscriptions))
        committed = {
            (topic, group): {p: meta.offset for p, meta in found.items() if p.topic == topic and meta.offset >= 0}
            for (topic, group), found in zip(subscriptions, offsets, strict=True)
        }
        never = {p for (topic, _), mine in committed.items() for p in partitions.get(topic, ()) if p not in mine}
        beginnings = await consumer.beginning_offsets(list(never)) if never else {}
        reading: Reading = {}
        for (topic, group), mine in committed.items():
            own_ends = {p: ends[p] for p in partitions.get(topic, ()) if p in ends}
            reading |= lag_per_partition(group, own_ends, mine, beginnings)
        return reading

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._consumer is None:
            admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, client_id=self._client_id, **self._security)
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self._bootstrap, client_id=self._client_id, enable_auto_commit=False, **self._security
            )
            try:
                await admin.start()
                await consumer.start()
            except BaseException:  # a half-started pair is closed; the next read starts afresh
                await _quietly(admin.close())
                await _quietly(consumer.stop())
                raise
            self._admin, self._consumer = admin, consumer
        return self._admin, self._consumer

    async def close(self) -> None:
        admin, consumer, self._admin, self._consumer = self._admin, self._consumer, None, None
        if consumer is not None:
            await _quietly(consumer.stop())
        if admin is not None:
            await _quietly(admin.close())


class ConsumerLag(Collector):
    def __init__(
        self, read: Callable[[], Awaitable[Reading]], *, cache_seconds: float = 5.0, timeout_seconds: float = 5.0
    ) -> None:
        self._read = read
        self._cache_seconds = cache_seconds
        self._timeout = timeout_seconds
        self._lock = asyncio.Lock()
        self._last: Reading = {}
        self._read_at: float | None = None

    async def refresh(self) -> None:
        async with self._lock:
            if self._read_at is not None and time.monotonic() - self._read_at < self._cache_seconds:
                return
            try:
                self._last = await asyncio.wait_for(self._read(), self._timeout)
                self._read_at = time.monotonic()
            except Exception as error:  # /metrics must answer whatever Kafka does: the last reading stands
                log.warning("consumer lag unavailable; serving the last reading", error=type(error).__name__)

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(NAME, HELP, labels=LABELS)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(NAME, HELP, labels=LABELS)
        for (topic, group, partition), lag in sorted(self._last.items()):
            family.add_metric([topic, group, str(partition)], lag)
        yield family


async def _quietly(closing: Awaitable[object]) -> None:
    try:
        await closing
    except Exception as error:  # closing a client that never connected may fail; nothing is left to do
        log.debug("closing a lag client failed", error=type(error).__name__)
