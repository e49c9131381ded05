"""The rate limiter's shared state: one document per admitted request (or batch item) in its window.

A window's budget is its slots, `<caller>|<route>|<window start ms>|<n>` for n below
the burst, and a request is admitted once it holds as many slots as it costs. A slot
is claimed by inserting its `_id`: of concurrent inserts of one `_id` exactly one
succeeds, on FerretDB as on MongoDB, whereas FerretDB's `$inc` reads and writes back
and loses concurrent increments (docs/mongodb-portability.md). Every read and write
goes by `_id` alone, the one filter FerretDB does not answer by scanning.

FerretDB has no TTL indexes, so `purge` deletes the slots of windows that have ended
(by `expires_at`, which does scan; it runs in the background, not per request).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import insert_unless_taken

RATE_LIMIT_SLOTS = "rate_limit_slots"
INDEXES = {RATE_LIMIT_SLOTS: [IndexModel([("expires_at", ASCENDING)], name="expires_at")]}


class MongoSlots:
    def __init__(self, database: AsyncDatabase[dict[str, Any]]):
        self.collection = database[RATE_LIMIT_SLOTS]

    async def claim(self, window: str, slots: Iterable[int], expires_at: datetime) -> set[int]:
        """Claims the slots in one insert; returns those another request holds already."""
        documents = [{"_id": f"{window}|{n}", "expires_at": expires_at} for n in slots]
        taken = await insert_unless_taken(self.collection, documents)
        return {int(str(_id).rsplit("|", 1)[1]) for _id in taken}

    async def release(self, window: str, slots: Iterable[int]) -> None:
        for n in slots:  # by `_id` alone: one `$in` would scan the collection on FerretDB
            await self.collection.delete_one({"_id": f"{window}|{n}"})

    async def purge(self, now: datetime) -> int:
        result = await self.collection.delete_many({"expires_at": {"$lt": now}})
        return result.deleted_count
