"""Reporting's two outputs on Kafka: approval changes (from outboxes) and figures snapshots."""

import uuid
from collections.abc import Sequence

from chassis.cloudevents import Outgoing
from chassis.publishing import EventPublisher
from contracts.reporting import FiguresSnapshot
from contracts.topics import Topic
from services.reporting.handlers.ports import PendingChange


class KafkaPublisher:
    def __init__(self, publisher: EventPublisher, *, changes: Topic, figures: Topic) -> None:
        self._publisher = publisher
        self._changes = changes
        self._figures = figures

    async def publish(self, changes: Sequence[PendingChange]) -> None:
        # One call: the producer keeps one approval's records (same key, same partition) in order.
        await self._publisher.publish(
            [
                Outgoing(
                    topic=self._changes,
                    data=pending.change,
                    id=pending.event_id,
                    time=pending.change.occurred_at,
                    correlation_id=pending.correlation_id,
                    causation_id=pending.causation_id,
                )
                for pending in changes
            ]
        )

    async def publish_snapshot(self, snapshot: FiguresSnapshot) -> None:
        # A snapshot is caused by the timer, not by an event: a fresh id each time.
        await self._publisher.publish(
            [Outgoing(topic=self._figures, data=snapshot, id=str(uuid.uuid4()), time=snapshot.taken_at)]
        )
