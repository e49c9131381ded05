"""Publishing what waits in the outbox, by the writer at once and by the relay after a crash.

A writer stores its events as pending (the store marks them before it writes the state
change they belong to, so they count only once that write landed), then calls
`Flusher`: publish everything pending in the snapshots it holds, all at once, then
mark exactly those sent. If the process dies in between, the events stay pending
in the store and `OutboxRelay.sweep` publishes them; the relay leaves alone
entries younger than a grace period, which their writer is most likely still
publishing. Publishing twice is harmless: the ids are the same, consumers deduplicate.
"""

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from services.intake.handlers.concurrency import ApplicationLocks
from services.intake.handlers.ports import Applications, Clock, Publisher, Stored

_MAX_ROUNDS = 100
"""A sweep ends after this many full batches, so one call never runs unbounded; the next sweep goes on."""


class Flusher:
    def __init__(self, applications: Applications, publisher: Publisher):
        self.applications = applications
        self.publisher = publisher

    async def __call__(self, snapshots: Sequence[Stored]) -> int:
        """Publishes every pending event of `snapshots` and marks them sent; returns how many."""
        events = [event for snapshot in snapshots for event in snapshot.outbox]
        if events:
            await self.publisher.publish(events)
        if snapshots:
            # Snapshots with nothing pending are marked too: that clears what a crash left marked.
            await self.applications.mark_sent(snapshots)
        return len(events)


class OutboxRelay:
    def __init__(
        self,
        applications: Applications,
        flush: Flusher,
        clock: Clock,
        locks: ApplicationLocks,
        *,
        grace: timedelta,
        batch: int,
    ):
        self.applications = applications
        self.flush = flush
        self.clock = clock
        self.locks = locks
        self.grace = grace
        self.batch = batch

    async def sweep(self) -> int:
        """Publishes everything pending for longer than the grace period; returns the number of events."""
        total = 0
        for _ in range(_MAX_ROUNDS):
            stale = await self.applications.pending(self.clock.now() - self.grace, self.batch)
            async with self.locks.hold(s.state.application_id for s in stale):
                total += await self.flush(stale) if stale else 0
            if len(stale) < self.batch:
                break
        return total

    async def run(self, interval_seconds: float) -> None:
        """Sweeps at once (a crash may have left events behind), then every `interval_seconds`."""
        while True:
            await self.sweep()
            await asyncio.sleep(interval_seconds)
