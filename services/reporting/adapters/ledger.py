"""Exactly-once counting on a MongoDB-protocol server whose only atomic step is a unique insert.

FerretDB 1.x (SQLite) reads, changes and writes back a document in separate steps, so
concurrent `$inc`s on one counter lose updates and no conditional update is a safe guard; and
it pushes down only `{_id: value}` filters, so any other query reads the whole collection.
What it does enforce atomically is a unique `_id`. So nothing here is ever updated in place:

- `seen_events` `{_id: <topic>:<event id>, batch}`: who counted each event; it is only ever
  inserted, and an insert that fails on `_id` is a duplicate, a redelivery or a replay.
- `figure_inbox`: per counting attempt, `{_id: B, series, groups: [{increments, keys}]}` (the
  batch's events grouped by what they add, written BEFORE its seen-records) and, after them,
  `{_id: B/claimed, taken: [keys]}`: the events whose seen-record was already there (counted by
  someone else); B owns the rest.
- `figure_rollups`: immutable generations `{number, counters, folded: [B, ...]}`. `roll_up`
  folds the owned events of inbox batches into generation n+1 and deletes them from the inbox.
  Of two instances computing n+1, one insert wins; the loser's work is simply dropped.

Reading the figures is one small query: the latest generation (so they trail the roll-up by
its interval). A batch whose `claimed` record never came (its consumer died after claiming)
is resolved, after `margin`, by looking up each of its events' seen-record by `_id`. The one
assumption: no consumer stalls longer than `margin` between writing a batch and claiming its
events. Seen-records are kept: they are the memory that makes a replay count nothing.
"""

import asyncio
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from pymongo import DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.mongo import insert_unless_taken
from contracts.reporting import CounterValue
from services.reporting.handlers.ports import Clock, Tally

SEEN, INBOX, ROLLUPS = "seen_events", "figure_inbox", "figure_rollups"
INDEXES: Final = {ROLLUPS: [IndexModel([("number", DESCENDING)])]}
_KEPT_GENERATIONS: Final = 3
Series = tuple[str, tuple[tuple[str, str], ...]]


def series_id(name: str, labels: dict[str, str]) -> str:
    """`name{label=value,...}`, labels sorted: the counter's `_id` within a generation."""
    return name + "{" + ",".join(f"{k}={labels[k]}" for k in sorted(labels)) + "}"


def _keys(batch: dict[str, Any]) -> set[str]:
    return {key for group in batch["groups"] for key in group["keys"]}


def _fold(totals: dict[Series, int], batch: dict[str, Any], owned: set[str]) -> None:
    series = [(s["name"], tuple(sorted(s["labels"].items()))) for s in batch["series"]]
    for group in batch["groups"]:
        times = sum(1 for key in group["keys"] if key in owned)
        for item in group["increments"]:
            totals[series[item["s"]]] = totals.get(series[item["s"]], 0) + item["by"] * times


def _inbox_entry(batch: str, at: datetime, tallies: Iterable[Tally]) -> dict[str, Any]:
    """The batch's events grouped by what they add (most events of a batch add the same few
    things), with the series they name listed once: the inbox is written and read whole."""
    series: dict[Series, int] = {}
    groups: dict[tuple[tuple[int, int], ...], list[str]] = {}
    for tally in tallies:
        if tally.increments:
            adds = tuple((series.setdefault(i.key, len(series)), i.by) for i in tally.increments)
            groups.setdefault(adds, []).append(tally.key)
    return {
        "_id": batch,
        "at": at,
        "series": [{"name": name, "labels": dict(labels)} for name, labels in series],
        "groups": [
            {"increments": [{"s": s, "by": by} for s, by in adds], "keys": keys} for adds, keys in groups.items()
        ],
    }


