"""Runs notification against the real servers on topics, a database and an SMTP sink of the test's own.

The catalogue topics are shared by everyone using the broker, and a new consumer group
starts at the earliest record, so a test service reading them would e-mail every earlier
run's applicants. Each test therefore gets its own copies of notification's topics under a
unique prefix (`build(..., topic_prefix=...)`), its own service name (its own consumer
groups), its own database and its own in-process SMTP sink.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo.asynchronous.database import AsyncDatabase

from chassis.delivery import group_id
from chassis.kafka_security import client_options
from chassis.service import Service
from contracts.base import Payload
from contracts.topics import Topic
from services.notification.adapters.ledger import MongoLedger
from services.notification.app import CONSUMES, OUTPUTS, build
from services.notification.handlers.ports import Ledger
from services.notification.settings import NotificationSettings
from tests.integration.fast_delivery import FAST_DELIVERY
from tests.integration.kafka_helpers import cloudevent, create_topics, delete_topics, eventually, produce
from tests.smtp_sink import SmtpSink

MAIL_FROM = "在留申請オンラインシステム <noreply@example.go.jp>"
DOMAIN = "notice.example.go.jp"
FAST_RETRIES = FAST_DELIVERY


def topic_names(prefix: str) -> list[str]:
    names = [t.prefixed(prefix).name for t in (*CONSUMES, *OUTPUTS)]
    return sorted(names + [name + ".dlq" for name in names])


@dataclass
class Harness:
    kafka: str
    mongodb_uri: str
    database: AsyncDatabase[dict[str, Any]]
    sink: SmtpSink
    prefix: str
    name: str

    def topic(self, topic: Topic) -> Topic:
        return topic.prefixed(self.prefix)

    def settings(self, **overrides: Any) -> NotificationSettings:
        values: dict[str, Any] = {
            "kafka_bootstrap_servers": self.kafka,
            "mongodb_uri": self.mongodb_uri,
            "mongodb_database": self.database.name,
            "mail_from": MAIL_FROM,
            "message_id_domain": DOMAIN,
            "smtp_host": self.sink.host,
            "smtp_port": self.sink.port,
            "smtp_timeout": 2.0,
            "delivery": FAST_RETRIES,
        }
        return NotificationSettings(**(values | overrides))

    def service(
        self, ledger_of: Callable[[AsyncDatabase[dict[str, Any]]], Ledger] = MongoLedger, **overrides: Any
    ) -> Service:
        return build(self.settings(**overrides), name=self.name, topic_prefix=self.prefix, ledger_of=ledger_of)

    async def send(self, *events: tuple[Topic, Payload] | tuple[Topic, Payload, str]) -> None:
        """Produces each (topic, payload[, event id]) on the test's copy of the topic, in order."""
        await produce(self.kafka, [cloudevent(self.topic(e[0]), e[1], e[2] if len(e) > 2 else None) for e in events])

    async def records(self, topic: Topic) -> list[ConsumerRecord[bytes, bytes]]:
        """Everything on the test's copy of `topic` (or its `.dlq` when given a dlq-named topic) so far."""
        partition = TopicPartition(self.topic(topic).name, 0)
        consumer = AIOKafkaConsumer(**client_options(), bootstrap_servers=self.kafka, enable_auto_commit=False)
        await consumer.start()
        try:
            consumer.assign([partition])
            end = (await consumer.end_offsets([partition]))[partition]
            await consumer.seek_to_beginning(partition)
            records: list[ConsumerRecord[bytes, bytes]] = []
            while await consumer.position(partition) < end:
                for batch in (await consumer.getmany(partition, timeout_ms=500)).values():
                    records.extend(batch)
            return records
        finally:
            await consumer.stop()

    async def wait_for(self, topic: Topic, count: int, timeout: float = 90.0) -> list[ConsumerRecord[bytes, bytes]]:
        found: list[ConsumerRecord[bytes, bytes]] = []

        async def enough() -> bool:
            nonlocal found
            found = await self.records(topic)
            return len(found) >= count

        await eventually(enough, timeout=timeout, interval=0.2)
        return found

    async def committed(self, topic: Topic) -> int:
        """The offset the service's consumer group has committed on the test's copy of `topic`."""
        admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=self.kafka)
        await admin.start()
        try:
            offsets = await admin.list_consumer_group_offsets(group_id(self.name, self.topic(topic)))
        finally:
            await admin.close()
        return sum(meta.offset for meta in offsets.values() if meta.offset > 0)


def dlq(topic: Topic) -> Topic:
    return Topic(topic.dlq, topic.payload, topic.key, topic.writer, "dead letters")


def ce_id(record: ConsumerRecord[bytes, bytes]) -> str:
    return dict(record.headers)["ce_id"].decode()


async def create_notification_topics(kafka: str) -> str:
    prefix = f"t{uuid.uuid4().hex[:10]}."
    await create_topics(kafka, topic_names(prefix), partitions=1)
    return prefix


async def delete_notification_topics(kafka: str, prefix: str) -> None:
    await delete_topics(kafka, topic_names(prefix))
