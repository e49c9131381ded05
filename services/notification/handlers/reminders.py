"""The scheduled check for documents reminders: each reminder sent once, whatever the number of instances.

Every tick reads the requests whose last day falls within the reminder window (today in
Japan, by the injected clock), drops those answered online (`reminder_due`), claims the
rest (an insert keyed by the request: the instance whose insert lands sends) and hands
them to the notifier, which sends, records and publishes them like any notice. A tick
that fails releases its claims, so the next tick tries again; the ledger keeps the
notice's Message-ID, so a message the server did take is recognisable as the same.
"""

import asyncio
from collections.abc import Sequence

import structlog

from contracts.calendar import japan_date
from services.notification.domain.plan_documents import reminder_due, reminder_window
from services.notification.handlers.notify import Notifier
from services.notification.handlers.ports import Clock, DocumentsRequests, Rejected, Source

log = structlog.get_logger("notification.reminders")


class LoggedRejections:
    """A reminder has no source record to dead-letter: a refused one is the NoticeFailed event and this line."""

    async def reject(self, rejected: Sequence[Rejected]) -> None:
        for item in rejected:
            log.warning("documents reminder refused", request_event_id=item.source_event_id, reason=item.reason)


class DocumentsReminders:
    def __init__(
        self, requests: DocumentsRequests, notifier: Notifier, clock: Clock, *, days_before: int, page: int = 100
    ) -> None:
        self._requests = requests
        self._notifier = notifier
        self._clock = clock
        self._days_before = days_before
        self._page = page

    async def run(self, interval: float) -> None:
        while True:
            await self.tick()
            await asyncio.sleep(interval)

    async def tick(self) -> int:
        """Sends the reminders due today that no other instance claimed; returns how many this one sent."""
        today = japan_date(self._clock.now())
        candidates = await self._requests.due_between(*reminder_window(today, self._days_before), self._page)
        answers = await self._requests.answers({c.application_id for c in candidates}) if candidates else {}
        due = [
            c
            for c in candidates
            if reminder_due(c.due_on, c.requested_at, answers.get(c.application_id, ()), today, self._days_before)
        ]
        if not due:
            return 0
        taken = await self._requests.claim_reminders([d.request_event_id for d in due])
        mine = [d for d in due if d.request_event_id not in taken]
        if not mine:
            return 0
        try:
            await self._notifier.handle([Source(d.request_event_id, d) for d in mine], LoggedRejections())
        except BaseException:
            await self._requests.release_reminders([d.request_event_id for d in mine])
            raise
        log.info("documents reminders handed over", count=len(mine))
        return len(mine)
