"""The spans this test process records: one SDK tracer provider with an in-memory exporter, installed once.

OpenTelemetry lets a process set its tracer provider once, so every test that reads spans shares this
exporter and picks its own out by trace id (or clears it first).
"""

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

_exporter: InMemorySpanExporter | None = None


def recorded() -> InMemorySpanExporter:
    """The process's exporter, installing the provider on first use."""
    global _exporter
    if _exporter is None:
        _exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(_exporter))
        trace.set_tracer_provider(provider)
    return _exporter


def of_trace(trace_id: int) -> list[ReadableSpan]:
    return [s for s in recorded().get_finished_spans() if s.context is not None and s.context.trace_id == trace_id]


def parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None
