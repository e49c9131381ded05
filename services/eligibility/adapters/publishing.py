"""Publishing decisions to the decision topic, each under the id derived from its source event."""

from collections.abc import Sequence

from chassis.cloudevents import Outgoing
from chassis.publishing import EventPublisher
from contracts.topics import Topic
from services.eligibility.handlers.ports import Decision


class KafkaDecisions:
    def __init__(self, publisher: EventPublisher, topic: Topic) -> None:
        self._publisher = publisher
        self._topic = topic

    async def publish(self, decisions: Sequence[Decision]) -> None:
        # One call: all in flight at once, and one application's decisions (one key) stay in order.
        await self._publisher.publish(
            [
                Outgoing(
                    topic=self._topic,
                    data=d.assessed,
                    id=d.event_id,
                    time=d.assessed.assessed_at,
                    correlation_id=d.correlation_id,
                    causation_id=d.source_id,
                )
                for d in decisions
            ]
        )
