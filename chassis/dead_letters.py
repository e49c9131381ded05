"""Copies unusable records, with the reason, to their topic's dead-letter topic: always whole if they fit.

A dead letter always fits its topic. The copy carries the original headers, ours
(`dlq_*`: why, from where, a hash and the size of the original value) and the
original value; a record close to the size limit would exceed it once our headers
are added, so the value is cut to fit and the copy marked `dlq_truncated: true`
(original headers too large to keep are dropped the same way). The source
coordinates and the hash still name the original, which stays in its topic until
retention removes it. A copy that cannot be written for a transient reason is
retried by the caller; none is ever dropped.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from faststream.kafka import KafkaBroker

from chassis.producer import MAX_REQUEST_BYTES, Producer, Record
from contracts import cloudevents as ce
from contracts.topics import Topic

_MAX_ERROR_LENGTH = 1000
_MAX_KEY_LENGTH = 1000
RECORD_OVERHEAD = 512
"""Bytes kept free for the record batch's and each record's framing (aiokafka's estimate is below this)."""
DEFAULT_LIMIT = MAX_REQUEST_BYTES - 16 * 1024
"""What one dead letter may weigh: under the producer's request limit and the broker's default message.max.bytes."""


@dataclass(frozen=True, slots=True)
class DeadLetter:
    record: Any
    """The consumed aiokafka ConsumerRecord (or a parked copy with the same attributes)."""
    topic: Topic
    group_id: str
    reason: str
    """One of contracts.cloudevents.DLQ_REASON_*."""
    error: str | None
    attempts: int


class DeadLetterPublisher:
    def __init__(
        self, broker: KafkaBroker, producer: Producer, topics: Iterable[Topic] = (), *, limit: int = DEFAULT_LIMIT
    ) -> None:
        self._broker = broker
        self._producer = producer
        self._limit = limit
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
        """Returns once every copy is acknowledged; raises (as the producer does) if any was not."""
        await self._producer.send_all([self.copy(letter) for letter in letters])

    def copy(self, letter: DeadLetter) -> Record:
        """The record to write: the original's key, headers and value, with ours, cut to fit if need be."""
        record = letter.record
        value: bytes = record.value or b""
        ours = {
            ce.DLQ_REASON_HEADER: letter.reason,
            ce.DLQ_ERROR_HEADER: (letter.error or "")[:_MAX_ERROR_LENGTH],
            ce.DLQ_SOURCE_TOPIC_HEADER: record.topic,
            ce.DLQ_SOURCE_PARTITION_HEADER: str(record.partition),
            ce.DLQ_SOURCE_OFFSET_HEADER: str(record.offset),
            ce.DLQ_CONSUMER_GROUP_HEADER: letter.group_id,
            ce.DLQ_ATTEMPTS_HEADER: str(letter.attempts),
            ce.DLQ_ORIGINAL_SIZE_HEADER: str(len(value)),
            ce.DLQ_ORIGINAL_SHA256_HEADER: hashlib.sha256(value).hexdigest(),
        }
        key: bytes | None = record.key
        if key is not None and len(key) > _MAX_KEY_LENGTH:
            key = key[:_MAX_KEY_LENGTH]
            ours[ce.DLQ_TRUNCATED_HEADER] = "true"
        encoded = [(k, v.encode()) for k, v in ours.items()]
        room = self._limit - RECORD_OVERHEAD - len(key or b"") - _size(encoded) - _TRUNCATION_MARK
        original: list[tuple[str, bytes]] = list(record.headers or ())
        kept = original
        if _size(original) + len(value) > room and _size(original) > room // 2:
            kept = _headers_within(original, room // 2)  # the value gets at least half of what room there is
        room -= _size(kept)
        if len(kept) < len(original) or len(value) > room:
            value = value[: max(room, 0)]
            ours[ce.DLQ_TRUNCATED_HEADER] = "true"
        # The original headers are kept as they were, byte for byte, ahead of ours.
        return (letter.topic.dlq, key, value, [*kept, *((k, v.encode()) for k, v in ours.items())])


_TRUNCATION_MARK = len(ce.DLQ_TRUNCATED_HEADER) + len("true") + 8


def _size(headers: Iterable[tuple[str, bytes]]) -> int:
    return sum(len(k.encode()) + len(v) + 8 for k, v in headers)


def _headers_within(headers: Sequence[tuple[str, bytes]], room: int) -> list[tuple[str, bytes]]:
    """The original headers in order, leaving out each one that would not fit in what room is left."""
    kept: list[tuple[str, bytes]] = []
    for header in headers:
        size = _size([header])
        if size <= room:
            kept.append(header)
            room -= size
    return kept
