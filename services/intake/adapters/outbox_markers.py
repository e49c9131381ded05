"""Which outbox events are still to be published: one small marker per (application, version).

A write that adds events to an application inserts the marker `<id>/<version>`
first, with how many events it adds; publishing deletes the markers of every version it covered. The collection
stays as small as what is pending, so the relay's scan of it is cheap even where
only `_id` lookups are (FerretDB 1.x), and marking sent never rewrites an
application. A marker whose write never landed (the writer died) is cleared once
it is older than `ABANDONED_AFTER`.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from pymongo.asynchronous.database import AsyncDatabase

from services.intake.adapters.collections import Document, insert_new
from services.intake.adapters.documents import marker_id
from services.intake.handlers.ports import Stored

OUTBOX_PENDING = "outbox_pending"
ABANDONED_AFTER = timedelta(seconds=30)
"""A claim or marker this old whose write never landed belongs to a writer that died."""


class OutboxMarkers:
    def __init__(self, database: AsyncDatabase[Document]):
        self.collection = database[OUTBOX_PENDING]

    async def add(self, written: Iterable[tuple[str, int, int]], at: datetime) -> set[str]:
        """Marks (application id, version, events added) pending; returns the markers that were new."""
        documents = [
            {"_id": marker_id(a, v), "application_id": a, "version": v, "at": at, "events": n} for a, v, n in written
        ]
        return await insert_new(self.collection, documents)

    async def backlog(self) -> tuple[int, datetime | None]:
        """How many events are pending, and when the oldest pending marker was written (None: nothing pending).

        A sum over the markers and the first by time: both read the whole collection on FerretDB, which is
        as small as what is pending. Markers written before they carried `events` count none.
        """
        summing = await self.collection.aggregate([{"$group": {"_id": None, "n": {"$sum": "$events"}}}])
        summed = await summing.to_list()
        oldest = await self.collection.find({}, {"at": 1}).sort("at", 1).limit(1).to_list()
        return (summed[0]["n"] if summed else 0), (oldest[0]["at"] if oldest else None)

    async def versions(self, application_ids: set[str]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        async for m in self.collection.find({"application_id": {"$in": sorted(application_ids)}}):
            found.setdefault(m["application_id"], set()).add(m["version"])
        return found

    async def remove(self, marker_ids: Sequence[str]) -> None:
        if marker_ids:
            await self.collection.delete_many({"_id": {"$in": list(marker_ids)}})

    async def covered_by(self, published: Sequence[Stored]) -> None:
        """Deletes the markers of every version up to each snapshot's: what they held is published."""
        await self.remove([marker_id(s.state.application_id, v) for s in published for v in range(1, s.version + 1)])

    async def older_than(self, moment: datetime, limit: int) -> list[Document]:
        return await self.collection.find({"at": {"$lte": moment}}).limit(limit).to_list()

    async def clear_abandoned(self, markers: Sequence[Document], found: dict[str, Stored], now: datetime) -> None:
        """Markers of writes that never landed, once old enough that their writer is surely gone."""
        await self.remove([m["_id"] for m in markers if _abandoned(m, found.get(m["application_id"]), now)])


def _abandoned(marker: Document, application: Stored | None, now: datetime) -> bool:
    landed = application is not None and application.version >= marker["version"]
    return not landed and marker["at"] < now - ABANDONED_AFTER
