"""Dead letters written the way the chassis writes them, on topics of a prefix of their own per test."""

import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker

from chassis.dead_letters import DEFAULT_LIMIT, DeadLetter, DeadLetterPublisher
from chassis.producer import Producer
from contracts.topics import EXAMINATION_DECISION_MADE, PORTAL_APPLICATION_SUBMITTED, Topic
from ops.ledger import LEDGER_TOPIC
from ops.reading import read_all
from tests.integration.kafka_helpers import create_topics, delete_topics, produce

Raw = tuple[bytes, bytes, list[tuple[str, bytes]]]
"""(key, value, headers) of an original record."""


@dataclass
class Copy:
    """An isolated set of topics: two source topics and their dead-letter topics under one prefix."""

    kafka: str
    prefix: str
    submissions: Topic
    decisions: Topic

    async def dead_letter(
        self, topic: Topic, originals: Sequence[Raw], *, reason: str, group: str = "intake", limit: int | None = None
    ) -> list[str]:
        """Writes `originals` to `topic`, reads them back and dead-letters each as `group`; returns the originals'
        coordinates."""
        before = {(r.partition, r.offset) for r in await read_all(self.kafka, [topic.name])}
        await produce(self.kafka, [(topic.name, k, v, h) for k, v, h in originals])
        records = [r for r in await read_all(self.kafka, [topic.name]) if (r.partition, r.offset) not in before]
        return await self.dead_letter_records(topic, records, reason=reason, group=group, limit=limit)

    async def dead_letter_records(
        self, topic: Topic, records: Sequence[Any], *, reason: str, group: str, limit: int | None = None
    ) -> list[str]:
        # Only its copy() is used: the records are written as the chassis would write them.
        publisher = DeadLetterPublisher(KafkaBroker(), Producer(self.kafka, "tests"), limit=limit or DEFAULT_LIMIT)
        copies = [
            publisher.copy(DeadLetter(r, topic, f"{self.prefix}{group}.{topic.name}", reason, "boom", 1))
            for r in records
        ]
        await produce(self.kafka, copies)
        return [f"{r.topic}:{r.partition}:{r.offset}" for r in records]


@pytest.fixture
async def copy(kafka: str) -> AsyncIterator[Copy]:
    prefix = f"test-ops-{uuid.uuid4().hex[:8]}."
    submissions, decisions = (t.prefixed(prefix) for t in (PORTAL_APPLICATION_SUBMITTED, EXAMINATION_DECISION_MADE))
    names = [submissions.name, submissions.dlq, decisions.name, decisions.dlq]
    await create_topics(kafka, names)
    yield Copy(kafka, prefix, submissions, decisions)
    await delete_topics(kafka, names)
    with contextlib.suppress(KafkaError):  # only the commands that read the ledger create it
        await delete_topics(kafka, [prefix + LEDGER_TOPIC])
