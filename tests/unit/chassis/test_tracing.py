"""Trace context through the chassis: record spans are children of their producers, and parent what they cause."""

import io
import json
from collections.abc import Iterator, Sequence
from contextlib import redirect_stderr
from typing import Any

import httpx
import pytest
import structlog
from fastapi import APIRouter
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from chassis import tracing
from chassis.cloudevents import Inbound, Outgoing, decode
from chassis.http import create_app
from chassis.logging import configure_logging
from chassis.producer import Record as Sent
from chassis.publishing import EventPublisher
from contracts.examination import DocumentsSubmitted
from contracts.topics import EXAMINATION_DOCUMENTS_SUBMITTED as TOPIC
from tests.spans import capturing, of_trace, parent_id, recorded
from tests.unit.chassis.records import Record
from tests.unit.chassis.test_delivery_rules import NOW, delivery

MODEL: Any = Inbound[DocumentsSubmitted]


@pytest.fixture(autouse=True)
def _spans() -> Iterator[None]:
    with capturing():
        yield


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[Sent] = []

    async def send_all(self, records: Sequence[Sent]) -> None:
        self.sent.extend(records)


class FakeBroker:
    def publisher(self, *args: Any, **kwargs: Any) -> None:
        return None


def publisher(producer: FakeProducer) -> EventPublisher:
    return EventPublisher(FakeBroker(), producer, "/tests", [TOPIC])  # type: ignore[arg-type, arg-type]


def outgoing(application_id: str, cause: str | None = None) -> Outgoing:
    data = DocumentsSubmitted(application_id=application_id, submitted_at=NOW)
    return Outgoing(TOPIC, data, f"evt-{application_id}", NOW, causation_id=cause)


def consumed(sent: Sent, offset: int) -> Inbound[Any]:
    _, key, value, headers = sent
    return decode(Record(key, value, list(headers), offset=offset), TOPIC, MODEL)


async def published_in_a_trace_of_its_own(application_id: str) -> tuple[int, Sent]:
    producer = FakeProducer()
    with tracing.tracer.start_as_current_span(f"upstream {application_id}") as upstream:
        await publisher(producer).publish([outgoing(application_id)])
    return upstream.get_span_context().trace_id, producer.sent[0]


async def test_each_record_of_a_batch_continues_its_own_trace_into_what_it_causes() -> None:
    first_trace, first = await published_in_a_trace_of_its_own("app-1")
    second_trace, second = await published_in_a_trace_of_its_own("app-2")
    producer = FakeProducer()

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        # Caused events are published together, as handlers do, each naming its cause.
        await publisher(producer).publish([outgoing(f"after-{e.key}", cause=e.id) for e in batch])

    await delivery(handle).deliver([consumed(first, 0), consumed(second, 1)])

    for trace_id, application_id in ((first_trace, "app-1"), (second_trace, "app-2")):
        spans = of_trace(trace_id)
        (upstream,) = [s for s in spans if s.name == f"upstream {application_id}"]
        (sent,) = [s for s in spans if s.name == f"publish {TOPIC.name}" and parent_id(s) == upstream.context.span_id]
        (processed,) = [s for s in spans if s.name == f"process {TOPIC.name}"]
        assert processed.kind is SpanKind.CONSUMER
        assert parent_id(processed) == sent.context.span_id
        onward = [
            s for s in of_trace(trace_id) if s.name.startswith("publish") and parent_id(s) == processed.context.span_id
        ]
        assert len(onward) == 1, f"{application_id}: the caused event's span is not under its record's span"
    # The caused records carry their own trace's context onward.
    carried = [dict(headers)["traceparent"].decode().split("-")[1] for _, _, _, headers in producer.sent]
    assert carried == [format(first_trace, "032x"), format(second_trace, "032x")]


async def test_a_dead_lettered_record_s_span_says_so() -> None:
    trace_id, sent = await published_in_a_trace_of_its_own("app-3")

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        raise ValueError("a bug")

    await delivery(handle).deliver([consumed(sent, 0)])
    (processed,) = [s for s in of_trace(trace_id) if s.name.startswith("process")]
    assert processed.attributes is not None
    assert processed.attributes["delivery.outcome"] == "dead-lettered"
    assert not processed.status.is_ok


def test_a_log_line_written_in_a_span_carries_its_trace_and_span_ids() -> None:
    buffer = io.StringIO()
    with redirect_stderr(buffer):  # as the redaction tests do: the session's logging is restored after
        configure_logging("test", level="info", fmt="json")
        with tracing.tracer.start_as_current_span("work") as span:
            structlog.get_logger("test").info("inside")
        structlog.get_logger("test").info("outside")
    configure_logging("tests", level="warning", fmt="console")
    inside, outside = (json.loads(line) for line in buffer.getvalue().splitlines()[-2:])
    assert inside["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert inside["span_id"] == format(span.get_span_context().span_id, "016x")
    assert "trace_id" not in outside


async def test_an_http_request_continues_the_callers_trace_and_health_probes_make_no_span() -> None:
    recorded().clear()

    async def lifespan() -> Any:
        raise AssertionError("not started here")

    router = APIRouter()

    @router.get("/v1/things/{thing}")
    async def thing(thing: str) -> dict[str, str]:
        return {"trace_id": format(trace.get_current_span().get_span_context().trace_id, "032x")}

    app = create_app(service="tests", lifespan=lifespan, checks={})
    app.include_router(router)
    caller = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tests") as client:
        answer = await client.get("/v1/things/42", headers={"traceparent": caller})
        await client.get("/health/live")

    assert answer.json()["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    (server,) = recorded().get_finished_spans()
    assert server.name == "GET /v1/things/{thing}"
    assert server.kind is SpanKind.SERVER
    assert parent_id(server) == 0xB7AD6B7169203331
    assert server.attributes is not None
    assert server.attributes["http.response.status_code"] == 200


async def test_without_an_sdk_a_records_trace_context_is_passed_on_unchanged_and_no_span_is_made(
    monkeypatch: Any,
) -> None:
    _, first = await published_in_a_trace_of_its_own("app-4")
    recorded().clear()
    monkeypatch.setattr(tracing, "recording", lambda: False)  # as in a service that exports nothing
    producer = FakeProducer()

    async def handle(batch: Sequence[Inbound[Any]]) -> None:
        await publisher(producer).publish([outgoing(f"after-{e.key}", cause=e.id) for e in batch])

    await delivery(handle).deliver([consumed(first, 0)])

    (caused,) = producer.sent
    assert dict(caused[3])["traceparent"] == dict(first[3])["traceparent"]
    assert recorded().get_finished_spans() == ()
