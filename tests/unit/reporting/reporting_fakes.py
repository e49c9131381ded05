"""In-memory stand-ins for reporting's ports, for handler tests without servers."""

import asyncio
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from contracts.reporting import CounterValue, FiguresSnapshot
from services.reporting.domain.approval import Approval
from services.reporting.domain.history import HourSample, max_lag
from services.reporting.domain.schedule import next_due_date
from services.reporting.handlers.ports import LagReading, PendingChange, StoredApproval, Tally


class FakeApprovalStore:
    """Keeps each approval with its outbox; `save` is guarded by version like the MongoDB adapter.

    `yield_inside` makes reads and writes give way to other tasks, so two schedulers interleave."""

    def __init__(self, *, yield_inside: bool = False) -> None:
        self.items: dict[str, StoredApproval] = {}
        """The head version of each approval."""
        self.unsent_versions: dict[tuple[str, int], StoredApproval] = {}
        self.relay_claims: set[tuple[str, int]] = set()
        self.runs: dict[str, date] = {}
        self.before_save: Callable[[Approval], None] | None = None
        self._yield = yield_inside

    async def _pause(self) -> None:
        if self._yield:
            await asyncio.sleep(0)

    async def load(self, approval_ids: Collection[str]) -> dict[str, StoredApproval]:
        await self._pause()
        return {i: self.items[i] for i in approval_ids if i in self.items}

    async def save(self, approval: Approval, *, expected_version: int, outbox: Sequence[PendingChange]) -> bool:
        await self._pause()
        if self.before_save is not None:
            hook, self.before_save = self.before_save, None
            hook(approval)
        current = self.items.get(approval.approval_id)
        if (current.version if current else 0) != expected_version:
            return False
        written = StoredApproval(approval, tuple(outbox), expected_version + 1)
        self.items[approval.approval_id] = written
        if outbox:
            self.unsent_versions[(approval.approval_id, written.version)] = written
        return True

    async def mark_sent(self, sent: Sequence[StoredApproval]) -> None:
        for item in sent:
            self.unsent_versions.pop((item.approval.approval_id, item.version), None)

    async def due(self, today: date, limit: int) -> list[StoredApproval]:
        await self._pause()
        due = [s for s in self.items.values() if (d := next_due_date(s.approval)) is not None and d <= today]
        return due[:limit]

    async def unsent(self, written_before: datetime, limit: int) -> list[StoredApproval]:
        return list(self.unsent_versions.values())[:limit]

    async def claim_for_relay(self, item: StoredApproval) -> bool:
        key = (item.approval.approval_id, item.version)
        if key in self.relay_claims:
            return False
        self.relay_claims.add(key)
        return True

    async def count_report_due(self, before: date) -> int:
        return sum(1 for s in self.items.values() if s.approval.state == "active" and s.approval.report_due_by < before)

    async def record_run(self, instance: str, today: date, at: datetime) -> None:
        self.runs[instance] = today


@dataclass
class FakePublisher:
    published: list[PendingChange] = field(default_factory=list)
    snapshots: list[FiguresSnapshot] = field(default_factory=list)
    failures: int = 0

    async def publish(self, changes: Sequence[PendingChange]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker unreachable")
        self.published.extend(changes)

    async def publish_snapshot(self, snapshot: FiguresSnapshot) -> None:
        self.snapshots.append(snapshot)

    @property
    def changes(self) -> list[tuple[str, str, int]]:
        return [(p.change.approval_id, p.change.change.value, p.change.revision) for p in self.published]


class FakeLedger:
    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.totals: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()

    async def record(self, tallies: Sequence[Tally]) -> int:
        new = 0
        for item in tallies:
            if item.key not in self.seen:
                self.seen.add(item.key)
                new += 1
                for increment in item.increments:
                    self.totals[increment.key] += increment.by
        return new

    async def counters(self) -> list[CounterValue]:
        return [CounterValue(name=n, labels=dict(labels), value=v) for (n, labels), v in sorted(self.totals.items())]


@dataclass
class FakeLag:
    value: dict[str, int] = field(default_factory=dict)
    """Reporting's own lag, per topic."""
    by_service: dict[str, int] = field(default_factory=dict)
    dead_letters: int = 0

    async def read(self) -> LagReading:
        return LagReading(own=dict(self.value), by_service=dict(self.by_service), dead_letters=self.dead_letters)


class FakeHourlySamples:
    def __init__(self) -> None:
        self.hours: dict[str, HourSample] = {}

    async def add(self, hour: str, reading: LagReading) -> None:
        before = self.hours.get(hour)
        self.hours[hour] = HourSample(
            lag=max_lag(before.lag if before else {}, reading.by_service),
            dead_letters_first=before.dead_letters_first if before else reading.dead_letters,
            dead_letters_last=reading.dead_letters,
        )

    async def read(self, hours: Collection[str]) -> dict[str, HourSample]:
        return {hour: self.hours[hour] for hour in hours if hour in self.hours}
