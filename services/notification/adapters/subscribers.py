"""Kafka batch subscribers: hand a consumed batch to the notifier, and translate its failures for the chassis.

No rules here: the notifier plans, records and sends; this says what its answers mean to the delivery layer.
"""

from collections.abc import Sequence
from typing import Any

from chassis.cloudevents import Inbound
from chassis.delivery import BatchHandler, group_id
from chassis.errors import Refused, TransientError, Waiting
from chassis.service import Service
from contracts.topics import Topic
from services.notification.adapters.kafka import KafkaRejections
from services.notification.handlers.leftovers import UnusableEventId
from services.notification.handlers.notify import Notifier
from services.notification.handlers.ports import EventsWaiting, Source, TemporaryFailure


class UnusableEvent(Refused):
    """An event the notifier refuses for good (its id could name no NoticeSent): dead-lettered, no traceback."""


def subscriber(service: Service, topic: Topic, notifier: Notifier) -> BatchHandler:
    """Translates a consumed batch for the notifier, and its failures for the chassis: `TemporaryFailure`
    is waited out (`TransientError`), `EventsWaiting` parks those events (`Waiting`)."""
    group = group_id(service.name, topic)

    async def on_batch(events: Sequence[Inbound[Any]]) -> None:
        rejections = KafkaRejections(service.dead_letters, topic, group, {e.id: e.record for e in events})
        try:
            await notifier.handle([Source(e.id, e.payload, e.correlation_id) for e in events], rejections)
        except TemporaryFailure as error:
            raise TransientError(str(error)) from error
        except EventsWaiting as error:
            raise Waiting(error.waiting) from error
        except UnusableEventId as error:
            raise UnusableEvent(str(error)) from error

    return on_batch
