"""An outbox event keeps the trace context of the work that wrote it, so the relay's publish continues that trace."""

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pytest

from chassis import tracing
from chassis.cloudevents import Outgoing
from contracts.examination import DocumentsSubmitted
from contracts.topics import EXAMINATION_DOCUMENTS_SUBMITTED
from services.intake.adapters.documents import events_from_text, outbox_text
from services.intake.adapters.publishing import KafkaPublisher
from services.intake.handlers.ports import OutboxEvent
from tests.spans import capturing

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _spans() -> Iterator[None]:
    with capturing():
        yield


class Record:
    def __init__(self, headers: list[tuple[str, bytes]]) -> None:
        self.headers = headers


class Consumed:
    def __init__(self, event_id: str, traceparent: str) -> None:
        self.id = event_id
        self.record = Record([("traceparent", traceparent.encode())])


class Published:
    def __init__(self) -> None:
        self.events: list[Outgoing] = []

    async def publish(self, events: Sequence[Outgoing]) -> None:
        self.events.extend(events)


def an_event(cause: str) -> OutboxEvent:
    data = DocumentsSubmitted(application_id="app-1", submitted_at=NOW)
    return OutboxEvent(EXAMINATION_DOCUMENTS_SUBMITTED, data, "evt-out-1", NOW, "corr-1", causation_id=cause)


async def test_an_event_read_back_from_the_outbox_is_published_in_the_trace_of_the_record_that_caused_it() -> None:
    upstream = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    with tracing.consuming("a-topic", "intake.a-topic", [Consumed("evt-in-1", upstream)]):
        stored = outbox_text([an_event(cause="evt-in-1")])

    (read_back,) = events_from_text(stored)  # later, by the relay, outside any batch
    published = Published()
    await KafkaPublisher(published, lambda topic: topic).publish([read_back])  # type: ignore[arg-type]

    (event,) = published.events
    assert event.trace is not None
    assert event.trace["traceparent"].split("-")[1] == "4bf92f3577b34da6a3ce929d0e0e4736"


def test_an_entry_written_outside_any_trace_stores_none() -> None:
    stored = outbox_text([an_event(cause="evt-unknown")])
    assert events_from_text(stored)[0].trace is None
    assert "trace" not in stored
