"""Eligibility's projection of organisations' approvals in MongoDB: one document per approval.

Document: `_id` (the approval id); `organisation_id` and `employer_organisation_id`
(what lookups filter on); `revision` (what writes are guarded by); `record`, the
ApprovalRecord as JSON text, because its staff are keyed by staff id and an id may
hold a dot, which a field name may not.

A write is `update_one({_id, revision: {$lt: new}}, {$set: ...}, upsert=True)`: if the
document already holds that revision or a newer one, the filter matches nothing, the
upsert's insert collides on `_id`, and the duplicate key means "stale": ignored. The
updates go one per approval, concurrently, not as one bulk write: FerretDB 1.x stops an
unordered bulk update at its first error (and reports the wrong index), so one stale
approval would silently drop the writes after it. Approval changes are few; this is cheap.
At most `WRITES_AT_ONCE` run together: FerretDB 1.24 holds two of a database's 100
connections for each update while it runs, and stops answering altogether once updates
running together have taken them all (see docs/mongodb-portability.md).
"""

import asyncio
from collections.abc import Collection, Sequence
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.eligibility.domain import ApprovalRecord

APPROVALS = "approvals"
# One compound index: it serves the lookup by organisation (its prefix) and by organisation and
# employer, and a single index per collection keeps FerretDB's createIndexes safe on restart.
INDEXES = {APPROVALS: [IndexModel([("organisation_id", ASCENDING), ("employer_organisation_id", ASCENDING)])]}
WRITES_AT_ONCE = 16


class MongoApprovals:
    def __init__(self, database: AsyncDatabase[dict[str, Any]]) -> None:
        self._approvals = database[APPROVALS]
        self._writes = asyncio.Semaphore(WRITES_AT_ONCE)

    async def load(self, approval_ids: Collection[str]) -> dict[str, ApprovalRecord]:
        if not approval_ids:
            return {}
        found = self._approvals.find({"_id": {"$in": list(approval_ids)}}, {"record": 1})
        return {document["_id"]: ApprovalRecord.model_validate_json(document["record"]) async for document in found}

    async def held_by(self, organisation_ids: Collection[str]) -> list[ApprovalRecord]:
        if not organisation_ids:
            return []
        found = self._approvals.find({"organisation_id": {"$in": list(organisation_ids)}}, {"record": 1})
        return [ApprovalRecord.model_validate_json(document["record"]) async for document in found]

    async def save(self, records: Sequence[ApprovalRecord]) -> list[str]:
        written = await asyncio.gather(*(self._save(record) for record in records))
        return [record.approval_id for record, ok in zip(records, written, strict=True) if not ok]

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
