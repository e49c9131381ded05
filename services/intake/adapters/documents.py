"""How an application and its bookkeeping are laid out in MongoDB, and back.

An application document holds the state's fields at the top level (absent when
None, so the sparse unique index on `receipt_number` ignores applications without
one), the submitted application, the document `version`, and `outbox`: every event
the application has produced, by event id, each tagged with the version that wrote
it. Which of them are still to be published is said by the small `outbox_pending`
collection, one marker per (application, version) that wrote events; publishing
deletes the markers. Payloads and times are kept in their JSON form, so an event
published again is byte for byte the one published first. Event ids are UUIDs, so
they are safe as field names.
"""

from datetime import datetime

from contracts.application import Application
from contracts.topics import BY_NAME
from services.intake.adapters.collections import Document
from services.intake.domain.application import ApplicationState
from services.intake.handlers.ports import OutboxEvent, Stored


def state_fields(state: ApplicationState) -> Document:
    return state.model_dump(mode="json", exclude_none=True)


def outbox_entry(event: OutboxEvent, version: int) -> Document:
    return {
        "topic": event.topic.name,
        "payload": event.data.model_dump(mode="json"),
        "time": event.time.isoformat(),
        "correlation_id": event.correlation_id,
        "causation_id": event.causation_id,
        "version": version,
    }


def to_document(stored: Stored) -> Document:
    return {
        "_id": stored.state.application_id,
        **state_fields(stored.state),
        "application": stored.application.model_dump(mode="json"),
        "received_at": stored.received_at,
        "version": stored.version,
        "outbox": {event.id: outbox_entry(event, stored.version) for event in stored.outbox},
    }


def from_document(document: Document, pending_versions: set[int]) -> Stored:
    """The stored application, with the outbox events that the markers say are still pending."""
    entries = (document.get("outbox") or {}).items()
    return Stored(
        state=ApplicationState.model_validate(document),
        application=Application.model_validate(document["application"]),
        received_at=document["received_at"],
        version=document["version"],
        outbox=tuple(_event(event_id, e) for event_id, e in entries if e.get("version") in pending_versions),
    )


def marker_id(application_id: str, version: int) -> str:
    """`<application id>/<version>`, for outbox markers and version claims; `/` cannot occur in an id."""
    return f"{application_id}/{version}"


def _event(event_id: str, entry: Document) -> OutboxEvent:
    topic = BY_NAME[entry["topic"]]
    return OutboxEvent(
        topic=topic,
        data=topic.payload.model_validate(entry["payload"]),
        id=event_id,
        time=datetime.fromisoformat(entry["time"]),
        correlation_id=entry.get("correlation_id"),
        causation_id=entry.get("causation_id"),
    )
