"""Idempotency-Key records in MongoDB, one document per caller and key.

The `_id` is `<filer_id>/<key>`: a filer id cannot contain `/`, so keys of two
filers never collide, and the unique `_id` settles two requests racing to claim
the same key. A claim carries the time it was made, so a claim whose request
died (the process was killed) can be taken over once its lease has run out.
FerretDB has no TTL indexes: records are kept; deleting old ones is an
operator's job (`claimed_at` is indexed for it).

Updates run at most `UPDATES_AT_ONCE` at a time, however many requests arrive
together: FerretDB 1.24 holds two of a database's 100 connections for each update
while it runs, and stops answering once updates have taken them all (see
`UPDATES_PER_COMMAND` in repository.py).
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.intake.domain.idempotency import IdempotencyRecord, StoredResult

IDEMPOTENCY_KEYS = "idempotency_keys"
INDEXES = {IDEMPOTENCY_KEYS: [IndexModel([("claimed_at", ASCENDING)], name="claimed_at")]}
UPDATES_AT_ONCE = 8
"""With the 26 connections of an application write, one instance holds at most 42 of the 100: two fit."""


@dataclass(frozen=True, slots=True)
class Claimed:
    record: IdempotencyRecord
    claimed_at: datetime


class MongoIdempotencyKeys:
    def __init__(self, database: AsyncDatabase[dict[str, Any]]):
        self.collection = database[IDEMPOTENCY_KEYS]
        self._updates = asyncio.Semaphore(UPDATES_AT_ONCE)

    async def get(self, scope: str, key: str) -> Claimed | None:
        document = await self.collection.find_one({"_id": _id(scope, key)})
        if document is None:
            return None
        record = IdempotencyRecord(
            key=document["key"], fingerprint=document["fingerprint"], result=document.get("result")
        )
        return Claimed(record, document["claimed_at"])

    async def claim(self, scope: str, record: IdempotencyRecord, now: datetime) -> bool:
        """False if another request claimed the key first."""
        document = {
            "_id": _id(scope, record.key),
            "key": record.key,
            "fingerprint": record.fingerprint,
            "claimed_at": now,
        }
        try:
            await self.collection.insert_one(document)
        except DuplicateKeyError:
            return False
        return True

    async def take_over(self, scope: str, stale: Claimed, now: datetime) -> bool:
        """Re-claims a key whose request never finished; False if someone else did so first."""
        async with self._updates:
            result = await self.collection.update_one(
                {"_id": _id(scope, stale.record.key), "claimed_at": stale.claimed_at, "result": None},
                {"$set": {"claimed_at": now}},
            )
        return result.modified_count == 1

    async def complete(self, scope: str, key: str, result: StoredResult) -> None:
        async with self._updates:
            await self.collection.update_one({"_id": _id(scope, key)}, {"$set": {"result": result.model_dump()}})

    async def release(self, scope: str, key: str) -> None:
        """Frees the key after a failure that left nothing to replay, so the client's retry can proceed."""
        await self.collection.delete_one({"_id": _id(scope, key), "result": None})


def _id(scope: str, key: str) -> str:
    return f"{scope}/{key}"
