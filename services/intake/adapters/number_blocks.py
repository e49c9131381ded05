"""Number sequences as chains of claimed blocks: a block is claimed by inserting its first number.

FerretDB 1.x applies `$inc` and `findAndModify` as a read and then a write, not
atomically: callers at the same moment get the same value (12 concurrent callers,
600 increments: 82 duplicates). It does enforce unique keys. So a block of numbers
is claimed by inserting `{_id: "<counter>#<start>"}`: of two instances claiming the
same start exactly one succeeds; the other asks where the chain ends (one indexed
query on a small collection) and claims after it. Blocks are never deleted, so a
number is never given twice. Each instance remembers where its last block ended,
so a reservation normally costs one insert; with `prefetch`, it claims at least that
many at once and hands them out over several reservations (a single HTTP
submission then rarely costs a round trip). Numbers an instance held when it
stopped are never given: gaps, never duplicates.
"""

import asyncio

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.errors import TransientError
from services.intake.adapters.collections import Document

NUMBER_BLOCKS = "number_blocks"
INDEXES = {NUMBER_BLOCKS: [IndexModel([("counter", ASCENDING), ("end", DESCENDING)], name="chain_end")]}
_MAX_ATTEMPTS = 50


class MongoNumbers:
    def __init__(self, database: AsyncDatabase[Document], prefetch: int = 1):
        self.collection = database[NUMBER_BLOCKS]
        self.prefetch = prefetch
        self._next: dict[str, int] = {}
        self._held: dict[str, range] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def reserve(self, counter: str, count: int) -> range:
        if count <= 0:
            return range(0)
        async with self._locks.setdefault(counter, asyncio.Lock()):
            held = self._held.get(counter, range(0))
            if len(held) < count:
                held = await self._claim(counter, max(count, self.prefetch))
            self._held[counter] = held[count:]
            return held[:count]

    async def _claim(self, counter: str, count: int) -> range:
        start = self._next.get(counter) or await self._chain_end(counter) + 1
        for _ in range(_MAX_ATTEMPTS):
            block = {"_id": f"{counter}#{start:012d}", "counter": counter, "start": start, "end": start + count - 1}
            try:
                await self.collection.insert_one(block)
            except DuplicateKeyError:
                start = await self._chain_end(counter) + 1
                continue
            self._next[counter] = start + count
            return range(start, start + count)
        raise TransientError(f"could not claim numbers of {counter} in {_MAX_ATTEMPTS} attempts")

    async def _chain_end(self, counter: str) -> int:
        last = await self.collection.find_one({"counter": counter}, sort=[("end", DESCENDING)])
        return int(last["end"]) if last else 0
