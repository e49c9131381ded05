"""The spans a test records: one SDK tracer provider with an in-memory exporter, installed once per process.

OpenTelemetry lets a process set its tracer provider once, so every test that reads spans shares this
exporter. Spans are sampled only while a test captures them (`with capturing() as spans:`): the rest
of the session runs with the SDK installed but records nothing, so it neither slows nor fills memory.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind, TraceState
from opentelemetry.util.types import Attributes

_exporter: InMemorySpanExporter | None = None
_capturing = False


class _WhileCapturing(Sampler):
    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        parent = trace.get_current_span(parent_context).get_span_context()
        return SamplingResult(
            Decision.RECORD_AND_SAMPLE if _capturing else Decision.DROP,
            attributes if _capturing else None,  # the sampler decides a span's attributes
            parent.trace_state if parent.is_valid else None,
        )

    def get_description(self) -> str:
        return "WhileCapturing"


@contextmanager
def capturing() -> Iterator[InMemorySpanExporter]:
    """Records every span made inside the block, into an exporter emptied first."""
    global _exporter, _capturing
    if _exporter is None:
        _exporter = InMemorySpanExporter()
        provider = TracerProvider(sampler=_WhileCapturing())
        provider.add_span_processor(SimpleSpanProcessor(_exporter))
        trace.set_tracer_provider(provider)
    _exporter.clear()
    _capturing = True
    try:
        yield _exporter
    finally:
        _capturing = False


def recorded() -> InMemorySpanExporter:
    """The exporter of the capture in hand."""
    assert _exporter is not None, "not inside capturing()"
    return _exporter


def of_trace(trace_id: int) -> list[ReadableSpan]:
    return [s for s in recorded().get_finished_spans() if s.context is not None and s.context.trace_id == trace_id]


def parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None
