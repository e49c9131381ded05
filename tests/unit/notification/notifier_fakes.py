"""In-memory stand-ins for the notifier's ports, and a notifier wired to them.

The stores and publishers can be told to fail the next few calls the way a database or a
broker out of reach does (`pymongo.errors.AutoReconnect`, the chassis's `TransientError`);
the notifier waits such failures out through the service's own `persist`, with waits of a
millisecond.
"""

import asyncio
import dataclasses
import email
import email.policy
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage

from pymongo.errors import AutoReconnect

from chassis.backoff import Backoff
from chassis.clock import FixedClock
from chassis.errors import TransientError
from contracts.intake import ApplicationAccepted
from services.notification.adapters.mail.render import Renderer
from services.notification.app import persist
from services.notification.domain.contacts import ApplicationContact
from services.notification.domain.notices import NoticeEvent
from services.notification.domain.postage import Tariff
from services.notification.handlers.notify import Notifier
from services.notification.handlers.planning import Planner
from services.notification.handlers.ports import (
    Delivered,
    Entry,
    Handed,
    Mail,
    Rejected,
    Source,
    State,
    StoredContact,
    TemporaryFailure,
    Undeliverable,
)
from services.notification.handlers.sending import Sender, Tally

SENDER = "在留申請オンラインシステム <noreply@example.go.jp>"
DOMAIN = "notice.example.go.jp"
NOW = datetime(2026, 6, 10, 3, 0, tzinfo=UTC)


class FakeContacts:
    def __init__(self) -> None:
        self.stored: dict[str, StoredContact] = {}

    async def record_received(self, contacts: Sequence[ApplicationContact]) -> None:
        for c in contacts:
            self.stored[c.application_id] = dataclasses.replace(self._get(c.application_id), received=c)

    async def record_accepted(self, events: Sequence[ApplicationAccepted]) -> None:
        for e in events:
            self.stored[e.application_id] = dataclasses.replace(self._get(e.application_id), accepted=e)

    async def find(self, receipts_for: Collection[str], acceptances_for: Collection[str]) -> dict[str, StoredContact]:
        found = {}
        for i in {*receipts_for, *acceptances_for} & self.stored.keys():
            stored = self.stored[i]
            found[i] = StoredContact(
                stored.received if i in receipts_for else None, stored.accepted if i in acceptances_for else None
            )
        return found

    def _get(self, application_id: str) -> StoredContact:
        return self.stored.get(application_id, StoredContact())


class FakeLedger:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.settle_failures = 0
        """The next settles that fail as if the database were away (nothing written)."""
        self.postpone_failures = 0
        self.settle_calls = 0

    async def find(self, planned: Collection[Entry]) -> dict[str, Entry]:
        return {e.notice_id: self.entries[e.notice_id] for e in planned if e.notice_id in self.entries}

    async def claim(self, entries: Sequence[Entry]) -> set[str]:
        known = {e.notice_id for e in entries if e.notice_id in self.entries}
        self.entries |= {e.notice_id: e for e in entries if e.notice_id not in known}
        return known

    async def settle(self, entries: Sequence[Entry]) -> None:
        self.settle_calls += 1
        if self.settle_failures:
            self.settle_failures -= 1
            raise AutoReconnect("connection refused")
        for entry in entries:
            if self.entries[entry.notice_id].state is State.PENDING:
                self.entries[entry.notice_id] = entry

    async def revise(self, entries: Sequence[Entry]) -> None:
        for entry in entries:
            self.entries[entry.notice_id] = entry

    async def withdraw(self, notice_ids: Collection[str]) -> None:
        for i in notice_ids:
            entry = self.entries[i]  # back as claimed: the attempt is counted on the claim, if postponed
            self.entries[i] = dataclasses.replace(
                entry, state=State.PENDING, attempts=entry.attempts - 1, recipient_count=0, settled_at=None
            )

    async def postpone(self, notice_ids: Collection[str], error: str, at: datetime) -> None:
        if self.postpone_failures:
            self.postpone_failures -= 1
            raise AutoReconnect("connection refused")
        for i in notice_ids:
            self.entries[i] = dataclasses.replace(self.entries[i], attempts=self.entries[i].attempts + 1)


@dataclass
class FakeMailer:
    """Delivers everything unless told otherwise, per recipient address of the notice's first recipient."""

    sent: list[Mail] = field(default_factory=list)
    temporary: set[str] = field(default_factory=set)
    permanent: set[str] = field(default_factory=set)
    broken: set[str] = field(default_factory=set)
    held: dict[str, asyncio.Event] = field(default_factory=dict)
    """Sends of these notices (by id) wait until their event is set: a slow answer."""
    at_end: set[str] = field(default_factory=set)
    """Of `temporary` and `permanent`: refused at the end of the message, once it was handed, not at RCPT."""

    async def send(self, mail: Mail, handed: Handed | None = None) -> Delivered | Undeliverable:
        first = mail.recipients[0]
        if first in self.broken:
            raise RuntimeError("a bug in the mailer")
        refused_at_rcpt = first in self.temporary | self.permanent and first not in self.at_end
        if handed is not None and not refused_at_rcpt:
            handed(Delivered(accepted=len(mail.recipients)))
        if mail.notice_id in self.held:
            await self.held[mail.notice_id].wait()
        if first in self.temporary:
            raise TemporaryFailure("451 4.3.0 try later")
        if first in self.permanent:
            return Undeliverable("550 5.1.1 [address] no such user")
        self.sent.append(mail)
        return Delivered(accepted=len(mail.recipients))

    def messages(self) -> list[EmailMessage]:
        parsed = [email.message_from_bytes(m.data, policy=email.policy.default) for m in self.sent]
        return [m for m in parsed if isinstance(m, EmailMessage)]


class FakeOutcomes:
    def __init__(self) -> None:
        self.published: list[Entry] = []
        self.failures = 0
        """The next publishes that fail as a replaced producer's send does (nothing published)."""

    async def publish(self, entries: Sequence[Entry]) -> None:
        if self.failures:
            self.failures -= 1
            raise TransientError("send failed, producer replaced: KafkaConnectionError")
        self.published.extend(entries)


class FakeRejections:
    def __init__(self) -> None:
        self.rejected: list[Rejected] = []
        self.failures = 0

    async def reject(self, rejected: Sequence[Rejected]) -> None:
        if self.failures:
            self.failures -= 1
            raise TransientError("send failed, producer replaced: KafkaConnectionError")
        self.rejected.extend(rejected)


@dataclass
class Wiring:
    notifier: Notifier
    contacts: FakeContacts
    ledger: FakeLedger
    mailer: FakeMailer
    outcomes: FakeOutcomes
    rejections: FakeRejections
    clock: FixedClock

    async def handle(self, *events: Source) -> None:
        await self.notifier.handle(list(events), self.rejections)


def wire(renderer: Renderer, tariff: Tariff, tally: Tally | None = None) -> Wiring:
    contacts, ledger, mailer, outcomes = FakeContacts(), FakeLedger(), FakeMailer(), FakeOutcomes()
    clock = FixedClock(NOW)
    sender = Sender(mailer, renderer, sender=SENDER, message_id_domain=DOMAIN, concurrency=4, tally=tally)
    notifier = Notifier(Planner(contacts, tariff, "ja"), ledger, sender, outcomes, clock, persist(Backoff(1, 1)))
    return Wiring(notifier, contacts, ledger, mailer, outcomes, FakeRejections(), clock)


def source(payload: NoticeEvent, event_id: str = "evt-1", correlation_id: str | None = "corr-1") -> Source:
    return Source(event_id, payload, correlation_id)
