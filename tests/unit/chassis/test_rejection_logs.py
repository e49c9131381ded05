"""An expected rejection is one log line with its reason and no traceback; a bug keeps its traceback."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from chassis.cloudevents import Inbound, decode
from chassis.errors import Refused
from contracts import cloudevents as ce
from contracts.examination import DocumentsSubmitted
from contracts.topics import EXAMINATION_DOCUMENTS_SUBMITTED as TOPIC
from tests.log_capture import captured_log
from tests.unit.chassis.records import Record
from tests.unit.chassis.test_delivery_rules import NOW, FakeDeadLetters, delivery, events, parked_copy

MODEL: Any = Inbound[DocumentsSubmitted]


class Reused(Refused):
    pass


def malformed(value: bytes, key: bytes = b"app-x", offset: int = 3) -> Inbound[Any]:
    headers = [(f"ce_{a}", v.encode()) for a, v in {"specversion": "1.0", "id": "evt-x", "source": "/t"}.items()]
    headers.append(("ce_type", TOPIC.event_type.encode()))
    return decode(Record(key, value, headers, offset=offset), TOPIC, MODEL)


async def test_a_refused_record_is_one_warning_line_with_its_reason_and_ids_and_no_traceback() -> None:
    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        if any(e.payload.application_id == "app-2" for e in batch):
            raise Reused("submission_id_reused: app-2")

    with captured_log() as log:
        await delivery(handle, FakeDeadLetters()).deliver(events("app-1", "app-2", "app-3"))

    [line] = log.lines()
    assert line["event"] == "record dead-lettered"
    assert line["level"] == "warning"
    assert line["dlq_reason"] == ce.DLQ_REASON_FAILED
    assert line["reason"] == "Reused: submission_id_reused: app-2"
    assert (line["topic"], line["group"], line["event_id"], line["key"]) == (
        TOPIC.name, "tests.group", "evt-app-2", "app-2"
    )  # fmt: skip
    assert (line["partition"], line["offset"]) == (0, 1)
    assert "Traceback" not in log.text
    assert "exception" not in line


async def test_an_unexpected_failure_is_one_error_line_that_keeps_its_traceback() -> None:
    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        if any(e.payload.application_id == "app-2" for e in batch):
            raise ValueError("this record breaks the handler")

    with captured_log() as log:
        await delivery(handle, FakeDeadLetters()).deliver(events("app-1", "app-2", "app-3"))

    [line] = log.lines()
    assert line["event"] == "record dead-lettered"
    assert line["level"] == "error"
    assert line["dlq_reason"] == ce.DLQ_REASON_FAILED
    assert line["reason"] == "ValueError"
    assert line["event_id"] == "evt-app-2"
    assert line["exception"].startswith("Traceback")
    assert "ValueError: this record breaks the handler" in line["exception"]


async def test_a_record_that_fails_its_contract_is_logged_by_field_locations_and_error_types_never_its_values() -> None:
    bad = malformed(b'{"submitted_at": "born on 1890-01-01", "x": 1}')
    letters = FakeDeadLetters()

    with captured_log() as log:
        await delivery(lambda batch: None, letters).deliver([bad])

    [line] = log.lines()
    assert line["level"] == "warning"
    assert line["dlq_reason"] == ce.DLQ_REASON_MALFORMED
    assert line["reason"] == "invalid data: application_id: missing; submitted_at: datetime_from_date_parsing"
    assert "born" not in log.text
    assert "1890" not in log.text
    assert "Traceback" not in log.text
    # The dead letter itself keeps pydantic's messages, beside the record they describe.
    assert "Field required" in str(letters.letters[0].error)


async def test_a_value_that_is_not_json_is_one_line_saying_so() -> None:
    with captured_log() as log:
        await delivery(lambda batch: None, FakeDeadLetters()).deliver([malformed(b"NGUYEN VAN AN")])

    [line] = log.lines()
    assert line["reason"] == "invalid data: <root>: json_invalid"
    assert "NGUYEN" not in log.text


async def test_a_record_parked_past_the_limit_is_one_warning_line_saying_what_it_waited_for() -> None:
    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        raise AssertionError("an expired record is not handed over")

    old = parked_copy("app-1", 0, parked_at=NOW - timedelta(days=30))
    with captured_log() as log:
        await delivery(handle, FakeDeadLetters()).redeliver([old], NOW)

    [line] = log.named("record dead-lettered")
    assert line["level"] == "warning"
    assert line["dlq_reason"] == ce.DLQ_REASON_PREREQUISITE_MISSING
    assert "waiting for what it needs" in line["reason"]
    assert "Traceback" not in log.text