class MongoFiguresLedger:
    def __init__(
        self,
        database: AsyncDatabase[dict[str, Any]],
        *,
        wall: Clock,
        margin: timedelta,
        retain: Callable[[str, Mapping[str, str]], bool] = lambda name, labels: True,
    ) -> None:
        """`retain` says which series a new generation keeps (the hourly ones age out)."""
        self._retain = retain
        self._seen = database[SEEN]
        self._inbox = database[INBOX]
        self._rollups = database[ROLLUPS]
        self._wall = wall
        self._margin = margin

    async def record(self, tallies: Sequence[Tally]) -> int:
        unique: dict[str, Tally] = {}
        for tally in tallies:
            unique.setdefault(tally.key, tally)
        if not unique:
            return 0
        batch, keys = uuid.uuid4().hex, list(unique)
        await self._inbox.insert_one(_inbox_entry(batch, self._wall.now(), unique.values()))
        claimed = await insert_unless_taken(self._seen, [{"_id": key, "batch": batch} for key in keys])
        taken = [key for key in keys if key in claimed]
        await self._inbox.insert_one({"_id": f"{batch}/claimed", "batch": batch, "taken": taken})
        return len(keys) - len(taken)

    async def _latest(self) -> dict[str, Any]:
        latest = await self._rollups.find_one({}, sort=[("number", DESCENDING)])
        return latest or {"number": 0, "counters": [], "folded": []}

    async def counters(self) -> list[CounterValue]:
        counters = (await self._latest())["counters"]
        return [CounterValue(name=c["name"], labels=c["labels"], value=c["value"]) for c in counters]

    async def _claimed_by(self, batch: dict[str, Any]) -> set[str]:
        """For a batch whose consumer died after claiming: which of its events it claimed."""
        keys = list(_keys(batch))
        found = await asyncio.gather(*(self._seen.find_one({"_id": key}) for key in keys))
        return {key for key, record in zip(keys, found, strict=True) if record and record["batch"] == batch["_id"]}

    async def _forget(self, batches: list[str]) -> None:
        # One by `_id` at a time: the only filter our server does not answer by reading everything.
        await asyncio.gather(*(self._inbox.delete_one({"_id": i}) for b in batches for i in (b, f"{b}/claimed")))

    async def roll_up(self) -> int:
        """Folds the inbox into the next generation; returns how many batches it folded."""
        latest = await self._latest()
        done = set(latest["folded"])  # still here if the last roll-up stopped between its insert and clean-up
        entries = [entry async for entry in self._inbox.find({})]
        await self._forget([e["_id"] for e in entries if e["_id"] in done])
        taken = {e["batch"]: set(e["taken"]) for e in entries if "taken" in e}
        batches = sorted((e for e in entries if "groups" in e and e["_id"] not in done), key=lambda e: e["at"])
        settled = self._wall.now() - self._margin
        totals = {(c["name"], tuple(sorted(c["labels"].items()))): c["value"] for c in latest["counters"]}
        folded: list[str] = []
        for batch in batches:
            if batch["_id"] in taken:
                owned = _keys(batch) - taken[batch["_id"]]
            elif batch["at"] <= settled:
                owned = await self._claimed_by(batch)
            else:
                continue  # its consumer is still claiming
            _fold(totals, batch, owned)
            folded.append(batch["_id"])
        # A claim that came after its batch was resolved without it: the batch is folded already.
        present = {e["_id"] for e in entries}
        late = [e["_id"] for e in entries if "taken" in e and e["batch"] not in present]
        await asyncio.gather(*(self._inbox.delete_one({"_id": i}) for i in late))
        if not folded:
            return 0
        number = latest["number"] + 1
        counters = [
            {"_id": series_id(name, dict(labels)), "name": name, "labels": dict(labels), "value": value}
            for (name, labels), value in sorted(totals.items())
            if self._retain(name, dict(labels))
        ]
        try:
            await self._rollups.insert_one(
                {"_id": f"{number:012d}", "number": number, "counters": counters, "folded": folded}
            )
        except DuplicateKeyError:
            return 0  # another instance rolled up first; these batches are its to fold or already folded
        await self._forget(folded)
        await self._rollups.delete_many({"number": {"$lte": number - _KEPT_GENERATIONS}})
        return len(folded)
