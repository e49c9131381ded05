"""Intake's applications in MongoDB, built on what FerretDB 1.x does reliably and fast.

Measured on our FerretDB (SQLite backend): a query on `_id` alone is answered in a
millisecond, any other filter (`$in`, a second field, an indexed field) reads and
decodes the whole collection; an update is a read then a whole-document write, so
a filter such as `{_id, version}` guards nothing when two writers meet; unique keys
are enforced. Hence (see docs/intake-design.md):

- every read and write of an application names its `_id` alone; a batch's reads run
  concurrently;
- a write of version v+1 first wins the claim in `VersionClaims`; the loser raises
  `WriteConflict`, and its use case reads again;
- numbers lead to applications through `application_numbers` (`_id` = the number);
- the events a write leaves pending travel in its `OutboxMarkers` marker, not in the application, so
  a status change rewrites a small document; a batch reads its markers in one command over that small
  collection;
- updates go out a few per command, one command at a time (`UPDATES_PER_COMMAND`).
Bookkeeping is inserted before the application is written, so a crash in between
leaves only leftovers that lead nowhere, never an application that cannot be found
or whose events are not marked.
"""

import asyncio
from collections.abc import Collection, Sequence
from datetime import datetime

from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from chassis.errors import TransientError
from chassis.mongo import insert_unless_taken
from services.intake.adapters.collections import Document
from services.intake.adapters.documents import from_document, marker_id, marker_versions, state_fields, to_document
from services.intake.adapters.outbox_markers import OutboxMarkers
from services.intake.adapters.version_claims import VersionClaims
from services.intake.handlers.ports import Change, Clock, Contention, Stored

APPLICATIONS, APPLICATION_NUMBERS = "applications", "application_numbers"
INDEXES = {
    APPLICATIONS: [
        IndexModel([("filer_id", ASCENDING), ("submission_id", ASCENDING)], unique=True, name="submission"),
        IndexModel([("provisional_number", ASCENDING)], unique=True, name="provisional_number"),
        # Sparse: FerretDB 1.x has no partial indexes; the field is absent until acceptance.
        IndexModel([("receipt_number", ASCENDING)], unique=True, sparse=True, name="receipt_number"),
    ],
}

UPDATES_PER_COMMAND = 25
"""FerretDB 1.24 runs each statement of an `update` command as a read whose rows stay open until the
whole command ends, plus a write on a second connection of the database's pool (100 connections). So a
command of 100 statements, or updates running together that hold 100 connections between them, wait
for a connection for ever, and the whole database stops answering (measured: the system benchmark's
first batch of assessments). Kept at most `UPDATES_PER_COMMAND + 1` connections per intake instance."""


class WriteConflict(Contention, TransientError):
    """Another writer got there first: the use case reads again, and the delivery layer would retry too."""


class MongoApplications:
    def __init__(self, database: AsyncDatabase[Document], clock: Clock):
        self.applications = database[APPLICATIONS]
        self.numbers = database[APPLICATION_NUMBERS]
        self.claims = VersionClaims(database)
        self.markers = OutboxMarkers(database)
        self.clock = clock
        self._updating = asyncio.Lock()

    async def get_many(self, application_ids: Collection[str]) -> dict[str, Stored]:
        found = [d for d in await asyncio.gather(*map(self._by_id, application_ids)) if d is not None]
        # Read after the documents: a marker is inserted before its write, so none covering them is missed.
        wanted = ((d["_id"], v) for d in found for v in marker_versions(d))
        markers = await self.markers.of_versions(wanted) if found else {}
        return {d["_id"]: from_document(d, markers.get(d["_id"], {})) for d in found}

    async def find_by_number(self, number: str) -> Stored | None:
        reference = await self.numbers.find_one({"_id": number})
        if reference is None:
            return None
        found = (await self.get_many([reference["application_id"]])).get(reference["application_id"])
        # A number drawn for a write that never landed leads nowhere, or to an application it is not.
        return found if found and number in (found.state.provisional_number, found.state.receipt_number) else None

    async def insert(self, applications: Sequence[Stored]) -> set[str]:
        if not applications:
            return set()
        now = self.clock.now()
        await insert_unless_taken(self.numbers, [_reference(a.state.provisional_number, a) for a in applications])
        marked = [a for a in applications if a.outbox]
        taken_markers = await self.markers.add(marked, now)
        existed = await insert_unless_taken(self.applications, [to_document(a) for a in applications])
        # Our markers for applications stored before: their events are not pending again.
        ours = {marker_id(a.state.application_id, a.version) for a in marked} - taken_markers
        await self.markers.remove([marker_id(i, 1) for i in existed if marker_id(i, 1) in ours])
        # A marker left by an inserter that died before its application landed holds that writer's events.
        await self.markers.replace(
            [a for a in marked if a.state.application_id not in existed and _marker_of(a) in taken_markers], now
        )
        return existed

    async def update(self, changes: Sequence[Change]) -> None:
        if not changes:
            return
        now = self.clock.now()
        won, lost = await self.claims.claim(changes, now)
        if won:
            numbered = [c.after for c in won if c.after.state.receipt_number != c.before.state.receipt_number]
            await insert_unless_taken(self.numbers, [_reference(s.state.receipt_number or "", s) for s in numbered])
            # Every event still pending travels in this version's marker, those earlier writes left included.
            marked = [c.after for c in won if c.after.outbox]
            taken = await self.markers.add(marked, now)
            # We hold this version's claim: a marker already there is a dead writer's, whose claim was freed.
            await self.markers.replace([s for s in marked if _marker_of(s) in taken], now)
            await self._write_all([_write(c) for c in won])
        if lost:
            current = await self.get_many([c.after.state.application_id for c in lost])
            await self.claims.release_abandoned(lost, {i: s.version for i, s in current.items()}, now)
            raise WriteConflict(f"{len(lost)} application(s) changed by another writer")

    async def mark_sent(self, published: Sequence[Stored]) -> None:
        await self.markers.covered_by(published)

    async def pending(self, older_than: datetime, limit: int) -> list[Stored]:
        markers = await self.markers.older_than(older_than, limit)
        found = await self.get_many({m["application_id"] for m in markers})
        await self.markers.clear_abandoned(markers, found, self.clock.now())
        return list(found.values())

    async def _write_all(self, writes: list[UpdateOne]) -> None:
        """A few updates per command, one command at a time: see `UPDATES_PER_COMMAND`."""
        async with self._updating:
            for start in range(0, len(writes), UPDATES_PER_COMMAND):
                await self.applications.bulk_write(writes[start : start + UPDATES_PER_COMMAND], ordered=False)

    async def _by_id(self, application_id: str) -> Document | None:
        return await self.applications.find_one({"_id": application_id})


def _reference(number: str, stored: Stored) -> Document:
    return {"_id": number, "application_id": stored.state.application_id}


def _marker_of(stored: Stored) -> str:
    return marker_id(stored.state.application_id, stored.version)


def _write(change: Change) -> UpdateOne:
    """The state and version alone; `outbox` goes: documents of the earlier layout carried their events."""
    fields: Document = {**state_fields(change.after.state), "version": change.after.version}
    return UpdateOne({"_id": change.after.state.application_id}, {"$set": fields, "$unset": {"outbox": ""}})
