"""Copies unusable records, whole and with the reason, to their topic's dead-letter topic."""

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from faststream.kafka import KafkaBroker
from faststream.kafka.publisher.usecase import DefaultPublisher

from contracts import cloudevents as ce
from contracts.topics import Topic

_MAX_ERROR_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class DeadLetter:
    record: Any
    """The consumed aiokafka ConsumerRecord."""
    topic: Topic
    group_id: str
    reason: str
    """malformed, transient or failed."""
    error: str | None
    attempts: int


class DeadLetterPublisher:
    def __init__(self, broker: KafkaBroker, topics: Iterable[Topic] = ()) -> None:
        self._broker = broker
        self._publishers: dict[str, DefaultPublisher] = {}
        for topic in topics:
            self.declare(topic)

    def declare(self, topic: Topic) -> None:
        """Adds `topic`'s dead-letter topic to this service's outputs (and its AsyncAPI document)."""
        if topic.dlq not in self._publishers:
            self._publishers[topic.dlq] = self._broker.publisher(
                topic.dlq,
                title=f"{topic.dlq}:publish",
                description=f"Records of {topic.name} that could not be handled, with dlq_* headers saying why.",
            )

    async def send(self, letters: Sequence[DeadLetter]) -> None:
        pending = []
        for letter in letters:
            record = letter.record
            headers = {k: v.decode(errors="replace") for k, v in (record.headers or ())}
            headers.update(
                {
                    ce.DLQ_REASON_HEADER: letter.reason,
                    ce.DLQ_ERROR_HEADER: (letter.error or "")[:_MAX_ERROR_LENGTH],
                    ce.DLQ_SOURCE_TOPIC_HEADER: record.topic,
                    ce.DLQ_SOURCE_PARTITION_HEADER: str(record.partition),
                    ce.DLQ_SOURCE_OFFSET_HEADER: str(record.offset),
                    ce.DLQ_CONSUMER_GROUP_HEADER: letter.group_id,
                    ce.DLQ_ATTEMPTS_HEADER: str(letter.attempts),
                }
            )
            publisher = self._publishers[letter.topic.dlq]
            pending.append(
                await publisher.publish(record.value or b"", key=record.key, headers=headers, no_confirm=True)
            )
        if pending:
            await asyncio.gather(*pending)
