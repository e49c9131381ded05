"""The use case: a batch of events in, each notice e-mailed at most once, its outcome published.

Per chunk of a batch: plan (keeping the contacts projection), claim every notice in the
ledger (pending), send what is pending, settle the ledger, publish the outcomes. Only
when every chunk is done is anything raised, so the chassis retries what must be.

- A notice already `sent` or `failed` is not sent: its outcome event is published
  again, identical (a redelivered event, or a retry of a batch that partly worked).
- A notice still `pending` is sent (again): its earlier attempt failed temporarily,
  or the service stopped between sending and settling. That second case is the one
  window in which a person can get a message twice; see docs/notification-delivery.md.
- A permanent refusal (5xx) settles as `failed`: NoticeFailed is published and the
  source event is copied to the dead-letter topic with the reason. It is not retried.
- A temporary failure or a contact not known yet raises `TemporaryFailure` after the
  rest of the batch is settled and published, so the chassis retries with backoff;
  the retry finds the settled notices in the ledger and sends only the rest.

A batch is worked in chunks, two at a time, so that one chunk's database round trips
overlap another's SMTP round trips. An event delivered twice in one batch is kept once
first, so that no two chunks ever hold the same notice.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from pydantic import TypeAdapter, ValidationError

from contracts.application import Identifier
from services.notification.domain.notices import MissingContact, Notice
from services.notification.handlers.outcomes import settled, to_millisecond
from services.notification.handlers.planning import Planner
from services.notification.handlers.ports import (
    Clock,
    Entry,
    Ledger,
    Outcomes,
    Rejected,
    Rejections,
    Source,
    State,
    TemporaryFailure,
)
from services.notification.handlers.sending import Sender

log = structlog.get_logger("notification.notify")
_IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)
CHUNK = 100
CHUNKS_AT_ONCE = 2


class UnusableEventId(ValueError):
    """NoticeSent names its source event by id, as an `Identifier`; this one is not."""


@dataclass
class Leftovers:
    """What a chunk could not finish: raised once the whole batch is done."""

    errors: list[BaseException] = field(default_factory=list)
    missing: list[MissingContact] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)


class Notifier:
    def __init__(self, planner: Planner, ledger: Ledger, sender: Sender, outcomes: Outcomes, clock: Clock) -> None:
        self._planner = planner
        self._ledger = ledger
        self._sender = sender
        self._outcomes = outcomes
        self._clock = clock

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
        _raise_for(left)

    async def _handle(self, events: Sequence[Source], rejections: Rejections, left: Leftovers) -> None:
        left.unusable += [e.event_id for e in events if not _usable(e.event_id)]
        plan = await self._planner.plan([e for e in events if _usable(e.event_id)])
        left.missing += plan.missing
        now = to_millisecond(self._clock.now())
        entries = await self._entries(plan.notices, now)
        to_send = [(n, s) for n, s in plan.notices if entries[n.notice_id].state is State.PENDING]
        results = await self._sender.send_all(to_send, now)

        done = [settled(entries[n.notice_id], r, now) for (n, _), r in zip(to_send, results, strict=True)
                if not isinstance(r, BaseException)]  # fmt: skip
        errors = {n.notice_id: r for (n, _), r in zip(to_send, results, strict=True) if isinstance(r, BaseException)}
        left.errors += errors.values()
        if done:
            await self._ledger.settle(done)
        if postponed := [i for i, error in errors.items() if isinstance(error, TemporaryFailure)]:
            await self._ledger.postpone(postponed, str(errors[postponed[0]]), now)
        replayed = [entries[n.notice_id] for n, _ in plan.notices if entries[n.notice_id].state is not State.PENDING]
        if done or replayed:
            await self._outcomes.publish([*done, *replayed])
        if refused := [Rejected(e.source_event_id, e.reason or "") for e in done if e.state is State.FAILED]:
            await rejections.reject(refused)
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

    async def _entries(self, notices: Sequence[tuple[Notice, Source]], now: datetime) -> dict[str, Entry]:
        """Claims every notice (inserts it as pending) and reads back only those the ledger already had."""
        claims = [self._pending(n, s, now) for n, s in notices]
        known = await self._ledger.claim(claims) if claims else set()
        entries = {e.notice_id: e for e in claims if e.notice_id not in known}
        return entries | (await self._ledger.find(known) if known else {})

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


def _raise_for(left: Leftovers) -> None:
    """Raised last, once everything that could be settled and published has been."""
    bugs = [error for error in left.errors if not isinstance(error, TemporaryFailure)]
    if bugs:
        raise bugs[0]  # the chassis isolates the batch record by record and dead-letters the culprit
    if left.unusable:
        raise UnusableEventId(f"event id {left.unusable[0]!r} is not an Identifier, so no NoticeSent could name it")
    if left.errors:
        raise TemporaryFailure(f"{len(left.errors)} notice(s) not handed to the mail server yet: {left.errors[0]}")
    if left.missing:
        reasons = "; ".join(m.reason for m in left.missing[:3])
        raise TemporaryFailure(f"{len(left.missing)} event(s) wait for their application's contact: {reasons}")


def _usable(event_id: str) -> bool:
    try:
        _IDENTIFIER.validate_python(event_id)
    except ValidationError:
        return False
    return True
