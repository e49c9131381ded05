"""Runs reporting against the real servers on topics and a database of the test's own.

Every catalogue topic is shared by everyone using the broker, and a new consumer group starts
at the earliest record, so a test service reading the shared topics would fold in every
earlier run's events (and publish lapses for them). Each test therefore gets its own copies of
reporting's topics under a unique prefix (`build(..., topic_prefix=...)`), its own service
name (so its own consumer groups) and its own database.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import FixedClock
from chassis.kafka_security import client_options
from chassis.service import Service
from contracts.base import Payload
from contracts.calendar import JST
from contracts.organisations import ApprovalChanged
from contracts.topics import REPORTING_APPROVAL_CHANGED, Topic
from services.reporting.app import BUREAU, COUNTED, OUTPUTS, build
from services.reporting.settings import ReportingSettings
from tests.integration.fast_delivery import FAST_DELIVERY
from tests.integration.kafka_helpers import cloudevent, create_topics, delete_topics, eventually, produce


def noon(day: date) -> datetime:
    """Midday in Japan: the scheduler's 'today' is Japan's calendar day."""
    return datetime.combine(day, time(12), tzinfo=JST)


def topic_names(prefix: str) -> list[str]:
    names = [t.prefixed(prefix).name for t in {*BUREAU, *COUNTED, *OUTPUTS}]
    return sorted(names + [name + ".dlq" for name in names])


async def create_reporting_topics(kafka: str) -> str:
    prefix = f"t{uuid.uuid4().hex[:10]}."
    await create_topics(kafka, topic_names(prefix), partitions=1)
    return prefix


async def delete_reporting_topics(kafka: str, prefix: str) -> None:
    await delete_topics(kafka, topic_names(prefix))


@dataclass
class Change:
    id: str
    data: ApprovalChanged


@dataclass
class Reporting:
    kafka: str
    mongodb_uri: str
    database: AsyncDatabase[dict[str, Any]]
    prefix: str
    clock: FixedClock
    name: str

    def topic(self, topic: Topic) -> Topic:
        return topic.prefixed(self.prefix)

    def service(self, name: str | None = None) -> Service:
        settings = ReportingSettings(
            kafka_bootstrap_servers=self.kafka,
            mongodb_uri=self.mongodb_uri,
            mongodb_database=self.database.name,
            schedule_interval_seconds=0.1,
            figures_interval_seconds=0.5,
            relay_interval_seconds=0.2,
            outbox_grace_seconds=10.0,
            lag_cache_seconds=0.2,
            figures_rollup_interval_seconds=0.1,
            history_sample_seconds=0.2,
            delivery=FAST_DELIVERY,
        )
        return build(settings, clock=self.clock, name=name or self.name, topic_prefix=self.prefix)

    async def send(self, *events: tuple[Topic, Payload] | tuple[Topic, Payload, str]) -> None:
        """Produces each (topic, payload[, event id]) on the test's copy of the topic, in order."""
        await produce(self.kafka, [cloudevent(self.topic(e[0]), e[1], e[2] if len(e) > 2 else None) for e in events])

    async def records(self, topic: Topic, *, suffix: str = "") -> list[ConsumerRecord[bytes, bytes]]:
        """Everything on the test's copy of `topic` (or of `<topic><suffix>`, say its `.dlq`) so far."""
        partition = TopicPartition(self.topic(topic).name + suffix, 0)
        consumer = AIOKafkaConsumer(
            **client_options(), bootstrap_servers=self.kafka, enable_auto_commit=False, auto_offset_reset="earliest"
        )
        await consumer.start()
        try:
            consumer.assign([partition])
            end = (await consumer.end_offsets([partition]))[partition]
            records: list[ConsumerRecord[bytes, bytes]] = []
            while await consumer.position(partition) < end:
                for batch in (await consumer.getmany(partition, timeout_ms=500)).values():
                    records.extend(batch)
            return records
        finally:
            await consumer.stop()

    async def dead_letters(self) -> list[ConsumerRecord[bytes, bytes]]:
        """Everything on the dead-letter topics of what reporting consumes."""
        return [r for topic in (*BUREAU, *COUNTED) for r in await self.records(topic, suffix=".dlq")]

    async def changes(self) -> list[Change]:
        return [
            Change(dict(r.headers)["ce_id"].decode(), ApprovalChanged.model_validate_json(r.value))
            for r in await self.records(REPORTING_APPROVAL_CHANGED)
        ]

    async def wait_for_changes(self, count: int) -> list[Change]:
        found: list[Change] = []

        async def enough() -> bool:
            nonlocal found
            found = await self.changes()
            return len(found) >= count

        await eventually(enough, timeout=30)
        return found

    async def at(self, day: date, *, instances: int = 1) -> None:
        """Moves the clock to `day` and waits until `instances` schedulers have run a whole tick on it."""
        self.clock.set(noon(day))

        async def ran() -> bool:
            return await self.database["scheduler_runs"].count_documents({"today": day.isoformat()}) >= instances

        await eventually(ran, timeout=60, interval=0.05)


def summary(changes: Sequence[Change]) -> list[tuple[str, str, int, date]]:
    """(approval, change, revision, day it was emitted in Japan) per change, in topic order."""
    return [
        (c.data.approval_id, c.data.change.value, c.data.revision, c.data.occurred_at.astimezone(JST).date())
        for c in changes
    ]
