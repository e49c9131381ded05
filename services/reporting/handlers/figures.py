"""The figures: count each consumed event once, and report them with what is read live.

Counting is a fold of the domain's `increments_for` over the events; the ledger behind
`FiguresLedger` makes each event count exactly once however often it is delivered. A snapshot
adds what is not a running total: active approvals whose report falls due within 30 days
(read from reporting's own approvals) and how far behind each consumed topic and each service is.
"""

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from contracts.calendar import japan_date
from contracts.reporting import FiguresSnapshot
from services.reporting.domain.figures import increments_for
from services.reporting.domain.history import HOURLY
from services.reporting.handlers.ports import (
    ApprovalStore,
    Clock,
    FiguresLedger,
    LagProbe,
    Received,
    SnapshotPublisher,
    Tally,
)

DUE_WITHIN_DAYS = 30


class FiguresCounter:
    def __init__(self, ledger: FiguresLedger) -> None:
        self._ledger = ledger

    async def handle(self, events: Sequence[Received[Any]]) -> None:
        await self._ledger.record([Tally(e.key, increments_for(e.payload)) for e in events])


class FiguresReport:
    def __init__(self, ledger: FiguresLedger, approvals: ApprovalStore, lag: LagProbe, clock: Clock) -> None:
        self._ledger = ledger
        self._approvals = approvals
        self._lag = lag
        self._clock = clock

    async def snapshot(self) -> FiguresSnapshot:
        now = self._clock.now()
        # Same rule as the domain's report_due_within: due before today + 30 days, overdue included.
        before = japan_date(now) + timedelta(days=DUE_WITHIN_DAYS)
        counters, due, lag = await asyncio.gather(
            self._ledger.counters(), self._approvals.count_report_due(before), self._lag.read()
        )
        return FiguresSnapshot(
            taken_at=now,
            counters=tuple(c for c in counters if c.name not in HOURLY),  # the history's, one per hour
            approvals_due_next_30_days=due,
            consumer_lag=lag.own,
            service_lag=lag.by_service,
        )


class FiguresBroadcast:
    """Publishes a snapshot every `interval` seconds: what dashboards consume from reporting.figures.v1."""

    def __init__(self, report: FiguresReport, publisher: SnapshotPublisher, *, interval: float) -> None:
        self._report = report
        self._publisher = publisher
        self._interval = interval

    async def run(self) -> None:
        while True:
            await self._publisher.publish_snapshot(await self._report.snapshot())
            await asyncio.sleep(self._interval)
