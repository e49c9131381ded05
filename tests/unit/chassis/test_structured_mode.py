"""Structured content mode: the whole event is the record's value, as the CloudEvents SDKs write it.

The binding tells the modes apart by the record's content-type header; a structured
record is held to the same rules as a binary one (required attributes, the topic's
event type, data that validates), and refused with as clear a reason.
"""

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cloudevents.core.bindings import kafka as sdk_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from chassis.cloudevents import Inbound, decode
from contracts.examination import DocumentsSubmitted
from contracts.topics import EXAMINATION_DOCUMENTS_SUBMITTED as TOPIC
from tests.unit.chassis.records import Record

MODEL: Any = Inbound[DocumentsSubmitted]
STRUCTURED = ("content-type", b"application/cloudevents+json; charset=utf-8")
DATA = {"application_id": "app-9", "submitted_at": "2026-11-25T09:00:00Z"}


def an_event(**members: Any) -> dict[str, Any]:
    event = {
        "specversion": "1.0",
        "id": "evt-9",
        "source": "/examination",
        "type": TOPIC.event_type,
        "time": "2026-11-25T09:00:01Z",
        "datacontenttype": "application/json",
        "data": DATA,
    }
    return {k: v for k, v in (event | members).items() if v is not None}


def read(value: bytes, *, content_type: tuple[str, bytes] = STRUCTURED, key: bytes | None = b"app-9") -> Any:
    return decode(Record(key, value, [content_type]), TOPIC, MODEL)


@pytest.mark.parametrize("write", [sdk_kafka.to_structured, sdk_kafka.to_binary], ids=["structured", "binary"])
def test_we_read_what_the_official_sdk_writes_in_either_mode(write: Any) -> None:
    event = CloudEvent(
        attributes={
            "id": "evt-9",
            "source": "/examination",
            "type": TOPIC.event_type,
            "specversion": "1.0",
            "datacontenttype": "application/json",
            "time": datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
            "partitionkey": "app-9",
            "correlationid": "corr-9",
        },
        data={**DATA, "unknown_field": 1},
    )
    message = write(event, JSONFormat())
    headers = list(message.headers.items())
    key = message.key.encode() if isinstance(message.key, str) else message.key

    inbound = decode(Record(key, message.value, headers), TOPIC, MODEL)

    assert inbound.rejection is None
    assert (inbound.id, inbound.source, inbound.type) == ("evt-9", "/examination", TOPIC.event_type)
    assert inbound.time == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert inbound.correlation_id == "corr-9"
    assert inbound.key == "app-9"
    assert inbound.payload.application_id == "app-9"


def test_data_may_come_base64_encoded_and_the_media_type_in_any_case() -> None:
    value = an_event(data=None, data_base64=base64.b64encode(json.dumps(DATA).encode()).decode())

    inbound = read(json.dumps(value).encode(), content_type=("content-type", b"Application/CloudEvents+JSON"))

    assert inbound.rejection is None
    assert inbound.payload.submitted_at == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_without_a_datacontenttype_the_data_is_json() -> None:
    inbound = read(json.dumps(an_event(datacontenttype=None)).encode())

    assert inbound.rejection is None
    assert inbound.payload.application_id == "app-9"


def test_the_attributes_in_the_value_win_over_any_ce_headers() -> None:
    # The binding lets a structured record carry binary-mode headers too; the value is the event.
    headers = [STRUCTURED, ("ce_type", b"other.type"), ("ce_id", b"evt-header")]

    inbound = decode(Record(b"app-9", json.dumps(an_event()).encode(), headers), TOPIC, MODEL)

    assert inbound.rejection is None
    assert inbound.id == "evt-9"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"", "empty value"),
        (b"{not json", "not a CloudEvent: the value is not JSON"),
        (b"[" * 100_000, "not a CloudEvent: the value is not JSON"),
        (b"[1, 2]", "not a CloudEvent: the value is not a JSON object"),
        (an_event(id=None), "not a CloudEvent: missing id"),
        (an_event(id="", source=None), "not a CloudEvent: missing id, source"),
        (an_event(id=7), "not a CloudEvent: id is not a string"),
        (an_event(specversion="0.3"), "unsupported CloudEvents specversion '0.3'"),
        (an_event(type="other.type"), f"event type 'other.type' does not belong on {TOPIC.name}"),
        (an_event(datacontenttype="application/xml"), "unsupported content type 'application/xml'"),
        (an_event(data=None), "no data"),
        (an_event(data_base64="e30="), "not a CloudEvent: both data and data_base64"),
        (an_event(data=None, data_base64="not base64!"), "not a CloudEvent: data_base64 is not base64"),
        (an_event(time="soon"), "time is not an RFC 3339 timestamp"),
        (an_event(data={"application_id": "app-9"}), "invalid data: submitted_at: Field required"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_bad_structured_record_is_rejected_with_the_reason(value: bytes | dict[str, Any], reason: str) -> None:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()

    inbound = read(raw)

    assert inbound.data is None
    assert inbound.rejection is not None
    assert inbound.rejection.startswith(reason), inbound.rejection


@pytest.mark.parametrize(
    "content_type", ["application/cloudevents+avro", "application/cloudevents-batch+json; charset=utf-8"]
)
def test_an_event_format_other_than_json_is_refused_not_guessed_at(content_type: str) -> None:
    inbound = read(json.dumps(an_event()).encode(), content_type=("content-type", content_type.encode()))

    assert inbound.rejection == (
        f"unsupported event format {content_type.split(';')[0]!r}: structured records must be "
        "application/cloudevents+json"
    )


def test_a_rejected_structured_record_names_no_value_of_the_data() -> None:
    data = {"application_id": "AB12345678CD!", "submitted_at": "soon"}

    inbound = read(json.dumps(an_event(data=data)).encode())

    assert inbound.rejection is not None
    assert "submitted_at" in inbound.rejection
    assert "AB12345678CD" not in inbound.rejection
