"""What the use cases need from the outside world, as Protocols, and the records that cross them.

A `Stored` application is a snapshot: its state, the submission it came from, the
document `version` it was read or written at, and every outbox event still pending
at that version. A write moves a snapshot from its version to the next; of two
writers starting from the same version only one succeeds, the other gets
`Contention` and its use case reads again. The adapter raises a subclass that the
delivery layer also recognises as transient.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from contracts.application import Application
from contracts.base import Payload
from contracts.topics import Topic
from services.intake.domain.application import ApplicationState
from services.intake.domain.share_codes import CheckOutcome, ShareCode


class Contention(Exception):
    """Another writer changed or created the document first; read again and retry."""


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """An event kept pending with its application (in the store's outbox) until the broker has acknowledged it."""

    topic: Topic
    data: Payload
    id: str
    time: datetime
    correlation_id: str | None = None
    causation_id: str | None = None
    trace: Mapping[str, str] | None = None
    """The W3C trace context of the work that wrote it, stored with it, so a later publish continues that trace."""


@dataclass(frozen=True, slots=True)
class Stored:
    state: ApplicationState
    application: Application
    received_at: datetime
    version: int
    outbox: tuple[OutboxEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """Move `before` to `after` (its next version): new state, and the events `after` adds to the outbox."""

    before: Stored
    after: Stored

    @property
    def new_events(self) -> tuple[OutboxEvent, ...]:
        known = {event.id for event in self.before.outbox}
        return tuple(event for event in self.after.outbox if event.id not in known)


class Clock(Protocol):
    def now(self) -> datetime: ...


class Applications(Protocol):
    async def get_many(self, application_ids: Collection[str]) -> dict[str, Stored]: ...

    async def find_by_number(self, number: str) -> Stored | None:
        """By provisional or receipt number."""
        ...

    async def insert(self, applications: Sequence[Stored]) -> set[str]:
        """Stores the applications not stored yet; returns the ids of those that were (left as they are)."""
        ...

    async def update(self, changes: Sequence[Change]) -> None:
        """Applies every change still based on the latest version; raises Contention if any was not."""
        ...

    async def mark_sent(self, published: Sequence[Stored]) -> None:
        """Marks the published outbox events of each snapshot sent: they are no longer pending."""
        ...

    async def pending(self, older_than: datetime, limit: int) -> list[Stored]:
        """Applications with outbox events written before `older_than`."""
        ...


class Numbers(Protocol):
    async def reserve(self, counter: str, count: int) -> range:
        """`count` consecutive sequence numbers of `counter` that no other caller will ever get."""
        ...


class Flush(Protocol):
    async def __call__(self, snapshots: Sequence[Stored], /) -> object:
        """Publishes the snapshots' pending events and marks them sent (see `outbox.flush`)."""
        ...


class Publisher(Protocol):
    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        """Returns once the broker acknowledged every event; raises otherwise."""
        ...


class ShareCodes(Protocol):
    """Share codes (`domain.share_codes`) and the checks made with them."""

    async def add(self, code: ShareCode) -> None: ...

    async def by_hash(self, code_hash: str) -> ShareCode | None: ...

    async def by_id(self, share_code_id: str) -> ShareCode | None: ...

    async def of_application(self, application_id: str) -> list[ShareCode]:
        """Oldest first."""
        ...

    async def revoke(self, share_code_id: str, at: datetime) -> None: ...

    async def record_check(self, share_code_id: str, at: datetime, outcome: CheckOutcome) -> None: ...

    async def checks(self, share_code_id: str) -> list[tuple[datetime, CheckOutcome]]:
        """Oldest first."""
        ...


class AttemptSlots(Protocol):
    """Slots of the miss budgets, each taken by inserting a document whose id is the slot's."""

    async def take(self, slot_ids: Sequence[str], at: datetime) -> str | None:
        """Takes the first free slot of those named, or returns None if all are taken."""
        ...

    async def give_back(self, slot_ids: Sequence[str]) -> None: ...

    async def all_taken(self, slot_ids: Sequence[str]) -> bool: ...
