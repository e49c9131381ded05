"""In-memory stand-ins for intake's ports, faithful to their contracts (version guards, unique numbers)."""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from services.intake.adapters.idempotency_store import Claimed
from services.intake.domain.idempotency import IdempotencyRecord, StoredResult
from services.intake.handlers.ports import Change, Contention, OutboxEvent, Stored

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self, at: datetime = NOW):
        self.at = at

    def now(self) -> datetime:
        return self.at


class FakeApplications:
    def __init__(self) -> None:
        self.documents: dict[str, Stored] = {}
        self.written_at: dict[str, datetime] = {}
        self.clock = Clock()
        self.reads = 0
        self.writes = 0
        self.conflicts_to_raise = 0
        """The next updates fail as if another instance had written first."""

    async def get_many(self, application_ids: Collection[str]) -> dict[str, Stored]:
        self.reads += bool(application_ids)
        return {i: self.documents[i] for i in application_ids if i in self.documents}

    async def find_by_number(self, number: str) -> Stored | None:
        return next(
            (s for s in self.documents.values() if number in (s.state.provisional_number, s.state.receipt_number)),
            None,
        )

    async def insert(self, applications: Sequence[Stored]) -> set[str]:
        self.writes += bool(applications)
        existed = set()
        for stored in applications:
            if stored.state.application_id in self.documents:
                existed.add(stored.state.application_id)
                continue
            self.documents[stored.state.application_id] = stored
            self.written_at[stored.state.application_id] = self.clock.now()
        return existed

    async def update(self, changes: Sequence[Change]) -> None:
        self.writes += bool(changes)
        if self.conflicts_to_raise and changes:
            self.conflicts_to_raise -= 1
            first = changes[0].before.state.application_id
            self.documents[first] = replace(self.documents[first], version=self.documents[first].version + 1)
            raise Contention("moved on")
        missed = 0
        for change in changes:
            current = self.documents[change.before.state.application_id]
            if current.version != change.before.version:
                missed += 1
                continue
            outbox = (*current.outbox, *change.new_events)
            self.documents[current.state.application_id] = replace(change.after, outbox=outbox)
            if change.new_events:
                self.written_at[current.state.application_id] = self.clock.now()
        if missed:
            raise Contention(f"{missed} moved on")

    async def mark_sent(self, published: Sequence[Stored]) -> None:
        for snapshot in published:
            current = self.documents[snapshot.state.application_id]
            sent = {event.id for event in snapshot.outbox}
            self.documents[snapshot.state.application_id] = replace(
                current, outbox=tuple(e for e in current.outbox if e.id not in sent)
            )

    async def pending(self, older_than: datetime, limit: int) -> list[Stored]:
        found = [s for i, s in self.documents.items() if s.outbox and self.written_at[i] <= older_than]
        return found[:limit]

    def pending_events(self) -> list[OutboxEvent]:
        return [event for stored in self.documents.values() for event in stored.outbox]


class FakeNumbers:
    def __init__(self) -> None:
        self.counters: dict[str, int] = {}
        self.calls: list[tuple[str, int]] = []

    async def reserve(self, counter: str, count: int) -> range:
        if count <= 0:
            return range(0)
        self.calls.append((counter, count))
        start = self.counters.get(counter, 0)
        self.counters[counter] = start + count
        return range(start + 1, start + count + 1)


class FakePublisher:
    def __init__(self) -> None:
        self.published: list[OutboxEvent] = []
        self.failing: Exception | None = None

    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        if self.failing is not None:
            raise self.failing
        self.published.extend(events)

    def of_topic(self, name: str) -> list[OutboxEvent]:
        return [event for event in self.published if event.topic.name == name]


class FakeIdempotencyKeys:
    def __init__(self) -> None:
        self.records: dict[tuple[str, str], Claimed] = {}

    async def get(self, scope: str, key: str) -> Claimed | None:
        return self.records.get((scope, key))

    async def claim(self, scope: str, record: IdempotencyRecord, now: datetime) -> bool:
        if (scope, record.key) in self.records:
            return False
        self.records[(scope, record.key)] = Claimed(record, now)
        return True

    async def take_over(self, scope: str, stale: Claimed, now: datetime) -> bool:
        if self.records.get((scope, stale.record.key)) != stale:
            return False
        self.records[(scope, stale.record.key)] = Claimed(stale.record, now)
        return True

    async def complete(self, scope: str, key: str, result: StoredResult) -> None:
        claimed = self.records[(scope, key)]
        self.records[(scope, key)] = Claimed(claimed.record.model_copy(update={"result": result}), claimed.claimed_at)

    async def release(self, scope: str, key: str) -> None:
        self.records.pop((scope, key), None)


class FakeSlots:
    """The rate limiter's slots: an `_id` is claimed once, as an insert of a unique `_id` is."""

    def __init__(self) -> None:
        self.held: dict[str, datetime] = {}
        self.claims = 0

    async def claim(self, window: str, slots: Iterable[int], expires_at: datetime) -> set[int]:
        self.claims += 1
        taken = set()
        for n in slots:
            if f"{window}|{n}" in self.held:
                taken.add(n)
            else:
                self.held[f"{window}|{n}"] = expires_at
        return taken

    async def release(self, window: str, slots: Iterable[int]) -> None:
        for n in slots:
            self.held.pop(f"{window}|{n}", None)

    async def purge(self, now: datetime) -> int:
        ended = [slot for slot, expires_at in self.held.items() if expires_at < now]
        for slot in ended:
            del self.held[slot]
        return len(ended)
