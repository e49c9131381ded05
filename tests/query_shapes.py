"""What a piece of code asks the database, to prove its reads cost the same however much history is stored.

On the embedded server (FerretDB 1.24 on SQLite) only a filter that is exactly `{_id: <value>}`
reaches an index; `$in`, ranges and any other field read the whole collection, whose size
grows with every application. `Commands` records every command a client sends (a pymongo
`CommandListener`); `assert_point_reads` fails on any filter over the named collections that
is not `{_id: <scalar>}`, and on any aggregation (a count included) over them.
"""

from dataclasses import dataclass, field
from typing import Any

from bson import ObjectId
from pymongo import monitoring

# Where each command keeps its filter(s); `None` means one per statement of a list.
_FILTERS = {"find": "filter", "count": "query", "distinct": "query", "findAndModify": "query"}
_STATEMENTS = {"update": ("updates", "q"), "delete": ("deletes", "q")}
_SCALARS = (str, int, float, bytes, ObjectId)


@dataclass
class Commands(monitoring.CommandListener):
    seen: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    """(command name, collection, filter) of every filtered command, and of every aggregation (its pipeline)."""

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        name, command = event.command_name, event.command
        collection = command.get(name)
        if not isinstance(collection, str):
            return
        if name in _FILTERS:
            self.seen.append((name, collection, dict(command.get(_FILTERS[name]) or {})))
        elif name in _STATEMENTS:
            statements, key = _STATEMENTS[name]
            self.seen.extend((name, collection, dict(s.get(key) or {})) for s in command.get(statements, []))
        elif name == "aggregate":
            self.seen.append((name, collection, {"pipeline": command.get("pipeline")}))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def on(self, *collections: str) -> list[tuple[str, str, dict[str, Any]]]:
        return [seen for seen in self.seen if seen[1] in collections]

    def clear(self) -> None:
        self.seen.clear()


def is_point(query: dict[str, Any]) -> bool:
    return list(query) == ["_id"] and isinstance(query["_id"], _SCALARS)


def assert_point_reads(commands: Commands, *collections: str) -> None:
    """Every command over `collections` filters by exactly `{_id: <scalar>}` (or by nothing it must read)."""
    wide = [(name, collection, query) for name, collection, query in commands.on(*collections) if not is_point(query)]
    assert not wide, f"commands whose cost grows with the collection: {wide}"
