"""What filters a piece of code sends to the database, to prove its reads cost the same at any history.

Why: on FerretDB 1.x only a filter that is exactly `{_id: <value>}` reaches an index; any other
(`$in` included) reads the whole collection, so a hot path that sends one over a collection that
grows with every application slows down as the system is used. A test records the commands a
batch sends (a pymongo `CommandListener` on a client of its own) and asserts their shapes.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pymongo import monitoring

# Where each command carries its filters: (list field, filter field in each element), or the filter itself.
_FILTERS = {"update": ("updates", "q"), "delete": ("deletes", "q")}


@dataclass
class CommandLog(monitoring.CommandListener):
    """Every command started, as (command name, collection, command document)."""

    commands: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        name = event.command_name
        collection = event.command.get("collection") if name == "getMore" else event.command.get(name)
        self.commands.append((name, str(collection), dict(event.command)))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def clear(self) -> None:
        self.commands.clear()

    def filters(self, collections: Iterable[str]) -> Iterator[tuple[str, str, Any]]:
        """(command, collection, filter) of every read, update and delete on the collections named."""
        wanted = set(collections)
        for name, collection, command in self.commands:
            if collection not in wanted:
                continue
            if name in ("find", "count", "aggregate", "findAndModify"):
                yield name, collection, command.get("filter", command.get("query", command.get("pipeline")))
            elif name in _FILTERS:
                many, key = _FILTERS[name]
                for statement in command.get(many, []):
                    yield name, collection, statement.get(key)


def is_point(query: Any) -> bool:
    """`{_id: <scalar>}` alone: the one filter FerretDB 1.x answers from an index."""
    return isinstance(query, dict) and list(query) == ["_id"] and not isinstance(query["_id"], dict | list)


def not_points(log: CommandLog, collections: Iterable[str]) -> list[tuple[str, str, Any]]:
    """Every filter on those collections that is not a point read: what a test wants empty."""
    return [found for found in log.filters(collections) if not is_point(found[2])]
