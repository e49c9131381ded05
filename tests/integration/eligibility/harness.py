"""Runs eligibility against the real servers, apart from everything else on the shared broker.

Every catalogue topic is shared by everyone using the broker: records a test published there
would be consumed (and malformed ones dead-lettered) by the services running on it, and a test
service reading them would decide every earlier run's events. Each test therefore gets its own
copies of eligibility's topics and their dead-letter topics under a unique prefix
(`build(..., topic_prefix=...)`), deleted after it, along with a service name (so consumer
groups) and a database of its own. Every topic the harness takes is a catalogue topic, which it
prefixes: records go to, and are read from, the test's copy. Output and dead-letter topics are
read from the offsets they had before the test acted, filtered by key.
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
from chassis.kafka_security import client_options
from contracts.application import Application
from contracts.base import Payload
from contracts.intake import ApplicationReceived, Channel
from contracts.topics import (
    ELIGIBILITY_APPLICATION_ASSESSED,
    INTAKE_APPLICATION_RECEIVED,
    REPORTING_APPROVAL_CHANGED,
    Topic,
)
from services.eligibility.app import build
from services.eligibility.settings import EligibilitySettings
from tests.integration.kafka_helpers import cloudevent, create_topics, delete_topics, eventually, produce
from tests.running import running

Offsets = dict[TopicPartition, int]
Record = tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]


INPUTS = (INTAKE_APPLICATION_RECEIVED, REPORTING_APPROVAL_CHANGED)
OUTPUTS = (ELIGIBILITY_APPLICATION_ASSESSED,)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def topic_names(prefix: str) -> list[str]:
    """The test's copies of eligibility's inputs and outputs, each with its dead-letter topic."""
    names = [t.prefixed(prefix).name for t in (*INPUTS, *OUTPUTS)]
    return sorted(names + [t.prefixed(prefix).dlq for t in (*INPUTS, *OUTPUTS)])


async def create_eligibility_topics(kafka: str) -> str:
    prefix = f"t{uuid.uuid4().hex[:10]}."
    await create_topics(kafka, topic_names(prefix), partitions=1)
    return prefix


async def delete_eligibility_topics(kafka: str, prefix: str) -> None:
    await delete_topics(kafka, topic_names(prefix))


@dataclass
class Harness:
    kafka: str
    database: AsyncDatabase[dict[str, Any]]
    settings: EligibilitySettings
    name: str
    prefix: str

    def topic(self, topic: Topic) -> Topic:
        """The test's copy of a catalogue topic."""
        return topic.prefixed(self.prefix)

    def group(self, topic: Topic) -> str:
        """The service's consumer group on the test's copy of `topic`."""
        return group_id(self.name, self.topic(topic))

    def event(self, topic: Topic, data: Payload, event_id: str | None = None) -> Record:
        """A CloudEvent on the test's copy of `topic`."""
        return cloudevent(self.topic(topic), data, event_id)

    def arrival(self, application: Application, application_id: str, event_id: str | None = None) -> Record:
        """An ApplicationReceived event as intake writes it, on the test's copy of intake's topic."""
        data = ApplicationReceived(
            application_id=application_id,
            provisional_number=f"P-{application_id}",
            channel=Channel.KAFKA,
            received_at=application.submitted_at,
            application=application,
        )
        return self.event(INTAKE_APPLICATION_RECEIVED, data, event_id)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[httpx.AsyncClient]:
        service = build(self.settings, name=self.name, topic_prefix=self.prefix)
        # Every topic the service reads or writes is one of the test's own copies.
        stray = ({t.name for t in service.inputs} | set(service.publisher.topics)) - set(topic_names(self.prefix))
        assert not stray, f"not among the test's topics: {sorted(stray)}"
        async with running(service) as client:
            yield client

    async def send(self, *records: Record) -> None:
        """Produces the records as given; each names the test's copy of its topic (see `event`)."""
        assert all(topic.startswith(self.prefix) for topic, *_ in records), "a record for an unprefixed topic"
        await produce(self.kafka, records)

    async def ends(self, topic: Topic, *, suffix: str = "") -> Offsets:
        """The end offsets of the test's copy of `topic` (or of `<topic><suffix>`, say its `.dlq`)."""
        name = self.topic(topic).name + suffix
        async with self._consumer() as consumer:
            return dict(await consumer.end_offsets(await _partitions(consumer, name)))

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

    @asynccontextmanager
    async def _consumer(self, **options: Any) -> AsyncIterator[AIOKafkaConsumer]:
        consumer = AIOKafkaConsumer(
            **client_options(), bootstrap_servers=self.kafka, enable_auto_commit=False, **options
        )
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
