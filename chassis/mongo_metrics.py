"""Database commands per service, as metrics: how many, of what kind, on which collection, and how long.

Why: the database bounds the whole system on a small machine, and what it costs follows
from how many commands each record causes and how many documents they carry (FerretDB
converts every document it stores or returns); counting both per collection shows which
handler to make cheaper, and dividing by the applications of a benchmark run gives the
figures per application (`bench/system.py`). The driver calls a command listener
synchronously for every command, so this only counts.
"""

from typing import Any

from prometheus_client import CollectorRegistry, Counter
from pymongo import monitoring

# Commands whose first field is not the collection they read or write.
_COLLECTION_FIELD = {"getMore": "collection"}
# Where a command carries the documents (or statements) it writes.
_SENT = {"insert": "documents", "update": "updates", "delete": "deletes"}


class CommandMetrics(monitoring.CommandListener):
    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ("command", "collection")
        self.commands = Counter(
            "mongodb_commands", "Database commands sent, by command and collection.", labels, registry=registry
        )
        self.seconds = Counter(
            "mongodb_command_seconds",
            "Time from sending a database command to its reply, summed, by command and collection.",
            labels,
            registry=registry,
        )
        self.documents = Counter(
            "mongodb_documents",
            "Documents written (inserted, or update and delete statements) or returned, by command and collection.",
            labels,
            registry=registry,
        )
        self.failures = Counter(
            "mongodb_command_failures", "Database commands that failed, by command.", ("command",), registry=registry
        )
        self._collections: dict[int, str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        collection = collection_of(event.command_name, event.command)
        self._collections[event.request_id] = collection
        sent = event.command.get(_SENT.get(event.command_name, ""))
        if isinstance(sent, list):
            self.documents.labels(event.command_name, collection).inc(len(sent))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        collection = self._collections.get(event.request_id, "")
        cursor = event.reply.get("cursor")
        if isinstance(cursor, dict):
            batch = cursor.get("firstBatch", cursor.get("nextBatch"))
            if isinstance(batch, list):
                self.documents.labels(event.command_name, collection).inc(len(batch))
        self._count(event.command_name, event.request_id, event.duration_micros)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._count(event.command_name, event.request_id, event.duration_micros)
        self.failures.labels(event.command_name).inc()

    def _count(self, command: str, request_id: int, micros: int) -> None:
        collection = self._collections.pop(request_id, "")
        self.commands.labels(command, collection).inc()
        self.seconds.labels(command, collection).inc(micros / 1_000_000)


def collection_of(command_name: str, command: Any) -> str:
    """The collection a command reads or writes (`getMore` names it apart); empty for database commands."""
    value = command.get(_COLLECTION_FIELD.get(command_name, command_name))
    # Database-level commands (ping, hello, listCollections) name no collection.
    return value if isinstance(value, str) else ""
