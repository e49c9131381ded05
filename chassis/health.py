"""What the delivery layer tells readiness and the metrics: which subscriptions wait, and counts of what happened.

A subscription that is waiting out a transient failure is paused; readiness reports
`delivery: failing` while any is, so an orchestrator and an operator see the service
is not doing its work, and why, without reading its log. The counters follow the
Prometheus conventions (`_total`, base units) in one registry per service, so that
two services built in one process (tests) never share a metric.
"""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

BATCH_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
"""A batch takes milliseconds to seconds; one waiting out an outage takes as long as the outage."""


class DeliveryHealth:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._paused: dict[str, str] = {}
        labels = ["topic", "group"]
        self.consumed = Counter(
            "delivery_records_consumed", "Records consumed from their topic, in batches.", labels, registry=registry
        )
        self.batch_duration = Histogram(
            "delivery_batch_duration_seconds",
            "Time to settle one consumed batch (handled, parked or dead-lettered), waits out of failures included.",
            labels,
            buckets=BATCH_SECONDS,
            registry=registry,
        )
        self.handled = Counter(
            "delivery_records_handled", "Records handled by their subscription.", labels, registry=registry
        )
        self.dead_lettered = Counter(
            "delivery_records_dead_lettered",
            "Records copied to their dead-letter topic, by reason.",
            [*labels, "reason"],
            registry=registry,
        )
        self.parked = Counter(
            "delivery_records_parked", "Records parked until what they need arrives.", labels, registry=registry
        )
        self.released = Counter(
            "delivery_records_released",
            "Parked records handled at last (not those still waiting).",
            labels,
            registry=registry,
        )
        self.transient_failures = Counter(
            "delivery_transient_failures",
            "Transient failures waited out (each is followed by a wait and another attempt).",
            labels,
            registry=registry,
        )
        self.paused = Gauge(
            "delivery_paused", "1 while the subscription waits out a transient failure.", labels, registry=registry
        )
        self.parked_now = Gauge("delivery_parked_records", "Records parked now.", registry=registry)

    def pause(self, topic: str, group: str, error: BaseException) -> None:
        self._paused[group] = type(error).__name__
        self.paused.labels(topic, group).set(1)
        self.transient_failures.labels(topic, group).inc()

    def resume(self, topic: str, group: str) -> None:
        self._paused.pop(group, None)
        self.paused.labels(topic, group).set(0)

    @property
    def waiting(self) -> dict[str, str]:
        """Paused subscriptions (their consumer group) and the error each waits out."""
        return dict(self._paused)

    async def ready(self) -> bool:
        return not self._paused
