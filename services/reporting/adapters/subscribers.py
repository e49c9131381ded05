"""Kafka batch subscribers: hand consumed events to a handler, and translate its failures for the chassis.

No rules here: the handlers keep the approvals and count the figures; this says what their answers mean
to the delivery layer.
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from chassis.cloudevents import Inbound
from chassis.delivery import BatchHandler
from chassis.errors import TransientError, Waiting
from contracts.topics import Topic
from services.reporting.handlers.ports import AwaitingGrant, Conflict, Received


def subscriber(topic: Topic, handle: Callable[[Sequence[Received[Any]]], Awaitable[None]]) -> BatchHandler:
    """Translates consumed events for a handler: a write conflict is retried as a transient failure,
    and events before their grant are parked by the chassis and handed back later."""

    async def on_batch(events: Sequence[Inbound[Any]]) -> None:
        try:
            await handle([Received(f"{topic.name}:{e.id}", e.id, e.payload, e.correlation_id) for e in events])
        except Conflict as error:
            raise TransientError(str(error)) from error
        except AwaitingGrant as early:
            raise Waiting(early.waiting) from early

    return on_batch
