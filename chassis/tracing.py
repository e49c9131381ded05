"""Tracing with OpenTelemetry: W3C trace context in Kafka headers and HTTP, one trace from a submission to its mail.

- A consumed record gets a span of its own, a child of the span that produced it
  (its `traceparent` header), so a trace follows one application through batches
  that mix many (docs/tracing.md says why a child and not a link).
- An event published gets a producer span, a child of the span of the record that
  caused it (found by its causation id), or of the trace context it carries (an
  outbox event published later by a relay), or else of the current span (an HTTP
  request's); its context travels as the record's `traceparent` and `tracestate`.
- `span(...)` wraps an outgoing request (a mail handed to the SMTP server) the same way.

Spans are recorded and exported over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT
(or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set. Otherwise no SDK is installed and no
span is made at all: the trace context of each consumed record is only copied onto the
records it causes (a few microseconds a record), so a service that exports nothing
still does not break a trace that passes through it (docs/tracing.md has the figures).
"""

import os
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode

tracer = trace.get_tracer("chassis")
"""A proxy: it follows a tracer provider set after import (by `configure_tracing` or a test)."""

_causes: ContextVar[Mapping[str, Context | Mapping[str, str]] | None] = ContextVar("trace_causes", default=None)
"""The batch in hand: each consumed event's id, and the context of its record's span (recording) or the
trace context its record carried (passing through)."""

_HEADERS = frozenset({"traceparent", "tracestate", "baggage"})


def configure_tracing(service: str) -> bool:
    """Installs the SDK with an OTLP/HTTP exporter when an endpoint is configured; returns whether it did."""
    if not (os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")):
        return False
    # Imported here: a service that exports nothing never loads the SDK and the exporter.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": service}
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return True


def recording() -> bool:
    """Whether spans are recorded: an SDK tracer provider is installed (by `configure_tracing`, or a test)."""
    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider | trace.NoOpTracerProvider)


def _kafka_carrier(headers: Sequence[tuple[str, bytes]] | None) -> dict[str, str]:
    return {name: bytes(value).decode(errors="replace") for name, value in headers or () if name in _HEADERS}


def _parent(cause: str | None = None, carried: Mapping[str, str] | None = None) -> Context | None:
    """The context a new span continues: carried, else its cause's record span, else None (the current one)."""
    if carried:
        return propagate.extract(carried)
    if cause is not None:
        found = (_causes.get() or {}).get(cause)
        return found if isinstance(found, Context) else None
    return None


def _passed_on(cause: str | None, carried: Mapping[str, str] | None) -> Mapping[str, str]:
    """Without recording: the trace context to copy onto a record, unchanged."""
    if carried:
        return carried
    found = (_causes.get() or {}).get(cause) if cause is not None else None
    if found is None or isinstance(found, Context):  # a Context is a mapping too
        return {}
    return found


class Consumed:
    """The spans of one batch's records; delivery says what became of a record that was not handled."""

    def __init__(self, spans: Mapping[str, Span]) -> None:
        self.spans = spans

    def outcome(self, event_id: str, outcome: str, error: str | None = None) -> None:
        span = self.spans.get(event_id)
        if span is None:
            return
        span.set_attribute("delivery.outcome", outcome)
        if error is not None:
            span.set_status(Status(StatusCode.ERROR, error))


@contextmanager
def consuming(topic: str, group: str, events: Sequence[Any]) -> Iterator[Consumed]:
    """A CONSUMER span per event (`.id`, `.record.headers`), open while the batch is handled.

    The span current meanwhile, which the handler's log lines and spans follow, is the
    record's own when the batch has one record, else one for the batch, linked to them all.
    """
    if not recording():
        carried = {event.id: _kafka_carrier(getattr(event.record, "headers", None)) for event in events}
        token = _causes.set(carried)
        try:
            yield Consumed({})
        finally:
            _causes.reset(token)
        return
    attributes = {
        "messaging.system": "kafka",
        "messaging.destination.name": topic,
        "messaging.consumer.group.name": group,
    }
    spans: dict[str, Span] = {}
    for event in events:
        parent = propagate.extract(_kafka_carrier(getattr(event.record, "headers", None)))
        spans[event.id] = tracer.start_span(
            f"process {topic}",
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes={**attributes, "messaging.message.id": event.id},
        )
    if len(spans) == 1:
        current = next(iter(spans.values()))
    else:
        links = [Link(s.get_span_context()) for s in spans.values() if s.get_span_context().is_valid]
        current = tracer.start_span(
            f"process {topic} batch",
            context=Context(),  # a root: its records belong to many traces
            links=links,
            attributes={**attributes, "messaging.batch.message_count": len(spans)},
        )
    token = _causes.set({event_id: trace.set_span_in_context(span) for event_id, span in spans.items()})
    try:
        with trace.use_span(current, end_on_exit=False):
            yield Consumed(spans)
    finally:
        _causes.reset(token)
        for span in spans.values():
            span.end()
        if current not in spans.values():
            current.end()


def start_publish(
    topic: str,
    client_id: str,
    event_id: str,
    headers: dict[str, str],
    *,
    cause: str | None,
    carried: Mapping[str, str] | None,
) -> Span | None:
    """Writes the trace context into a record's `headers`; when recording, that of a new PRODUCER span for it,
    returned to be ended once the broker acknowledged the record."""
    if not recording():
        headers.update(_passed_on(cause, carried))
        return None
    span = tracer.start_span(
        f"publish {topic}",
        context=_parent(cause, carried),
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "kafka",
            "messaging.destination.name": topic,
            "messaging.client.id": client_id,
            "messaging.message.id": event_id,
        },
    )
    propagate.inject(headers, context=trace.set_span_in_context(span))
    return span


def end(spans: Sequence[Span | None], error: BaseException | None = None) -> None:
    for span in spans:
        if span is None:
            continue
        if error is not None:
            span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        span.end()


def carrier(cause: str | None = None) -> dict[str, str]:
    """The trace context to store with work done later (an outbox event): its cause's, else the current one."""
    if not recording():
        return dict(_passed_on(cause, None))
    headers: dict[str, str] = {}
    propagate.inject(headers, context=_parent(cause) or otel_context.get_current())
    return headers


@contextmanager
def span(
    name: str,
    *,
    cause: str | None = None,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Mapping[str, str] | None = None,
) -> Iterator[Span]:
    """A current span for one piece of work (an outgoing request), under its cause's record span if known."""
    if not recording():
        yield trace.INVALID_SPAN
        return
    with tracer.start_as_current_span(name, context=_parent(cause), kind=kind, attributes=attributes) as current:
        yield current


def log_ids(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: the current span's trace_id and span_id on every line written inside one."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict.setdefault("trace_id", format(context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(context.span_id, "016x"))
    return event_dict
