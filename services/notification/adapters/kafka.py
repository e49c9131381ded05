"""Kafka edges of the notifier: publishing outcomes, dead-lettering refused notices' events.

Outcome events carry the source event's correlation id, and its id as causation, so
a notice can be traced back to the event that caused it.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from chassis.cloudevents import Outgoing
from chassis.dead_letters import DeadLetter, DeadLetterPublisher
from chassis.publishing import EventPublisher
from contracts.notification import NoticeSent
from contracts.topics import Topic
from services.notification.handlers.outcomes import outcome_event, outcome_event_id
from services.notification.handlers.ports import Entry, Rejected


class KafkaOutcomes:
    def __init__(self, publisher: EventPublisher, *, sent: Topic, failed: Topic) -> None:
        self._publisher = publisher
        self._sent = sent
        self._failed = failed

    async def publish(self, entries: Sequence[Entry]) -> None:
        events = []
        for entry in entries:
            data = outcome_event(entry)
            events.append(
                Outgoing(
                    topic=self._sent if isinstance(data, NoticeSent) else self._failed,
                    data=data,
                    id=outcome_event_id(entry.notice_id, entry.state),
                    time=entry.settled_at or entry.created_at,
                    correlation_id=entry.correlation_id,
                    causation_id=entry.source_event_id,
                )
            )
        await self._publisher.publish(events)


class KafkaRejections:
    """For one consumed batch: copies the records whose notices were refused for good to `<topic>.dlq`.

    A record may be a parked copy handed back by the chassis; it carries the same attributes. A copy the
    broker did not acknowledge raises as the dead-letter publisher does (`TransientError` once the producer
    was replaced): the notifier waits that out and calls again, since the notice is already settled and
    no retry of the batch would make the copy.
    """

    REASON = "failed"

    def __init__(self, dead_letters: DeadLetterPublisher, topic: Topic, group_id: str, records: Mapping[str, Any]):
        self._dead_letters = dead_letters
        self._topic = topic
        self._group_id = group_id
        self._records = records
        """The consumed records by event id."""

    async def reject(self, rejected: Sequence[Rejected]) -> None:
        letters = {
            r.source_event_id: DeadLetter(
                record=self._records[r.source_event_id],
                topic=self._topic,
                group_id=self._group_id,
                reason=self.REASON,
                error=f"undeliverable: {r.reason}",
                attempts=1,
            )
            for r in rejected
            if r.source_event_id in self._records
        }
        if letters:
            await self._dead_letters.send(list(letters.values()))
