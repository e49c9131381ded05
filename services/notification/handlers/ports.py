"""What the notifier needs from the outside world, as small `Protocol`s, and the values it passes.

The ledger holds no addresses and no message text: a notice is planned again from
its source event whenever it must be sent again, and plans the same every time.
"""

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from contracts.intake import ApplicationAccepted
from services.notification.domain.contacts import ApplicationContact
from services.notification.domain.notices import NoticeEvent
from services.notification.domain.plan_documents import DocumentsReminderDue


@dataclass(frozen=True, slots=True)
class Source:
    """One consumed event, as the subscriber hands it over."""

    event_id: str
    payload: NoticeEvent
    correlation_id: str | None = None


class State(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Entry:
    """One notice in the ledger: claimed (pending) before it is sent, settled (sent or failed) after."""

    notice_id: str
    kind: str
    source_event_id: str
    message_id: str
    state: State
    created_at: datetime
    attempts: int = 0
    application_id: str | None = None
    approval_id: str | None = None
    correlation_id: str | None = None
    recipient_count: int = 0
    refused_count: int = 0
    reason: str | None = None
    settled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Mail:
    """What goes over SMTP: the envelope and the message as bytes."""

    notice_id: str
    sender: str
    recipients: tuple[str, ...]
    data: bytes
    cause: str | None = None
    """The id of the event the notice answers: the sender's span joins that event's trace."""


@dataclass(frozen=True, slots=True)
class Delivered:
    accepted: int
    refused: int = 0
    """Recipients refused while others took the message; it cannot be sent again to them alone."""


@dataclass(frozen=True, slots=True)
class Undeliverable:
    """The server refused the message for good (5xx); `reason` is its reply, addresses masked."""

    reason: str


class TemporaryFailure(Exception):
    """Trying again later may succeed: the mail server unreachable or busy (4xx).

    The subscriber turns it into the chassis's `TransientError`: the batch is tried again with capped
    backoff for as long as the failure lasts, and nothing is dead-lettered for it.
    """


class EventsWaiting(Exception):
    """Some events need what has not arrived yet (their application's acceptance); every other event of the
    batch was handled. `waiting` maps each such event's id to what it waits for (ids only, no personal data).

    The subscriber turns it into the chassis's `Waiting`: those records are parked and handed back later.
    """

    def __init__(self, waiting: Mapping[str, str]) -> None:
        self.waiting = dict(waiting)
        super().__init__(f"{len(self.waiting)} event(s) wait: {next(iter(self.waiting.values()), '')}")


class Persist(Protocol):
    async def __call__(self, operation: Callable[[], Awaitable[None]], what: str) -> None:
        """Runs `operation` until it succeeds, waiting out the failures time cures (a database or broker out
        of reach) however long they last; any other failure is raised at once. `what` names it in the log."""
        ...


Handed = Callable[[Delivered], None]
"""Told, the moment the message's last line is written, what the server is then asked to take: from there on
it may be delivered though no answer has come yet."""


class Mailer(Protocol):
    async def send(self, mail: Mail, handed: Handed | None = None) -> Delivered | Undeliverable:
        """Raises `TemporaryFailure` when trying again later may succeed (unreachable, timeout, 4xx).

        `handed` is called at most once, just after the end of the message is written and before the
        server's answer is read; a mailer that cannot tell that moment does not call it."""
        ...


class Ledger(Protocol):
    async def find(self, planned: Collection[Entry]) -> dict[str, Entry]:
        """The notices the ledger has, of those given as planned again (pending, as claims are made):
        as claimed, or as settled."""
        ...

    async def claim(self, entries: Sequence[Entry]) -> set[str]:
        """Inserts pending entries; returns the ids that were already there (another writer got in first)."""
        ...

    async def settle(self, entries: Sequence[Entry]) -> None:
        """Records each sent or failed entry's outcome; an outcome already recorded is kept. Safe to repeat."""
        ...

    async def revise(self, entries: Sequence[Entry]) -> None:
        """Records each entry's outcome in place of the one recorded (or as the first). Safe to repeat."""
        ...

    async def withdraw(self, notice_ids: Collection[str]) -> None:
        """Removes the outcomes of these notices: they are pending again. Safe to repeat."""
        ...

    async def postpone(self, notice_ids: Collection[str], error: str, at: datetime) -> None:
        """Counts a failed attempt on pending entries that will be tried again. Safe to repeat (it counts again)."""
        ...


@dataclass(frozen=True, slots=True)
class StoredContact:
    """The two halves of the contacts projection, written independently so their order does not matter."""

    received: ApplicationContact | None = None
    accepted: ApplicationAccepted | None = None


class Contacts(Protocol):
    async def record_received(self, contacts: Sequence[ApplicationContact]) -> None: ...

    async def record_accepted(self, events: Sequence[ApplicationAccepted]) -> None: ...

    async def find(self, receipts_for: Collection[str], acceptances_for: Collection[str]) -> dict[str, StoredContact]:
        """The receipts of the first applications and the acceptances of the second, by application id."""
        ...


class Outcomes(Protocol):
    async def publish(self, entries: Sequence[Entry]) -> None:
        """Publishes NoticeSent or NoticeFailed for each settled entry; returns once acknowledged."""
        ...


@dataclass(frozen=True, slots=True)
class Rejected:
    source_event_id: str
    reason: str


class Rejections(Protocol):
    async def reject(self, rejected: Sequence[Rejected]) -> None:
        """Copies the source events of permanently failed notices to the dead-letter topic; raises if any copy
        was not acknowledged (the notifier waits a transient failure out and calls again)."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class DocumentsRequests(Protocol):
    """Documents requests and the filer's online answers, kept for the reminder (insert-only)."""

    async def record_requests(self, requests: Sequence[DocumentsReminderDue]) -> None: ...

    async def record_answers(self, answers: Sequence[tuple[str, str, datetime]]) -> None:
        """(answer event id, application id, the answered request's time)."""
        ...

    async def due_between(self, first: date, last: date, limit: int) -> list[DocumentsReminderDue]:
        """Requests whose last day is in [first, last] and whose reminder is not claimed yet."""
        ...

    async def answers(self, application_ids: Collection[str]) -> dict[str, list[datetime]]: ...

    async def claim_reminders(self, request_event_ids: Sequence[str]) -> set[str]:
        """Claims each reminder for this instance; returns those another instance claimed first."""
        ...

    async def release_reminders(self, request_event_ids: Sequence[str]) -> None: ...
