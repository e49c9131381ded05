"""Eligibility's projection of organisations' approvals in MongoDB, held whole in memory for assessments.

Document: `_id` (the approval id); `organisation_id` and `employer_organisation_id`;
`revision` (what writes are guarded by); `record`, the ApprovalRecord as JSON text,
because its staff are keyed by staff id and an id may hold a dot, which a field name may not.

Reads. Every assessment batch needs the approvals of its filers' organisations; on the
embedded server a filter on `organisation_id` reads the whole collection, every batch. The
projection is small (one document per approval an organisation holds: thousands, a few KB
each, growing with organisations, never with applications), so each instance keeps all of
it in memory and re-reads it only when it changed: `approval_stamps` holds one document,
`{_id: "approvals", stamp}`, given a new random stamp after every batch of approval changes.
A batch of assessments costs one point read of the stamp; a new stamp, one read of every
approval. The stamp is read BEFORE the approvals, and written AFTER them, so a copy is never
kept under a stamp newer than what it holds: a write that lands after the copy's read moves
the stamp after that, and the next batch re-reads. Two writers' stamps may overwrite each
other (FerretDB's updates are not atomic): either value is new, which is all a reader needs.
A writer that dies between its approvals and the stamp leaves the stamp unmoved until its
batch is redelivered; so every batch of changes moves the stamp, even one that writes
nothing (`save([])`: a repeat of what was written before the crash). The projection handler
(`ProjectApprovals`) reads only the approvals its batch names, by `_id`.

Writes. `update_one({_id, revision: {$lt: new}}, {$set: ...}, upsert=True)`: if the
document already holds that revision or a newer one, the filter matches nothing, the
upsert's insert collides on `_id`, and the duplicate key means "stale": ignored. The
updates go one per approval, concurrently, not as one bulk write: FerretDB 1.x stops an
unordered bulk update at its first error (and reports the wrong index), so one stale
approval would silently drop the writes after it. Approval changes are few (and their
filter, not being `{_id: value}` alone, reads the collection: its cost follows organisations,
not applications). At most `WRITES_AT_ONCE` run together: FerretDB 1.24 holds two of a
database's 100 connections for each update while it runs, and stops answering altogether
once updates running together have taken them all (see docs/mongodb-portability.md).
"""

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from pymongo import IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.eligibility.domain import ApprovalRecord

APPROVALS = "approvals"
STAMPS = "approval_stamps"
_STAMP_ID = "approvals"
# None: the projection is read whole (into memory) or by `_id`. (An index on `organisation_id` left by an
# earlier version only costs its upkeep on the rare approval writes.)
INDEXES: dict[str, list[IndexModel]] = {}
WRITES_AT_ONCE = 16


class MongoApprovals:
    def __init__(self, database: AsyncDatabase[dict[str, Any]]) -> None:
        self._approvals = database[APPROVALS]
        self._stamps = database[STAMPS]
        self._writes = asyncio.Semaphore(WRITES_AT_ONCE)
        self._stamp: str | None = None
        self._by_organisation: dict[str, list[ApprovalRecord]] | None = None

    async def load(self, approval_ids: Collection[str]) -> dict[str, ApprovalRecord]:
        found = await asyncio.gather(*(self._approvals.find_one({"_id": i}, {"record": 1}) for i in set(approval_ids)))
        return {d["_id"]: ApprovalRecord.model_validate_json(d["record"]) for d in found if d is not None}

    async def held_by(self, organisation_ids: Collection[str]) -> list[ApprovalRecord]:
        held = await self._current()
        return [record for organisation in set(organisation_ids) for record in held.get(organisation, ())]

    async def _current(self) -> dict[str, list[ApprovalRecord]]:
        marker = await self._stamps.find_one({"_id": _STAMP_ID})
        stamp = marker["stamp"] if marker else None
        if self._by_organisation is not None and stamp == self._stamp:
            return self._by_organisation
        held: dict[str, list[ApprovalRecord]] = defaultdict(list)
        async for document in self._approvals.find({}, {"record": 1}):
            record = ApprovalRecord.model_validate_json(document["record"])
            held[record.organisation_id].append(record)
        self._by_organisation, self._stamp = held, stamp
        return held

    async def save(self, records: Sequence[ApprovalRecord]) -> list[str]:
        written = await asyncio.gather(*(self._save(record) for record in records))
        await self._move_stamp()
        return [record.approval_id for record, ok in zip(records, written, strict=True) if not ok]

    async def _move_stamp(self) -> None:
        update = {"$set": {"stamp": uuid.uuid4().hex}}
        try:
            await self._stamps.update_one({"_id": _STAMP_ID}, update, upsert=True)
        except DuplicateKeyError:  # two first upserts raced on FerretDB: the document exists now
            await self._stamps.update_one({"_id": _STAMP_ID}, update)

    async def _save(self, record: ApprovalRecord) -> bool:
        fields = {
            "organisation_id": record.organisation_id,
            "employer_organisation_id": record.employer_organisation_id,
            "revision": record.revision,
            "record": record.model_dump_json(),
        }
        try:
            async with self._writes:
                await self._approvals.update_one(
                    {"_id": record.approval_id, "revision": {"$lt": record.revision}}, {"$set": fields}, upsert=True
                )
        except DuplicateKeyError:
            return False
        return True
