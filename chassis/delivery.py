"""At-least-once consumption in batches, with bounded retries and a dead-letter topic.

FastStream's Kafka default commits before handling (at-most-once). Here offsets
are committed only after the whole batch is handled or dead-lettered; if even
the dead-letter copy cannot be written the batch is rewound and read again, so a
record is never lost. Per batch:

1. records that are not a valid event of the topic go to `<topic>.dlq` at once;
2. the rest go to the handler together (so it can bulk-write); a transient failure
   is retried with exponential backoff, a bounded number of times;
3. if the batch still fails, a transient cause dead-letters the batch, and any other
   cause is isolated by handling the records one at a time, so that one poison
   record does not take its neighbours with it.
"""

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog
from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.message import StreamMessage

from chassis.cloudevents import UNDECODABLE_HEADERS, Inbound, decode
from chassis.dead_letters import DeadLetter, DeadLetterPublisher
from chassis.errors import is_transient
from chassis.settings import DeliverySettings
from contracts.topics import Topic

BatchHandler = Callable[[Sequence[Inbound[Any]]], Awaitable[None]]

log = structlog.get_logger("chassis.delivery")


@dataclasses.dataclass(frozen=True)
class Failure:
    error: BaseException
    attempts: int


class Delivery:
    """Runs one subscription's handler over a batch with the retry and dead-letter policy."""

    def __init__(
        self,
        topic: Topic,
        group_id: str,
        handle: BatchHandler,
        dead_letters: DeadLetterPublisher,
        settings: DeliverySettings,
    ) -> None:
        self.topic = topic
        self.group_id = group_id
        self.handle = handle
        self.dead_letters = dead_letters
        self.settings = settings

    async def deliver(self, events: Sequence[Inbound[Any]]) -> None:
        rejected = [e for e in events if e.rejection is not None]
        accepted = [e for e in events if e.rejection is None]
        if rejected:
            await self._dead_letter(rejected, "malformed", None, 0)
        if not accepted:
            return
        failure = await self._attempt(accepted)
        if failure is None:
            return
        if is_transient(failure.error) or len(accepted) == 1:
            await self._dead_letter(
                accepted,
                "transient" if is_transient(failure.error) else "failed",
                failure.error,
                failure.attempts,
            )
            return
        for event in accepted:
            failure = await self._attempt([event])
            if failure is not None:
                reason = "transient" if is_transient(failure.error) else "failed"
                await self._dead_letter([event], reason, failure.error, failure.attempts)

    async def _attempt(self, events: Sequence[Inbound[Any]]) -> Failure | None:
        backoff = self.settings.retry_backoff_ms / 1000
        for attempt in range(1, self.settings.retry_attempts + 1):
            try:
                await self.handle(events)
                return None
            except asyncio.CancelledError:
                raise
            except Exception as error:  # classified below, then retried or dead-lettered: never swallowed
                transient = is_transient(error)
                log.warning(
                    "handler failed",
                    topic=self.topic.name,
                    records=len(events),
                    attempt=attempt,
                    transient=transient,
                    error=type(error).__name__,
                    exc_info=not transient,
                )
                if not transient or attempt == self.settings.retry_attempts:
                    return Failure(error, attempt)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.settings.retry_backoff_max_ms / 1000)
        raise AssertionError("unreachable")

    async def _dead_letter(
        self, events: Sequence[Inbound[Any]], reason: str, error: BaseException | None, attempts: int
    ) -> None:
        letters = [
            DeadLetter(
                record=e.record,
                topic=self.topic,
                group_id=self.group_id,
                reason=reason,
                error=e.rejection if error is None else f"{type(error).__name__}: {error}",
                attempts=attempts,
            )
            for e in events
        ]
        await self.dead_letters.send(letters)
        for e in events:
            log.error(
                "record dead-lettered",
                topic=self.topic.name,
                event_id=e.id,
                key=e.key,
                correlation_id=e.correlation_id,
                reason=reason,
                error=e.rejection if error is None else type(error).__name__,
            )


async def _tolerant_parser(
    records: tuple[ConsumerRecord[bytes, bytes], ...],
    original: Callable[[tuple[ConsumerRecord[bytes, bytes], ...]], Awaitable[StreamMessage[Any]]],
) -> StreamMessage[Any]:
    """FastStream's parser fails a whole batch on one non-UTF-8 header; mark such records instead."""
    try:
        return await original(records)
    except UnicodeDecodeError:
        return await original(tuple(_with_readable_headers(r) for r in records))


def _with_readable_headers(record: ConsumerRecord[bytes, bytes]) -> ConsumerRecord[bytes, bytes]:
    try:
        for _, value in record.headers:
            value.decode()
        return record
    except UnicodeDecodeError:
        headers = [(k, v.decode(errors="replace").encode()) for k, v in record.headers]
        return dataclasses.replace(record, headers=[*headers, (UNDECODABLE_HEADERS, b"1")])


def subscribe(
    broker: KafkaBroker,
    topic: Topic,
    *,
    service: str,
    handle: BatchHandler,
    dead_letters: DeadLetterPublisher,
    settings: DeliverySettings,
) -> Delivery:
    """Registers a batch subscriber for `topic` in the consumer group `<service>.<topic>`."""
    group_id = f"{service}.{topic.name}"
    delivery = Delivery(topic, group_id, handle, dead_letters, settings)
    model: type[Inbound[Any]] = Inbound[topic.payload]  # type: ignore[name-defined]

    async def decoder(message: StreamMessage[Any], _original: Any) -> list[Inbound[Any]]:
        return [decode(record, topic, model) for record in message.raw_message]

    async def on_batch(events: list[Any]) -> None:
        await delivery.deliver(events)

    # The annotation is what FastStream validates against and documents in AsyncAPI; the
    # decoder already built these instances, so pydantic passes them through unrevalidated.
    on_batch.__annotations__["events"] = list[model]  # type: ignore[valid-type]
    broker.subscriber(
        topic.name,
        group_id=group_id,
        batch=True,
        max_records=settings.max_records,
        batch_timeout_ms=settings.batch_timeout_ms,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=_tolerant_parser,
        decoder=decoder,
        title=f"{topic.name}:{service}",
        description=topic.description,
    )(on_batch)
    return delivery
