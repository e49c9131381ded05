"""A dead letter always fits its topic: whole when it can be, cut and marked when it cannot, always traceable."""

import hashlib
from typing import Any

from chassis.dead_letters import DeadLetter, DeadLetterPublisher
from chassis.producer import MAX_REQUEST_BYTES
from contracts import cloudevents as ce
from contracts.topics import EXAMINATION_DOCUMENTS_SUBMITTED as TOPIC
from tests.unit.chassis.records import Record

LIMIT = 1_032_192


class Broker:
    def publisher(self, *args: Any, **kwargs: Any) -> None:
        return None


def copy(record: Record) -> tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]:
    publisher = DeadLetterPublisher(Broker(), producer=None, limit=LIMIT)  # type: ignore[arg-type]
    return publisher.copy(DeadLetter(record, TOPIC, "intake.x", ce.DLQ_REASON_FAILED, "ValueError: bad", 1))


def weight(key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]) -> int:
    return len(key or b"") + len(value) + sum(len(k.encode()) + len(v) + 8 for k, v in headers) + 512


def test_a_small_record_is_copied_whole_with_its_headers_first_and_ours_after() -> None:
    original = Record(b"app-1", b'{"a": 1}', [("ce_id", b"evt-1"), ("x-bytes", b"\xff\x00")], partition=2, offset=41)
    topic, key, value, headers = copy(original)
    ours = dict((k, v.decode()) for k, v in headers[2:])
    assert (topic, key, value) == (TOPIC.dlq, b"app-1", b'{"a": 1}')
    assert headers[:2] == original.headers
    assert ours[ce.DLQ_SOURCE_TOPIC_HEADER] == TOPIC.name
    assert (ours[ce.DLQ_SOURCE_PARTITION_HEADER], ours[ce.DLQ_SOURCE_OFFSET_HEADER]) == ("2", "41")
    assert ours[ce.DLQ_ORIGINAL_SIZE_HEADER] == "8"
    assert ours[ce.DLQ_ORIGINAL_SHA256_HEADER] == hashlib.sha256(b'{"a": 1}').hexdigest()
    assert ce.DLQ_TRUNCATED_HEADER not in ours


def test_a_record_a_few_bytes_under_the_broker_limit_is_cut_to_fit_and_says_so() -> None:
    big = b"x" * (1_048_588 - 200)
    original = Record(b"app-big", big, [("ce_id", b"evt-big")])
    _, key, value, headers = copy(original)
    ours = dict((k, v.decode()) for k, v in headers)
    assert weight(key, value, headers) <= LIMIT < MAX_REQUEST_BYTES
    assert big.startswith(value)
    assert ours[ce.DLQ_TRUNCATED_HEADER] == "true"
    assert ours[ce.DLQ_ORIGINAL_SIZE_HEADER] == str(len(big))
    assert ours[ce.DLQ_ORIGINAL_SHA256_HEADER] == hashlib.sha256(big).hexdigest()
    assert ours["ce_id"] == "evt-big"


def test_huge_original_headers_are_dropped_before_the_value_loses_more_than_half_its_room() -> None:
    original = Record(b"k", b"v" * 600_000, [("ce_id", b"evt-1"), ("junk", b"j" * 900_000)])
    _, key, value, headers = copy(original)
    names = [k for k, _ in headers]
    assert weight(key, value, headers) <= LIMIT
    assert "ce_id" in names
    assert "junk" not in names
    assert value == b"v" * 600_000
    assert dict(headers)[ce.DLQ_TRUNCATED_HEADER] == b"true"


def test_a_record_with_no_value_and_no_key_is_still_a_dead_letter() -> None:
    _, key, value, headers = copy(Record(None, None, []))
    assert (key, value) == (None, b"")
    assert dict(headers)[ce.DLQ_ORIGINAL_SIZE_HEADER] == b"0"
