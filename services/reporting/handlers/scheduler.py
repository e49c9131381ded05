"""The durable schedule: reminders, deadlines and lapses emitted exactly once, from the database.

Each stored approval carries `next_due`, the domain's `next_due_date`. Every tick reads the
approvals whose date is on or before today (Japan's calendar day), runs the domain's `advance`
and writes the new state with its outbox as the next version after the one it read. So:

- nothing lives in memory: after downtime the first tick (run at start) finds every change that
  fell due meanwhile, and `advance` emits them in order (reminder, deadline, lapse);
- two instances may read the same approval, but only one can write its next version; the other
  skips it, so a reminder is never emitted twice (and its id, derived from the approval, the
  period and the revision, would be the same if it were);
- a bureau event that lands between read and write also wins; the next tick looks again.
"""

import asyncio
from datetime import date, datetime

import structlog

from contracts.calendar import japan_date
from services.reporting.domain.schedule import advance
from services.reporting.handlers.outbox import Outbox, pending
from services.reporting.handlers.ports import ApprovalStore, Clock, StoredApproval

log = structlog.get_logger("reporting.scheduler")


class Scheduler:
    def __init__(
        self, store: ApprovalStore, outbox: Outbox, clock: Clock, *, instance: str, interval: float, page: int = 200
    ) -> None:
        self._store = store
        self._outbox = outbox
        self._clock = clock
        self._instance = instance
        self._interval = interval
        self._page = page

    async def run(self) -> None:
        """Ticks at once (catch-up after downtime), then every `interval` seconds."""
        while True:
            await self.tick()
            await asyncio.sleep(self._interval)

    async def tick(self) -> int:
        """Emits every scheduled change due by today; returns how many this instance emitted."""
        now = self._clock.now()
        today = japan_date(now)
        emitted = 0
        while due := await self._store.due(today, self._page):
            won = 0
            for stored in due:
                if (written := await self._advance(stored, today, now)) is not None:
                    # Published at once, not per page: the relay must never see a fresh outbox as left over.
                    emitted += await self._outbox.flush([written])
                    won += 1
            if not won:  # another instance is writing these; it publishes them
                break
        await self._store.record_run(self._instance, today, now)
        return emitted

    async def _advance(self, stored: StoredApproval, today: date, now: datetime) -> StoredApproval | None:
        approval = stored.approval
        outcome = advance(approval, today, now)
        assert outcome.approval is not None  # advance keeps the approval it was given
        slot = f"schedule:{approval.approval_id}:{approval.valid_until.isoformat()}"
        outbox = pending(outcome.changes, cause=slot)
        if await self._store.save(outcome.approval, expected_version=stored.version, outbox=outbox):
            return StoredApproval(outcome.approval, outbox, stored.version + 1)
        log.info("approval moved on before the schedule wrote; skipping", approval_id=approval.approval_id)
        return None
