"""What the handlers need from the outside world, as small `Protocol`s, and the values they pass."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from contracts.base import Payload
from contracts.eligibility import ApplicationAssessed
from services.eligibility.domain import ApprovalRecord

P = TypeVar("P", bound=Payload, covariant=True)


@dataclass(frozen=True, slots=True)
class Received(Generic[P]):
    """One consumed event, as the subscriber hands it over."""

    event_id: str
    payload: P
    correlation_id: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """One assessment, stored under the id of the event that asked for it.

    `event_id` (the id the decision is published under) is derived from `source_id`,
    so every publication of this decision, first or repeated, carries the same id.
    """

    source_id: str
    event_id: str
    assessed: ApplicationAssessed
    correlation_id: str


class Clock(Protocol):
    def now(self) -> datetime: ...


class ApprovalStore(Protocol):
    """Eligibility's own projection of organisations' approvals."""

    async def load(self, approval_ids: Collection[str]) -> dict[str, ApprovalRecord]: ...

    async def held_by(self, organisation_ids: Collection[str]) -> list[ApprovalRecord]:
        """Every approval any of these organisations holds, in any state."""
        ...

    async def save(self, records: Sequence[ApprovalRecord]) -> list[str]:
        """Writes each record unless the store already holds its revision or a newer one;
        returns the ids of those it left alone (stale: another writer got there first).
        Called after every batch of changes, with no record when nothing moved."""
        ...


class DecisionStore(Protocol):
    async def find(self, source_ids: Collection[str]) -> dict[str, Decision]: ...

    async def add(self, decisions: Sequence[Decision]) -> list[str]:
        """Stores the decisions whose source is not decided yet; returns the source ids that
        were (a concurrent instance decided them first: its decision stands)."""
        ...


class DecisionPublisher(Protocol):
    async def publish(self, decisions: Sequence[Decision]) -> None:
        """Returns once the broker acknowledged every decision, in the order given."""
        ...
