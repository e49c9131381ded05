"""Poison records: every way a record on an input topic can be unusable, built for one topic at a time.

Why each kind: one per reason the chassis's decoder rejects a record (not a CloudEvent, a
header that is not UTF-8, another topic's type, another spec version or content type, no
value, a tombstone, data that is not JSON, not UTF-8, nested past any parser's limit, or
JSON that fails the contract, a `ce_time` that is no time), plus, on the portal's topic,
submissions that are well formed but must be refused (a submission id reused with other
content, attachments over the limit) and one record a few bytes under the broker's
`max.message.bytes`, whose dead-letter copy (the record plus the dlq_* headers) cannot
fit unless it is cut. A poison record must never change the state of anything, so the
examination kinds are all malformed: a well-formed examination event would be work.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiokafka.record.default_records import DefaultRecordBatchBuilder
from aiokafka.record.util import size_of_varint_py

from bench._stack import REPO
from chassis.cloudevents import Outgoing, encode
from contracts import cloudevents as ce
from contracts.application import Application, Attachment
from contracts.base import Payload
from contracts.topics import INTAKE_APPLICATION_RECEIVED, Topic

Headers = list[tuple[str, bytes]]
BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588
BATCH_HEADER_BYTES = 61
"""A v2 record batch's fixed header; the broker's limit applies to the whole batch of one record."""
UNDER_LIMIT_BY = 16


@dataclass(frozen=True)
class Poison:
    kind: str
    topic: str
    key: bytes | None
    value: bytes | None
    headers: Headers


def max_message_bytes(template: Path = REPO / "deploy" / "kafka" / "server.properties.template") -> int:
    """The broker's `message.max.bytes` as deploy/ configures it, else Kafka's default."""
    for line in template.read_text().splitlines():
        name, _, value = line.partition("=")
        if name.strip() == "message.max.bytes":
            return int(value)
    return BROKER_DEFAULT_MAX_MESSAGE_BYTES


def malformed(topic: Topic, sample: Payload, event_id: str) -> Iterator[Poison]:
    """Each kind the decoder must reject, on `topic`, next to a valid `sample` of its payload."""
    key, value, attrs = encode(Outgoing(topic, sample, event_id, datetime.now(UTC)), "/bench/poison")
    good = [(k, v.encode()) for k, v in attrs.items()]

    def swap(name: str, new: bytes) -> Headers:
        return [(k, new if k == name else v) for k, v in good]

    as_dict = json.loads(value)
    as_dict[topic.key] = ["not", "an", "identifier"]
    kinds: dict[str, tuple[bytes | None, Headers]] = {
        "not-a-cloudevent": (value, []),
        "header-not-utf8": (value, swap(ce.HEADER_PREFIX + "id", b"\xff\xfe")),
        "another-topics-type": (
            value,
            swap(ce.HEADER_PREFIX + "type", INTAKE_APPLICATION_RECEIVED.event_type.encode()),
        ),
        "unknown-specversion": (value, swap(ce.HEADER_PREFIX + "specversion", b"0.3")),
        "not-json-content-type": (value, swap(ce.CONTENT_TYPE_HEADER, b"application/xml")),
        "bad-time": (value, swap(ce.HEADER_PREFIX + "time", b"yesterday at noon")),
        "empty-value": (b"", good),
        "tombstone": (None, good),
        "not-json": (b"{not json", good),
        "value-not-utf8": (b'{"x": "\xff\xfe"}', good),
        "nested-too-deep": (b"[" * 50_000 + b"]" * 50_000, good),
        "json-not-an-object": (b"[1, 2, 3]", good),
        "empty-object": (b"{}", good),
        "key-field-wrong-type": (json.dumps(as_dict).encode(), good),
    }
    for kind, (data, headers) in kinds.items():
        yield Poison(kind, topic.name, key, data, headers)


def refused(topic: Topic, original: Application, event_id: str) -> Iterator[Poison]:
    """Well-formed submissions intake must refuse: `original`'s id with other content, attachments too large."""
    reused = original.model_copy(update={"applicant": original.applicant.model_copy(update={"name": "SOMEONE ELSE"})})
    # Each attachment within its own limit, together over the application's (25 MiB).
    big = tuple(
        Attachment(document_type=kind, file_name=f"{kind}.pdf", size_bytes=20 * 1024**2, sha256="b" * 64)
        for kind in ("passport_copy", "activity_evidence")
    )
    too_large = original.model_copy(
        update={"submission_id": "poison-too-large", "form": original.form.model_copy(update={"attachments": big})}
    )
    for kind, payload in (("submission-id-reused", reused), ("attachments-too-large", too_large)):
        key, value, attrs = encode(Outgoing(topic, payload, f"{event_id}-{kind}", datetime.now(UTC)), "/bench/poison")
        yield Poison(kind, topic.name, key, value, [(k, v.encode()) for k, v in attrs.items()])


def near_limit(topic: Topic, sample: Payload, event_id: str, limit: int) -> Poison:
    """A record whose one-record batch is UNDER_LIMIT_BY bytes under `limit`; its data fails the contract."""
    key, _, attrs = encode(Outgoing(topic, sample, event_id, datetime.now(UTC)), "/bench/poison")
    headers = [(k, v.encode()) for k, v in attrs.items()]
    target = limit - UNDER_LIMIT_BY
    padding = target - BATCH_HEADER_BYTES
    while True:  # the record's length prefixes grow with the value, so settle on the size by stepping
        value = b'{"padding": "' + b"x" * padding + b'"}'
        body = 3 + DefaultRecordBatchBuilder.size_of(key, value, headers)  # attributes, offset and time deltas
        size = BATCH_HEADER_BYTES + size_of_varint_py(body) + body
        if size == target:
            return Poison("near-max-message-bytes", topic.name, key, value, headers)
        padding += target - size
