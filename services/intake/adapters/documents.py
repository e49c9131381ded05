"""How an application and its pending events are laid out in MongoDB, and back.

An application document holds the state's fields at the top level (absent when
None, so the sparse unique index on `receipt_number` ignores applications without
one), the submitted application, the time it was received and the document
`version`: nothing else, so each status change rewrites only that. The events a
write produces are not kept in the application: they travel in the outbox marker
of that write (`outbox_markers.py`), `<application id>/<version>`, which holds every
event still pending at that version (those a write adds, and those earlier writes
left pending: a marker supersedes the markers before it) and is deleted once they
are published. So the application document never grows with its history of events,
and an application with nothing pending has no marker to read.

The submitted application and the events are kept as JSON text, not as nested
documents: nothing queries inside them, and FerretDB stores a type schema beside every
document that grows with each nested field (docs/benchmarks.md). Text also keeps an
event published again byte for byte the one published first. An event also keeps the
W3C trace context of the work that wrote it (`trace`), so that the relay, publishing it
after a crash, continues the same trace.

Documents written before this layout are still read: with the events inside the
application (`outbox`, by event id, each tagged with the version that wrote it, as
text or nested), pending when a marker of their version exists. The next write of
such an application moves what is pending into its own marker and drops `outbox`.
"""

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from chassis import tracing
from contracts.application import Application
from contracts.topics import BY_NAME
from services.intake.adapters.collections import Document
from services.intake.domain.application import ApplicationState
from services.intake.handlers.ports import OutboxEvent, Stored


def state_fields(state: ApplicationState) -> Document:
    return state.model_dump(mode="json", exclude_none=True)


def outbox_text(events: Iterable[OutboxEvent]) -> str:
    """The events as one JSON text, by event id (UUIDs), in order: what a marker carries."""
    return _text({event.id: _event_fields(event) for event in events})


def events_from_text(text: str) -> list[OutboxEvent]:
    """The events `outbox_text` wrote, in order."""
    return [_event(event_id, fields) for event_id, fields in json.loads(text).items()]


def to_document(stored: Stored) -> Document:
    return {
        "_id": stored.state.application_id,
        **state_fields(stored.state),
        "application": stored.application.model_dump_json(),
        "received_at": stored.received_at,
        "version": stored.version,
    }


def marker_versions(document: Document) -> list[int]:
    """The versions whose markers may hold this application's pending events."""
    if "outbox" in document:  # the layout with the events inside the application
        return sorted({entry.get("version", 0) for entry in document["outbox"].values()})
    return [document["version"]]


def from_document(document: Document, markers: Mapping[int, Document]) -> Stored:
    """The stored application, with the events still pending: those of its markers (by version)."""
    return Stored(
        state=ApplicationState.model_validate(document),
        application=_application(document["application"]),
        received_at=document["received_at"],
        version=document["version"],
        outbox=tuple(_pending(document, markers)),
    )


def marker_id(application_id: str, version: int) -> str:
    """`<application id>/<version>`, for outbox markers and version claims; `/` cannot occur in an id."""
    return f"{application_id}/{version}"


def _pending(document: Document, markers: Mapping[int, Document]) -> Iterable[OutboxEvent]:
    if "outbox" in document:
        entries = document["outbox"].items()
        return (_event(event_id, entry) for event_id, entry in entries if entry.get("version") in markers)
    marker = markers.get(document["version"])
    return events_from_text(marker["outbox"]) if marker and "outbox" in marker else []


def _event_fields(event: OutboxEvent) -> Document:
    fields = {
        "topic": event.topic.name,
        "payload": event.data.model_dump(mode="json"),
        "time": event.time.isoformat(),
        "correlation_id": event.correlation_id,
        "causation_id": event.causation_id,
    }
    trace = event.trace or tracing.carrier(event.causation_id)
    if trace:
        fields["trace"] = dict(trace)
    return fields


def _text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _application(stored: str | dict[str, Any]) -> Application:
    return Application.model_validate_json(stored) if isinstance(stored, str) else Application.model_validate(stored)


def _event(event_id: str, stored: Document) -> OutboxEvent:
    entry = json.loads(stored["event"]) if "event" in stored else stored  # else: nested, or from a marker
    topic = BY_NAME[entry["topic"]]
    return OutboxEvent(
        topic=topic,
        data=topic.payload.model_validate(entry["payload"]),
        id=event_id,
        time=datetime.fromisoformat(entry["time"]),
        correlation_id=entry.get("correlation_id"),
        causation_id=entry.get("causation_id"),
        trace=entry.get("trace"),
    )
