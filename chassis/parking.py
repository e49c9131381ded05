"""Records that came before what they need, kept durably in the service's own database until it comes.

Upstream systems publish early: a decision before the application's acceptance, an
examination step before notification knows the application. A handler says so by
raising `chassis.errors.Waiting` for those events once the rest of its batch is done;
the delivery layer then parks each such record here, whole (key, value, headers and
its coordinates), and commits. Its neighbours are not held up.

The parked record is handed to the same handler again later (`chassis.delivery`):
soon at first, then less often (capped backoff), oldest production time first, so
events released together are applied in the order they were produced. Within a
consumer group the parked records of one key form a queue: only its head is handed
back, and a newly consumed record of a key that has records parked in its own group
joins the queue unseen by the handler, so no record overtakes an earlier one of its
key on its topic. Across groups a key's queues take their turns together: once the
wait of any of their heads is over, every head is handed back, in production order
(a documents request and a decision parked for one application apply in the order
they were produced). No head waits behind another group's: a later record of
another topic may be the very prerequisite an earlier one waits for (an assessment
that came before its submission, parked behind the decision that needs it). Once a
record of a key has been handled (newly consumed on another topic, or released and
gone from the lot), that key's parked records are due at once: what they wait for
may just have happened. A record that waits longer than the limit is dead-lettered
with reason `prerequisite_missing`.

`_id` is the record's coordinates (group, topic, partition, offset): a record parked
twice (a batch retried) is kept once, and a record is only ever released by the
instance that holds its partition, so two instances never release the same record.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import insert_unless_taken

PARKED = "parked_records"
_PRODUCTION_ORDER = [("timestamp", ASCENDING), ("topic", ASCENDING), ("partition", ASCENDING), ("offset", ASCENDING)]
_HEAD_FIELDS = {"group": 1, "key": 1, "topic": 1, "partition": 1, "due_at": 1}
INDEXES = {PARKED: [IndexModel([("due_at", ASCENDING)], name="due_at")]}


@dataclass(frozen=True, slots=True)
class ParkedRecord:
    """A parked Kafka record: the attributes a consumer record has, and what it waits for."""

    group: str
    topic: str
    partition: int
    offset: int
    timestamp: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    waits_for: str
    parked_at: datetime
    attempts: int = 0

    @property
    def id(self) -> str:
        return record_id(self.group, self.topic, self.partition, self.offset)


def record_id(group: str, topic: str, partition: int, offset: int) -> str:
    return f"{group}|{topic}|{partition}|{offset}"


def parked(group: str, record: Any, waits_for: str, now: datetime) -> ParkedRecord:
    """A consumed record (aiokafka's, or one parked before) as it is kept here."""
    if isinstance(record, ParkedRecord):
        return record
    return ParkedRecord(
        group=group,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        timestamp=record.timestamp,
        key=record.key,
        value=record.value,
        headers=tuple((k, bytes(v)) for k, v in record.headers or ()),
        waits_for=waits_for[:300],
        parked_at=now,
    )


class ParkingLot:
    def __init__(self, database: AsyncDatabase[dict[str, Any]], *, retry_ms: int, retry_max_ms: int) -> None:
        self._parked = database[PARKED]
        self._retry_ms = retry_ms
        self._retry_max_ms = retry_max_ms
        self.known_empty = False
        """True when the last count (the release loop's, `chassis.release`) found nothing parked and this
        instance parked nothing since. Only the instance holding a partition parks its records, so a
        later record of a parked key on the same partition is never missed."""
        self._parks = 0  # parks begun: a count that overlaps one must not report the lot empty

    def _due(self, attempts: int, now: datetime) -> datetime:
        return now + timedelta(milliseconds=min(self._retry_ms * 2 ** min(attempts, 20), self._retry_max_ms))

    async def park(self, records: Sequence[ParkedRecord], now: datetime) -> None:
        """Keeps each record (once, whatever the number of calls) and makes it due after the first wait."""
        if not records:
            return
        self._parks += 1
        self.known_empty = False
        await insert_unless_taken(self._parked, [self._document(r, now) for r in records])

    def _document(self, record: ParkedRecord, now: datetime) -> dict[str, Any]:
        return {
            "_id": record.id,
            "group": record.group,
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "timestamp": record.timestamp,
            "key": record.key,
            "value": record.value,
            "headers": [{"name": k, "value": v} for k, v in record.headers],  # FerretDB keeps no nested arrays
            "waits_for": record.waits_for,
            "parked_at": record.parked_at,
            "attempts": record.attempts,
            "due_at": self._due(record.attempts, now),
        }

    async def due(self, owned: Collection[tuple[str, str, int]], now: datetime, limit: int) -> list[ParkedRecord]:
        """The parked records whose turn has come and that are in a (group, topic, partition) named, oldest
        production time first: the head of each of a key's queues (one per consumer group), for every key
        where the wait of at least one head is over.

        A key's heads come back together, whichever is due, so that they are applied in the order they
        were produced; and none waits behind another group's head, which may wait for it. A key's heads
        are never split between two rounds by `limit`.
        """
        if not owned:
            return []
        found = self._parked.find({}, projection=_HEAD_FIELDS).sort(_PRODUCTION_ORDER)
        heads: dict[bytes | str, list[dict[str, Any]]] = {}  # a key's heads in production order, oldest key first
        seen: set[tuple[str, bytes | str]] = set()
        async for document in found:
            key = document["key"] if document["key"] is not None else document["_id"]
            if (document["group"], key) not in seen:
                seen.add((document["group"], key))
                heads.setdefault(key, []).append(document)
        chosen: list[str] = []
        for queues in heads.values():
            if not any(head["due_at"] <= now for head in queues):
                continue
            ours = [head["_id"] for head in queues if (head["group"], head["topic"], head["partition"]) in owned]
            if chosen and len(chosen) + len(ours) > limit:
                break
            chosen.extend(ours)
        if not chosen:
            return []
        found = self._parked.find({"_id": {"$in": chosen}}).sort(_PRODUCTION_ORDER)
        return [_record(d) async for d in found]

    async def parked_groups(self, keys: Collection[bytes]) -> dict[bytes, set[str]]:
        """The consumer groups each of `keys` has records parked in, for those that have: a later record of
        theirs in one of these groups must queue behind, and one handled elsewhere may be what they wait for."""
        if self.known_empty or not keys:
            return {}
        found = self._parked.find({"key": {"$in": list(keys)}}, projection={"key": 1, "group": 1})
        groups: dict[bytes, set[str]] = {}
        async for document in found:
            groups.setdefault(document["key"], set()).add(document["group"])
        return groups

    async def count(self) -> int:
        """How many records are parked; while none is, `parked_groups` needs no database round trip."""
        parks = self._parks
        parked = await self._parked.count_documents({})
        self.known_empty = parked == 0 and parks == self._parks
        return parked

    async def waiting_again(self, records: Iterable[ParkedRecord], now: datetime) -> None:
        """Released records that still wait: one more attempt, and a longer wait before the next."""
        by_attempts: dict[int, list[str]] = {}
        for record in records:
            by_attempts.setdefault(record.attempts + 1, []).append(record.id)
        for attempts, ids in by_attempts.items():
            await self._parked.update_many(
                {"_id": {"$in": ids}}, {"$set": {"attempts": attempts, "due_at": self._due(attempts, now)}}
            )

    async def remove(self, records: Iterable[ParkedRecord]) -> None:
        ids = [r.id for r in records]
        if ids:
            await self._parked.delete_many({"_id": {"$in": ids}})

    async def wake(self, keys: Collection[bytes | None], now: datetime) -> None:
        """Makes the records parked under `keys` due now: a record of theirs was just handled, so what they
        wait for may have happened. Their attempts are kept: should they still wait, their waits go on growing.

        FerretDB may lose this update to a concurrent `waiting_again` or the reverse: a record then comes
        back at its former time, or once more soon; either is harmless.
        """
        wanted = [key for key in keys if key is not None]
        if self.known_empty or not wanted:
            return
        await self._parked.update_many({"key": {"$in": wanted}, "due_at": {"$gt": now}}, {"$set": {"due_at": now}})


def _record(document: dict[str, Any]) -> ParkedRecord:
    return ParkedRecord(
        group=document["group"],
        topic=document["topic"],
        partition=document["partition"],
        offset=document["offset"],
        timestamp=document["timestamp"],
        key=document["key"],
        value=document["value"],
        headers=tuple((h["name"], bytes(h["value"])) for h in document["headers"]),
        waits_for=document["waits_for"],
        parked_at=document["parked_at"],
        attempts=document["attempts"],
    )
