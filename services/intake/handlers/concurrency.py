"""Writers of one application, one after the other: in-process locks, and retries after a lost race.

Every write is a read, a decision and a write of the next version; of two writers
from the same version the store lets one through and tells the other
(`Contention`), which then reads again. Inside one process such races are pure
waste, so each use case holds the applications' locks from its read to its last
write; the store's rule still settles races between instances. Locks are taken in
sorted order, so batches never deadlock.
"""

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import TypeVar

from services.intake.handlers.ports import Applications, Clock, Contention, Flush, Numbers

T = TypeVar("T")


async def retrying(attempts: int, run: Callable[[], Awaitable[T]]) -> T:
    """Runs `run` again after a lost race, with a short random pause; raises Contention if it never settles."""
    for attempt in range(1, attempts + 1):
        try:
            return await run()
        except Contention:
            if attempt == attempts:
                raise
            await asyncio.sleep(random.uniform(0, 0.01 * 2**attempt))
    raise AssertionError("unreachable")


class ApplicationLocks:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._holders: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, application_ids: Iterable[str]) -> AsyncIterator[None]:
        wanted = sorted(set(application_ids))
        for application_id in wanted:
            self._holders[application_id] = self._holders.get(application_id, 0) + 1
        acquired: list[asyncio.Lock] = []
        try:
            for application_id in wanted:
                lock = self._locks.setdefault(application_id, asyncio.Lock())
                await lock.acquire()
                acquired.append(lock)
            yield
        finally:
            for lock in reversed(acquired):
                lock.release()
            for application_id in wanted:
                self._holders[application_id] -= 1
                if not self._holders[application_id]:
                    del self._holders[application_id], self._locks[application_id]

    def __len__(self) -> int:
        return len(self._locks)


class Writer:
    """What every use case that writes applications holds: the store, the number source, the clock, the
    outbox flush, the per-application locks, and how many times a lost race is tried again."""

    def __init__(
        self,
        applications: Applications,
        numbers: Numbers,
        clock: Clock,
        flush: Flush,
        locks: ApplicationLocks,
        attempts: int = 3,
    ):
        self.applications = applications
        self.numbers = numbers
        self.clock = clock
        self.flush = flush
        self.locks = locks
        self.attempts = attempts
