"""Publishing events: many records in flight at once, all acknowledged before we go on.

Awaiting each send alone would cost a broker round trip per event; instead every
record of a batch is handed to the producer, which groups them into requests,
and the batch completes when the broker has acknowledged them all (acks=all,
idempotent producer). Only then may a consumer commit the offsets that caused them.
"""

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

from faststream.kafka import KafkaBroker
from faststream.kafka.publisher.usecase import DefaultPublisher

from chassis.cloudevents import Outgoing, encode
from contracts.topics import Topic


class EventPublisher:
    """Declares this service's output topics (so they appear in its AsyncAPI document) and publishes to them."""

    def __init__(self, broker: KafkaBroker, source: str, topics: Iterable[Topic]) -> None:
        self.source = source
        self._publishers: dict[str, DefaultPublisher] = {
            topic.name: broker.publisher(
                topic.name, schema=topic.payload, title=f"{topic.name}:publish", description=topic.description
            )
            for topic in topics
        }

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(self._publishers)

    async def publish(self, events: Sequence[Outgoing]) -> None:
        """Returns once the broker has acknowledged every event; raises if any failed."""
        pending: list[asyncio.Future[Any]] = []
        for event in events:
            publisher = self._publishers.get(event.topic.name)
            if publisher is None:
                raise LookupError(f"{event.topic.name} is not declared as an output of this service")
            key, value, headers = encode(event, self.source)
            pending.append(
                await publisher.publish(
                    value, key=key, headers=headers, correlation_id=event.correlation_id, no_confirm=True
                )
            )
        if pending:
            await asyncio.gather(*pending)
