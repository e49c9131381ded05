"""CloudEvents 1.0 over Kafka: encode our events (binary mode), decode anyone's (either mode).

We write binary content mode: the value is the event data as JSON, attributes are
`ce_*` headers, the key is the entity id. We read binary and structured mode alike
(`chassis.content_modes`). Decoding is strict about what the contract needs (the
required attributes, the event type of the topic, data that validates against the
topic's payload) and tolerant of everything else (unknown headers, extensions and
data fields).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import SkipJsonSchema

from chassis import content_modes
from chassis.errors import MalformedRecord
from contracts import cloudevents as ce
from contracts.base import Payload
from contracts.topics import Topic

T = TypeVar("T", bound=Payload)

UNDECODABLE_HEADERS = "x-undecodable-headers"
"""Set by the delivery layer's parser on a record whose header bytes were not UTF-8."""


class Inbound(BaseModel, Generic[T]):
    """One consumed event: its CloudEvents attributes and its validated data.

    A record that could not be read arrives with `data` unset and `rejection`
    saying why; the delivery layer dead-letters it before any handler sees it.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    id: str
    type: str
    source: str
    time: datetime | None = None
    correlation_id: str | None = None
    key: str | None = None
    data: T | None = None
    rejection: SkipJsonSchema[str | None] = None
    rejection_summary: SkipJsonSchema[str | None] = None
    """The rejection as it is logged: what `rejection` says, without anything that could quote the record."""
    record: SkipJsonSchema[Any] = Field(default=None, exclude=True, repr=False)
    """The consumed Kafka record, kept to copy it whole to the dead-letter topic."""

    @property
    def payload(self) -> T:
        if self.data is None:
            raise MalformedRecord(self.rejection or "no data")
        return self.data


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An event to publish: where, what, and the ids that let consumers deduplicate and trace it."""

    topic: Topic
    data: Payload
    id: str
    time: datetime
    correlation_id: str | None = None
    causation_id: str | None = None
    trace: Mapping[str, str] | None = None
    """The W3C trace context to continue (traceparent, tracestate), when the work that caused it is over
    (an outbox event published later); else the span of the record with `causation_id`, or the current one."""

    @property
    def key(self) -> str:
        return str(getattr(self.data, self.topic.key))


def encode(event: Outgoing, source: str) -> tuple[bytes, bytes, dict[str, str]]:
    """Returns the record's key, value and headers."""
    headers = {
        ce.HEADER_PREFIX + "specversion": ce.SPEC_VERSION,
        ce.HEADER_PREFIX + "id": event.id,
        ce.HEADER_PREFIX + "source": source,
        ce.HEADER_PREFIX + "type": event.topic.event_type,
        ce.HEADER_PREFIX + "time": event.time.isoformat(),
        ce.HEADER_PREFIX + ce.PARTITION_KEY_EXTENSION: event.key,
        ce.CONTENT_TYPE_HEADER: ce.CONTENT_TYPE,
    }
    if event.correlation_id:
        headers[ce.HEADER_PREFIX + ce.CORRELATION_EXTENSION] = event.correlation_id
    if event.causation_id:
        headers[ce.HEADER_PREFIX + ce.CAUSATION_EXTENSION] = event.causation_id
    return event.key.encode(), event.data.model_dump_json().encode(), headers


def _text_headers(raw: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    try:
        headers = {name: value.decode() for name, value in raw}
    except UnicodeDecodeError as error:
        raise MalformedRecord("a header value is not UTF-8") from error
    if UNDECODABLE_HEADERS in headers:
        raise MalformedRecord("a header value is not UTF-8")
    return headers


_LOGGED_ERRORS = 5
"""A payload may fail in thousands of places: a log line names the first few."""


def _invalid(error: ValidationError) -> MalformedRecord:
    """The dead letter's reason has field paths and pydantic's messages, never the input (it may be personal
    data); the log line has field paths and error types only, since a message may quote the input."""
    errors = error.errors(include_url=False, include_input=False, include_context=False)
    where = [".".join(str(p) for p in e["loc"]) or "<root>" for e in errors]
    reason = "; ".join(f"{loc}: {e['msg']}" for loc, e in zip(where, errors, strict=True))
    summary = "; ".join(f"{loc}: {e['type']}" for loc, e in zip(where[:_LOGGED_ERRORS], errors, strict=False))
    more = f"; and {len(errors) - _LOGGED_ERRORS} more" if len(errors) > _LOGGED_ERRORS else ""
    return MalformedRecord(f"invalid data: {reason}", summary=f"invalid data: {summary}{more}")


def decode(record: Any, topic: Topic, model: type[Inbound[Any]]) -> Inbound[Any]:
    """Reads one Kafka record; never raises: an unreadable record comes back with `rejection` set."""
    try:
        return _decode(record, topic, model)
    except MalformedRecord as error:
        key = record.key.decode(errors="replace") if record.key else None
        return model(
            id=f"{record.topic}/{record.partition}/{record.offset}",
            type="",
            source="",
            key=key,
            rejection=str(error),
            rejection_summary=error.summary,
            record=record,
        )


def _decode(record: Any, topic: Topic, model: type[Inbound[Any]]) -> Inbound[Any]:
    envelope = content_modes.read(_text_headers(record.headers or ()), record.value)
    attrs = envelope.attributes
    missing = [envelope.name(name) for name in ce.REQUIRED_ATTRIBUTES if not attrs.get(name)]
    if missing:
        raise MalformedRecord(f"not a CloudEvent: missing {', '.join(missing)}")
    if attrs["specversion"] != ce.SPEC_VERSION:
        raise MalformedRecord(f"unsupported CloudEvents specversion {attrs['specversion']!r}")
    if attrs["type"] != topic.event_type:
        raise MalformedRecord(f"event type {attrs['type']!r} does not belong on {topic.name}")
    if not content_modes.is_json(envelope.data_content_type):
        raise MalformedRecord(f"unsupported content type {envelope.data_content_type!r}")
    if envelope.data is None:
        raise MalformedRecord(envelope.no_data)
    try:
        data = topic.payload.model_validate_json(envelope.data)
    except ValidationError as error:
        raise _invalid(error) from error
    try:
        time = datetime.fromisoformat(attrs["time"]) if attrs.get("time") else None
    except ValueError as error:
        raise MalformedRecord(f"{envelope.name('time')} is not an RFC 3339 timestamp") from error
    return model(
        id=attrs["id"],
        type=attrs["type"],
        source=attrs["source"],
        time=time,
        correlation_id=attrs.get(ce.CORRELATION_EXTENSION),
        key=record.key.decode(errors="replace") if record.key else None,
        data=data,
        record=record,
    )
