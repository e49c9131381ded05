"""Copies unusable records, whole and with the reason, to their topic's dead-letter topic."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from faststream.kafka import KafkaBroker

from chassis.producer import Producer, Record
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
    def __init__(self, broker: KafkaBroker, producer: Producer, topics: Iterable[Topic] = ()) -> None:
        self._broker = broker
        self._producer = producer
        self._declared: set[str] = set()
        for topic in topics:
            self.declare(topic)

    def declare(self, topic: Topic) -> None:
        """Adds `topic`'s dead-letter topic to this service's outputs (and its AsyncAPI document)."""
        if topic.dlq not in self._declared:
            self._broker.publisher(
                topic.dlq,
                title=f"{topic.dlq}:publish",
                description=f"Records of {topic.name} that could not be handled, with dlq_* headers saying why.",
            )
            self._declared.add(topic.dlq)

    async def send(self, letters: Sequence[DeadLetter]) -> None:
        records: list[Record] = []
        for letter in letters:
            record = letter.record
            reasons = {
                ce.DLQ_REASON_HEADER: letter.reason,
                ce.DLQ_ERROR_HEADER: (letter.error or "")[:_MAX_ERROR_LENGTH],
                ce.DLQ_SOURCE_TOPIC_HEADER: record.topic,
                ce.DLQ_SOURCE_PARTITION_HEADER: str(record.partition),
                ce.DLQ_SOURCE_OFFSET_HEADER: str(record.offset),
                ce.DLQ_CONSUMER_GROUP_HEADER: letter.group_id,
                ce.DLQ_ATTEMPTS_HEADER: str(letter.attempts),
            }
            # The original headers are kept as they were, byte for byte, ahead of ours.
            headers = [*(record.headers or ()), *((k, v.encode()) for k, v in reasons.items())]
            records.append((letter.topic.dlq, record.key, record.value or b"", headers))
        await self._producer.send_all(records)
