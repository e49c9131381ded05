"""Publishing this service's events: encoded as CloudEvents, all of a batch in flight at once.

Awaiting each send alone would cost a broker round trip per event; instead every
record is handed to the producer, which groups them into requests, and the call
returns when the broker has acknowledged them all. Only then may a consumer
commit the offsets that caused them. Each event gets a producer span (chassis.tracing),
whose context its record carries in `traceparent`.
"""

from collections.abc import Iterable, Sequence

from faststream.kafka import KafkaBroker
from opentelemetry.trace import Span

from chassis import tracing
from chassis.cloudevents import Outgoing, encode
from chassis.producer import Producer, Record
from contracts.topics import Topic


class EventPublisher:
    """Declares this service's output topics (so they appear in its AsyncAPI document) and publishes to them."""

    def __init__(self, broker: KafkaBroker, producer: Producer, source: str, topics: Iterable[Topic]) -> None:
        self.source = source
        self._producer = producer
        self._topics: dict[str, Topic] = {}
        for topic in topics:
            broker.publisher(
                topic.name, schema=topic.payload, title=f"{topic.name}:publish", description=topic.description
            )
            self._topics[topic.name] = topic

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(self._topics)

    async def publish(self, events: Sequence[Outgoing]) -> None:
        """Returns once the broker has acknowledged every event; raises if any failed."""
        records: list[Record] = []
        spans: list[Span | None] = []
        for event in events:
            if event.topic.name not in self._topics:
                raise LookupError(f"{event.topic.name} is not declared as an output of this service")
            key, value, headers = encode(event, self.source)
            spans.append(
                tracing.start_publish(
                    event.topic.name, self.source, event.id, headers, cause=event.causation_id, carried=event.trace
                )
            )
            records.append((event.topic.name, key, value, [(k, v.encode()) for k, v in headers.items()]))
        try:
            await self._producer.send_all(records)
        except BaseException as error:
            tracing.end(spans, error)
            raise
        tracing.end(spans)
