"""From outbox events to Kafka records, and the HTTP side's patience with the broker.

`KafkaPublisher` hands events to the chassis publisher (all at once, acknowledged
together) under the topic names this instance uses. `DeferringFlush` is what the
HTTP API uses after storing: it waits for the broker a bounded time and, if the
broker is out of reach, leaves the events to the outbox relay: the application is
stored and the relay will publish, so the caller still gets its answer.
"""

import asyncio
from collections.abc import Callable, Sequence

import structlog

from chassis.cloudevents import Outgoing
from chassis.errors import is_transient
from chassis.publishing import EventPublisher
from contracts.topics import Topic
from services.intake.handlers.outbox import Flusher
from services.intake.handlers.ports import OutboxEvent, Stored

log = structlog.get_logger("intake.publishing")


class KafkaPublisher:
    def __init__(self, publisher: EventPublisher, rename: Callable[[Topic], Topic]):
        self.publisher = publisher
        self.rename = rename

    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        await self.publisher.publish(
            [
                Outgoing(self.rename(e.topic), e.data, e.id, e.time, e.correlation_id, e.causation_id, e.trace)
                for e in events
            ]
        )


class DeferringFlush:
    def __init__(self, flush: Flusher, timeout_seconds: float):
        self.flush = flush
        self.timeout_seconds = timeout_seconds

    async def __call__(self, snapshots: Sequence[Stored]) -> int:
        try:
            async with asyncio.timeout(self.timeout_seconds):
                return await self.flush(snapshots)
        except Exception as error:
            if not is_transient(error):
                raise
            log.warning(
                "publishing deferred to the outbox relay",
                applications=len(snapshots),
                error=type(error).__name__,
            )
            return 0
