"""Our records are CloudEvents 1.0 under the Kafka binding: the official SDK reads ours, we read its."""

from datetime import UTC, datetime
from typing import Any

from cloudevents.core.bindings import kafka as sdk_kafka
from cloudevents.core.formats.json import JSONFormat

from chassis.cloudevents import Inbound, Outgoing, decode, encode
from contracts.examination import DocumentsSubmitted
from contracts.topics import EXAMINATION_DOCUMENTS_SUBMITTED as TOPIC
from tests.unit.chassis.records import Record

MODEL: Any = Inbound[DocumentsSubmitted]


def test_the_official_sdk_reads_what_we_write() -> None:
    data = DocumentsSubmitted(application_id="app-1", submitted_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    key, value, headers = encode(
        Outgoing(TOPIC, data, "evt-1", datetime(2026, 11, 25, 9, 0, 1, tzinfo=UTC), correlation_id="corr-1"),
        "/intake",
    )
    message = sdk_kafka.KafkaMessage(headers={k: v.encode() for k, v in headers.items()}, key=key, value=value)
    event = sdk_kafka.from_binary(message, JSONFormat())
    assert event.get_id() == "evt-1"
    assert event.get_type() == TOPIC.event_type
    assert event.get_source() == "/intake"
    assert event.get_extension("correlationid") == "corr-1"
    assert event.get_extension("partitionkey") == "app-1"
    assert event.get_data()["application_id"] == "app-1"


def test_a_record_of_another_type_is_rejected_with_the_reason() -> None:
    headers = [("ce_specversion", b"1.0"), ("ce_id", b"1"), ("ce_source", b"/x"), ("ce_type", b"other.type")]
    inbound = decode(Record(b"k", b"{}", headers), TOPIC, MODEL)
    assert inbound.data is None
    assert inbound.rejection == f"event type 'other.type' does not belong on {TOPIC.name}"


def test_invalid_data_is_rejected_naming_the_field_but_not_its_value() -> None:
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", b"1"),
        ("ce_source", b"/x"),
        ("ce_type", TOPIC.event_type.encode()),
    ]
    inbound = decode(
        Record(b"k", b'{"application_id": "AB12345678CD!", "submitted_at": "soon"}', headers), TOPIC, MODEL
    )
    assert inbound.rejection is not None
    assert "submitted_at" in inbound.rejection
    assert "AB12345678CD" not in inbound.rejection
