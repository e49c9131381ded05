"""The use case: a batch of events in, each notice e-mailed at most once, its outcome published.

Per chunk of a batch: plan (keeping the contacts projection), claim every notice in the
ledger (pending), send what is pending, record the outcomes, publish them. Only when
every chunk is done is anything raised, so the chassis retries, parks or isolates what
must be.

- A notice already `sent` or `failed` is not sent: its outcome event is published
  again, identical (a redelivered event, or a retry of a batch that partly worked).
- A notice still `pending` is sent (again): its earlier attempt failed temporarily,
  or the service stopped between handing it to the server and recording it. That second
  case is the one window in which a person can get a message twice; it is kept to the
  moment between writing the message's end and recording it (handlers/recording.py);
  see docs/notification-delivery.md.
- Send once, then remember. Once a message is handed to the mail server, nothing may
  fail the batch before it is recorded: a batch tried again sends whatever it finds
  unrecorded. So every write that follows a send (the outcomes, the postponed attempts,
  the dead-letter copies of refused notices' events) is waited out through `Persist`
  until it sticks. Publishing the outcomes comes last and may fail the batch: the retry
  finds the notices settled, sends nothing and publishes them again.
- A permanent refusal (5xx) settles as `failed`: NoticeFailed is published and the
  source event is copied to the dead-letter topic with the reason. It is not retried.
- A temporary failure (the mail server away or busy) raises `TemporaryFailure` once the
  rest of the batch is settled and published; the chassis tries the batch again for as
  long as the failure lasts, and each retry sends only what is still pending.
- An event whose application's contact is not projected yet raises `EventsWaiting` for
  those events alone, once the rest of the batch is sent, settled and published: the
  chassis parks them and hands them back later, when the acceptance has arrived.

A batch is worked in chunks, two at a time, so that one chunk's database round trips
overlap another's SMTP round trips. An event delivered twice in one batch is kept once
first, so that no two chunks ever hold the same notice.
"""

import asyncio
from collections.abc import Sequence
from datetime import datetime

import structlog

from services.notification.domain.notices import Notice
from services.notification.handlers.leftovers import Leftovers, usable
from services.notification.handlers.outcomes import settled, to_millisecond
from services.notification.handlers.planning import Planner
from services.notification.handlers.ports import (
    Clock,
    Entry,
    Ledger,
    Outcomes,
    Persist,
    Rejected,
    Rejections,
    Source,
    State,
    TemporaryFailure,
)
from services.notification.handlers.recording import Bookkeeping, OutcomeRecorder
from services.notification.handlers.sending import Sender

log = structlog.get_logger("notification.notify")
CHUNK = 100
CHUNKS_AT_ONCE = 2


class Notifier:
    def __init__(
        self, planner: Planner, ledger: Ledger, sender: Sender, outcomes: Outcomes, clock: Clock, persist: Persist
    ) -> None:
        self._planner = planner
        self._ledger = ledger
        self._sender = sender
        self._outcomes = outcomes
        self._clock = clock
        self._persist = persist

    async def handle(self, events: Sequence[Source], rejections: Rejections) -> None:
        first: dict[str, Source] = {}
        for event in events:
            first.setdefault(event.event_id, event)
        unique, slots, left = list(first.values()), asyncio.Semaphore(CHUNKS_AT_ONCE), Leftovers()

        async def chunk(part: Sequence[Source]) -> None:
            async with slots:
                await self._handle(part, rejections, left)

        parts = [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]
        # Every chunk runs to its end before anything is raised: a retry must never overlap a chunk still sending.
        results = await asyncio.gather(*map(chunk, parts), return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            raise failed[0]  # the database or the broker: the chassis retries it as transient
        left.raise_any()

    async def _handle(self, events: Sequence[Source], rejections: Rejections, left: Leftovers) -> None:
        left.unusable += [e.event_id for e in events if not usable(e.event_id)]
        plan = await self._planner.plan([e for e in events if usable(e.event_id)])
        left.missing |= plan.missing
        now = to_millisecond(self._clock.now())
        entries = await self._entries(plan.notices, now)
        to_send = [(n, s) for n, s in plan.notices if entries[n.notice_id].state is State.PENDING]
        async with OutcomeRecorder(self._ledger, self._persist) as recorder:
            results = await self._sender.send_all(to_send, now, Bookkeeping(recorder, entries, now))
        done = [settled(entries[n.notice_id], r, now) for (n, _), r in zip(to_send, results, strict=True)
                if not isinstance(r, BaseException)]  # fmt: skip
        errors = {n.notice_id: r for (n, _), r in zip(to_send, results, strict=True) if isinstance(r, BaseException)}
        left.errors += errors.values()
        refused = [Rejected(e.source_event_id, e.reason or "") for e in done if e.state is State.FAILED]
        await self._remember(errors, refused, rejections, now)
        replayed = [entries[n.notice_id] for n, _ in plan.notices if entries[n.notice_id].state is not State.PENDING]
        if done or replayed:
            # May fail (the broker away): the batch is tried again, finds these settled and only publishes again.
            await self._outcomes.publish([*done, *replayed])
        log.info(
            "notices handled",
            events=len(events),
            sent=len(done) - len(refused),
            failed=len(refused),
            replayed=len(replayed),
            postponed=len(errors),
            skipped=plan.skipped,
            waiting_for_contact=len(plan.missing),
        )

    async def _remember(
        self,
        errors: dict[str, BaseException],
        refused: Sequence[Rejected],
        rejections: Rejections,
        now: datetime,
    ) -> None:
        """Records the rest of what the mail server answered (each outcome is in the ledger already: see
        handlers/recording.py), each write waited out until it sticks.

        Nothing here may fail the batch for a passing reason (the database or the broker away): the
        batch would be tried again and send every notice whose outcome is not recorded yet.
        """
        if postponed := [i for i, error in errors.items() if isinstance(error, TemporaryFailure)]:
            reason = str(errors[postponed[0]])
            await self._persist(lambda: self._ledger.postpone(postponed, reason, now), "count postponed notices")
        if refused:
            # Made for a notice settled now only (a replay publishes NoticeFailed again, not a second copy), so
            # a copy that failed here would never be made: it is waited out like the record itself.
            await self._persist(lambda: rejections.reject(refused), "dead-letter refused notices' events")

    async def _entries(self, notices: Sequence[tuple[Notice, Source]], now: datetime) -> dict[str, Entry]:
        """Claims every notice (inserts it as pending) and reads back only those the ledger already had."""
        claims = [self._pending(n, s, now) for n, s in notices]
        known = await self._ledger.claim(claims) if claims else set()
        entries = {e.notice_id: e for e in claims if e.notice_id not in known}
        again = [e for e in claims if e.notice_id in known]
        return entries | (await self._ledger.find(again) if again else {})

    def _pending(self, notice: Notice, source: Source, now: datetime) -> Entry:
        return Entry(
            notice_id=notice.notice_id,
            kind=str(notice.kind),
            source_event_id=notice.source_event_id,
            message_id=self._sender.message_id(notice.notice_id),
            state=State.PENDING,
            created_at=now,
            application_id=notice.application_id,
            approval_id=notice.approval_id,
            correlation_id=source.correlation_id,
        )
