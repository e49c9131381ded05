"""The outbox's backlog on /metrics: events stored but not yet published, and how long the oldest has waited.

Read from the outbox markers when /metrics is scraped, within a timeout. A read that fails
(the database away) serves the last reading, so /metrics still answers; an operator then
sees the backlog as it was, and readiness says the database is away.
"""

import asyncio
from datetime import datetime

import structlog
from prometheus_client import CollectorRegistry, Gauge, generate_latest

from services.intake.adapters.outbox_markers import OutboxMarkers
from services.intake.handlers.ports import Clock

log = structlog.get_logger("intake.outbox_metrics")


class OutboxBacklog:
    def __init__(self, markers: OutboxMarkers, clock: Clock, *, timeout_seconds: float = 5.0) -> None:
        self._markers = markers
        self._clock = clock
        self._timeout = timeout_seconds
        self._registry = CollectorRegistry()
        self._pending = Gauge(
            "outbox_pending_events", "Events stored in the outbox and not yet published.", registry=self._registry
        )
        self._oldest = Gauge(
            "outbox_oldest_pending_age_seconds",
            "How long the oldest event still in the outbox has waited to be published (0 when none waits).",
            registry=self._registry,
        )

    async def exposition(self) -> str:
        """For `Service.metrics`: the two gauges in the Prometheus text format."""
        try:
            pending, oldest = await asyncio.wait_for(self._markers.backlog(), self._timeout)
        except Exception as error:  # /metrics must answer whatever the database does: the last reading stands
            log.warning("outbox backlog unavailable; serving the last reading", error=type(error).__name__)
        else:
            self._pending.set(pending)
            self._oldest.set(_age(oldest, self._clock.now()))
        return generate_latest(self._registry).decode()


def _age(oldest: datetime | None, now: datetime) -> float:
    return max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
