"""The outbox: one small marker per (application, version) whose write left events to publish.

A write that leaves events pending inserts the marker `<id>/<version>` first, holding
those events as text (`documents.outbox_text`: what the write adds and what earlier
writes left pending) and how many they are; publishing deletes the markers of every
version it covered. So the collection stays as small as what is pending, by design:
the relay's scan of it and a batch's one `_id: {$in}` read of it are cheap even where
only `{_id: value}` reaches an index (FerretDB 1.x), however many applications are
stored; and marking sent never rewrites an application. A marker whose write never
landed (the writer died) is cleared once it is older than `ABANDONED_AFTER`.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import insert_unless_taken
from services.intake.adapters.collections import Document
from services.intake.adapters.documents import marker_id, outbox_text
from services.intake.handlers.ports import Stored

OUTBOX_PENDING = "outbox_pending"
ABANDONED_AFTER = timedelta(seconds=30)
"""A claim or marker this old whose write never landed belongs to a writer that died."""


class OutboxMarkers:
    def __init__(self, database: AsyncDatabase[Document]):
        self.collection = database[OUTBOX_PENDING]

    async def add(self, written: Sequence[Stored], at: datetime) -> set[str]:
        """Marks each snapshot's outbox pending at its version; returns the markers that were taken already."""
        return await insert_unless_taken(self.collection, [_marker(s, at) for s in written])

    async def replace(self, written: Sequence[Stored], at: datetime) -> None:
        """Overwrites the markers of versions this writer owns that a writer that died had marked (rare)."""
        for snapshot in written:
            document = _marker(snapshot, at)
            await self.collection.replace_one({"_id": document["_id"]}, document, upsert=True)

    async def backlog(self) -> tuple[int, datetime | None]:
        """How many events are pending, and when the oldest pending marker was written (None: nothing pending).

        A sum over the markers and the first by time: both read the whole collection on FerretDB, which is
        as small as what is pending. Markers written before they carried `events` count none.
        """
        summing = await self.collection.aggregate([{"$group": {"_id": None, "n": {"$sum": "$events"}}}])
        summed = await summing.to_list()
        oldest = await self.collection.find({}, {"at": 1}).sort("at", 1).limit(1).to_list()
        return (summed[0]["n"] if summed else 0), (oldest[0]["at"] if oldest else None)

    async def of_versions(self, wanted: Iterable[tuple[str, int]]) -> dict[str, dict[int, Document]]:
        """The markers that exist among those named (application id, version), by application and version.

        One command for a whole batch: `_id: {$in}` reads the whole (small) collection on FerretDB."""
        ids = sorted({marker_id(a, v) for a, v in wanted})
        found: dict[str, dict[int, Document]] = {}
        if ids:
            async for m in self.collection.find({"_id": {"$in": ids}}):
                found.setdefault(m["application_id"], {})[m["version"]] = m
        return found

    async def remove(self, marker_ids: Sequence[str]) -> None:
        if marker_ids:
            await self.collection.delete_many({"_id": {"$in": list(marker_ids)}})

    async def covered_by(self, published: Sequence[Stored]) -> None:
        """Deletes the markers of every version up to each snapshot's: what they held is published."""
        await self.remove([marker_id(s.state.application_id, v) for s in published for v in range(1, s.version + 1)])

    async def older_than(self, moment: datetime, limit: int) -> list[Document]:
        return await self.collection.find({"at": {"$lte": moment}}, {"outbox": 0}).limit(limit).to_list()

    async def clear_abandoned(self, markers: Sequence[Document], found: dict[str, Stored], now: datetime) -> None:
        """Markers of writes that never landed, once old enough that their writer is surely gone."""
        await self.remove([m["_id"] for m in markers if _abandoned(m, found.get(m["application_id"]), now)])


def _marker(snapshot: Stored, at: datetime) -> Document:
    application_id, version = snapshot.state.application_id, snapshot.version
    return {
        "_id": marker_id(application_id, version),
        "application_id": application_id,
        "version": version,
        "at": at,
        "events": len(snapshot.outbox),
        "outbox": outbox_text(snapshot.outbox),
    }


def _abandoned(marker: Document, application: Stored | None, now: datetime) -> bool:
    landed = application is not None and application.version >= marker["version"]
    return not landed and marker["at"] < now - ABANDONED_AFTER
