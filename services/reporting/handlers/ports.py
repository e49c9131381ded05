"""What the handlers need from the outside world, as small `Protocol`s, and the values they pass."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Protocol, TypeVar

from contracts.base import Payload
from contracts.organisations import ApprovalChanged
from contracts.reporting import CounterValue, FiguresSnapshot
from services.reporting.domain.approval import Approval
from services.reporting.domain.figures import Increment
from services.reporting.domain.history import HourSample

P = TypeVar("P", bound=Payload, covariant=True)


@dataclass(frozen=True, slots=True)
class Received(Generic[P]):
    """One consumed event, as the subscriber hands it over."""

    key: str
    """`<topic>:<event id>`: unique across everything reporting consumes."""
    event_id: str
    payload: P
    correlation_id: str | None = None


@dataclass(frozen=True, slots=True)
class PendingChange:
    """An `ApprovalChanged` in its approval's outbox, with the id that lets consumers deduplicate it."""

    event_id: str
    change: ApprovalChanged
    correlation_id: str | None = None
    causation_id: str | None = None


@dataclass(frozen=True, slots=True)
class StoredApproval:
    """An approval as stored: its state, the changes written with this version, and `version`,
    the store's write counter that guards the next write (0: not stored yet)."""

    approval: Approval
    outbox: tuple[PendingChange, ...] = ()
    version: int = 0


class Clock(Protocol):
    """Injected time (chassis.clock's clocks fit): tests move it to travel through the schedule."""

    def now(self) -> datetime: ...


class Conflict(Exception):
    """Another writer changed the approval since it was read; the batch must be read again."""


class ApprovalStore(Protocol):
    async def load(self, approval_ids: Collection[str]) -> dict[str, StoredApproval]: ...

    async def save(self, approval: Approval, *, expected_version: int, outbox: Sequence[PendingChange]) -> bool:
        """Writes state and outbox together as version `expected_version + 1`; False if another
        writer already wrote that version."""
        ...

    async def mark_sent(self, sent: Sequence[StoredApproval]) -> None: ...

    async def due(self, today: date, limit: int) -> list[StoredApproval]: ...

    async def unsent(self, written_before: datetime, limit: int) -> list[StoredApproval]: ...

    async def claim_for_relay(self, item: StoredApproval) -> bool:
        """True for exactly one relay (of any instance) per left-over version, unless that one died."""
        ...

    async def count_report_due(self, before: date) -> int: ...

    async def record_run(self, instance: str, today: date, at: datetime) -> None: ...


class AwaitingGrant(Exception):
    """Events of a batch came before their approval's grant; every other event of the batch was handled.

    `waiting` maps each such event's id to what it waits for. The subscriber hands them to the
    chassis to be parked and handed back later (`chassis.errors.Waiting`)."""

    def __init__(self, waiting: Mapping[str, str]) -> None:
        self.waiting = dict(waiting)
        super().__init__(f"{len(self.waiting)} event(s) wait for their approval's grant")


class ChangePublisher(Protocol):
    async def publish(self, changes: Sequence[PendingChange]) -> None:
        """Returns once the broker acknowledged every change, in the order given."""
        ...


class SnapshotPublisher(Protocol):
    async def publish_snapshot(self, snapshot: FiguresSnapshot) -> None: ...


@dataclass(frozen=True, slots=True)
class Tally:
    """What one consumed event adds to the figures, under the key that makes it count once."""

    key: str
    increments: tuple[Increment, ...]


class FiguresLedger(Protocol):
    async def record(self, tallies: Sequence[Tally]) -> int:
        """Adds each tally exactly once, however often it is recorded; returns how many were new."""
        ...

    async def counters(self) -> list[CounterValue]: ...


@dataclass(frozen=True, slots=True)
class LagReading:
    """How far behind the system is, read from Kafka at one moment."""

    own: dict[str, int]
    """Records reporting has yet to consume, per topic it reads."""
    by_service: dict[str, int]
    """Records every service has yet to consume, summed over its consumer groups."""
    dead_letters: int
    """Records ever written to the dead-letter topics (their end offsets summed): a running total."""


class LagProbe(Protocol):
    async def read(self) -> LagReading: ...


class HourlySamples(Protocol):
    async def add(self, hour: str, reading: LagReading) -> None:
        """Folds one reading into its hour: the highest lag per service, the dead-letter totals seen."""
        ...

    async def read(self, hours: Collection[str]) -> dict[str, HourSample]:
        """The samples of those of `hours` that have any."""
        ...
