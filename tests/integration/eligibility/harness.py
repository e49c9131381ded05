"""Runs eligibility against the real servers, apart from everything else on the shared broker.

The service reads and writes the real catalogue topics, as in production, under a name
of its own (so its consumer groups are its own) and with a database of its own. Before
it starts, its groups are committed at the end of each input topic, so it decides only
what the test produces rather than every earlier run's events. Output and dead-letter
topics are read from the offsets they had before the test acted, filtered by key.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pymongo.asynchronous.database import AsyncDatabase

from chassis.delivery import group_id
from contracts.application import Application
from contracts.intake import ApplicationReceived, Channel
from contracts.topics import INTAKE_APPLICATION_RECEIVED
from services.eligibility.app import build
from services.eligibility.settings import EligibilitySettings
from tests.integration.kafka_helpers import cloudevent, eventually, produce
from tests.running import running

Offsets = dict[TopicPartition, int]
Record = tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def arrival(application: Application, application_id: str, event_id: str | None = None) -> Record:
    """An ApplicationReceived event as intake writes it."""
    data = ApplicationReceived(
        application_id=application_id,
        provisional_number=f"P-{application_id}",
        channel=Channel.KAFKA,
        received_at=application.submitted_at,
        application=application,
    )
    return cloudevent(INTAKE_APPLICATION_RECEIVED, data, event_id)


@dataclass
class Harness:
    kafka: str
    database: AsyncDatabase[dict[str, Any]]
    settings: EligibilitySettings
    name: str

    @asynccontextmanager
    async def running(self) -> AsyncIterator[httpx.AsyncClient]:
        service = build(self.settings, name=self.name)
        await asyncio.gather(*(self._start_at_end(group_id(self.name, t), t.name) for t in service.inputs))
        async with running(service) as client:
            yield client

    async def send(self, *records: Record) -> None:
        await produce(self.kafka, records)

    async def ends(self, topic: str) -> Offsets:
        async with self._consumer() as consumer:
            return dict(await consumer.end_offsets(await _partitions(consumer, topic)))

    async def read(self, since: Offsets, keys: Collection[str], count: int) -> list[ConsumerRecord[bytes, bytes]]:
        """At least `count` records keyed by one of `keys` after `since`, and any others that follow within 0.5 s."""
        wanted = {key.encode() for key in keys}
        found: list[ConsumerRecord[bytes, bytes]] = []
        async with self._consumer() as consumer:
            consumer.assign(list(since))
            for partition, offset in since.items():
                consumer.seek(partition, offset)
            loop = asyncio.get_running_loop()
            deadline, settled = loop.time() + 30, None
            while loop.time() < (settled or deadline):
                batch = await consumer.getmany(timeout_ms=100)
                found.extend(r for records in batch.values() for r in records if r.key in wanted)
                if settled is None and len(found) >= count:
                    settled = loop.time() + 0.5
        assert len(found) >= count, f"{len(found)} of {count} records within 30 s"
        return found

    async def projected(self, approval_id: str, revision: int) -> None:
        """Waits until the approvals projection holds `revision` of the approval."""

        async def holds() -> bool:
            document = await self.database["approvals"].find_one({"_id": approval_id})
            return document is not None and document["revision"] >= revision

        await eventually(holds, timeout=20, interval=0.05)

    async def _start_at_end(self, group: str, topic: str) -> None:
        async with self._consumer(group_id=group) as consumer:
            partitions = await _partitions(consumer, topic)
            consumer.assign(partitions)
            await consumer.commit(await consumer.end_offsets(partitions))

    @asynccontextmanager
    async def _consumer(self, **options: Any) -> AsyncIterator[AIOKafkaConsumer]:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.kafka, enable_auto_commit=False, **options)
        await consumer.start()
        try:
            yield consumer
        finally:
            await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> Sequence[TopicPartition]:
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        # `topics()` lists names without filling in partitions; aiokafka has no public refresh.
        await consumer._client.force_metadata_update()
        partitions = consumer.partitions_for_topic(topic) or set()
    assert partitions, f"topic {topic} has no partitions"
    return [TopicPartition(topic, p) for p in sorted(partitions)]
