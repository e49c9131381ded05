"""How an application and its bookkeeping are laid out in MongoDB, and back.

An application document holds the state's fields at the top level (absent when
None, so the sparse unique index on `receipt_number` ignores applications without
one), the submitted application, the document `version`, and `outbox`: every event
the application has produced, by event id, each tagged with the version that wrote
it. Which of them are still to be published is said by the small `outbox_pending`
collection, one marker per (application, version) that wrote events; publishing
deletes the markers. Event ids are UUIDs, so they are safe as field names.

The submitted application and each outbox event are kept as JSON text, not as nested
documents: nothing queries inside them, and FerretDB stores a type schema beside every
document that grows with each nested field. With nested payloads that schema was 12 of
an application's 18.5 KB, converted on every read and every rewrite (docs/benchmarks.md).
Text also keeps an event published again byte for byte the one published first.
An outbox event also keeps the W3C trace context of the work that wrote it (`trace`),
so that the relay, publishing it after a crash, continues the same trace.
Documents written before this layout (nested) are still read.
"""

import json
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


def outbox_entry(event: OutboxEvent, version: int) -> Document:
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
    return {"version": version, "event": json.dumps(fields, ensure_ascii=False, separators=(",", ":"))}


def to_document(stored: Stored) -> Document:
    return {
        "_id": stored.state.application_id,
        **state_fields(stored.state),
        "application": stored.application.model_dump_json(),
        "received_at": stored.received_at,
        "version": stored.version,
        "outbox": {event.id: outbox_entry(event, stored.version) for event in stored.outbox},
    }


def from_document(document: Document, pending_versions: set[int]) -> Stored:
    """The stored application, with the outbox events that the markers say are still pending."""
    entries = (document.get("outbox") or {}).items()
    return Stored(
        state=ApplicationState.model_validate(document),
        application=_application(document["application"]),
        received_at=document["received_at"],
        version=document["version"],
        outbox=tuple(_event(event_id, e) for event_id, e in entries if e.get("version") in pending_versions),
    )


def marker_id(application_id: str, version: int) -> str:
    """`<application id>/<version>`, for outbox markers and version claims; `/` cannot occur in an id."""
    return f"{application_id}/{version}"


def _application(stored: str | dict[str, Any]) -> Application:
    return Application.model_validate_json(stored) if isinstance(stored, str) else Application.model_validate(stored)


def _event(event_id: str, stored: Document) -> OutboxEvent:
    entry = json.loads(stored["event"]) if "event" in stored else stored  # else: the nested layout
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
