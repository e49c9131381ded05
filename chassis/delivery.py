"""At-least-once consumption in batches: transient failures waited out, early records parked, bad ones dead-lettered.

FastStream's Kafka default commits before handling (at-most-once). Here offsets are
committed only after the whole batch is settled: every record handled, parked or
dead-lettered. Per batch:

1. records that are not a valid event of the topic go to `<topic>.dlq` at once;
2. the rest go to the handler together (so it can bulk-write). A transient failure
   (`chassis.errors.is_transient`) pauses the subscription and the batch is tried
   again with capped backoff for as long as the failure lasts: valid work is never
   dead-lettered because a server was away;
3. a handler that raises `Waiting` has handled the batch but for the records it
   names, which are parked (`chassis.parking`) and handed to it again later;
4. any other failure is isolated by handling the records one at a time, so that one
   poison record does not take its neighbours with it; the culprit is dead-lettered.

Writing a dead letter or parking a record is waited out the same way when it fails
for a transient reason, and a dead letter always fits its topic, so no record can
stop a partition. Handlers are idempotent (outcomes stored under the source event
id), which is what makes trying a batch again safe. When the group rebalances, the
partitions are given up only once the batch in hand is settled (`chassis.handover`),
so two members never handle the same records at once.
"""

import dataclasses
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

import structlog
from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.message import StreamMessage

from chassis import tracing
from chassis.backoff import Backoff, persistently
from chassis.clock import Clock
from chassis.cloudevents import UNDECODABLE_HEADERS, Inbound, decode
from chassis.dead_letters import DeadLetter, DeadLetterPublisher
from chassis.errors import Waiting
from chassis.handover import FinishBeforeHandover
from chassis.health import DeliveryHealth
from chassis.parking import ParkedRecord, ParkingLot, parked
from chassis.rejections import log_dead_letter
from chassis.settings import DeliverySettings
from contracts import cloudevents as ce
from contracts.topics import Topic

T = TypeVar("T")
BatchHandler = Callable[[Sequence[Inbound[Any]]], Awaitable[None]]

log = structlog.get_logger("chassis.delivery")
QUEUED = "an earlier record of its key, parked"


@dataclasses.dataclass
class Outcome:
    """What became of a batch's events: those not named here were handled."""

    waiting: list[tuple[Inbound[Any], str]] = dataclasses.field(default_factory=list)
    failed: list[tuple[Inbound[Any], BaseException]] = dataclasses.field(default_factory=list)


class Delivery:
    """Runs one subscription's handler over a batch with the retry, parking and dead-letter policy."""

    def __init__(
        self,
        topic: Topic,
        group_id: str,
        handle: BatchHandler,
        *,
        dead_letters: DeadLetterPublisher,
        parking: ParkingLot,
        health: DeliveryHealth,
        clock: Clock,
        settings: DeliverySettings,
    ) -> None:
        self.topic = topic
        self.group_id = group_id
        self.handle = handle
        self.dead_letters = dead_letters
        self.parking = parking
        self.health = health
        self.clock = clock
        self.settings = settings
        self.backoff = Backoff(settings.retry_backoff_ms, settings.retry_backoff_max_ms)
        self.model: type[Inbound[Any]] = Inbound[topic.payload]  # type: ignore[name-defined]
        self.assigned: Callable[[], Collection[tuple[str, int]]] = lambda: ()
        """The (topic, partition)s this instance consumes now: only their parked records are its to release."""

    async def deliver(self, events: Sequence[Inbound[Any]]) -> None:
        rejected = [e for e in events if e.rejection is not None]
        accepted = [e for e in events if e.rejection is None]
        if rejected:
            await self._dead_letter([(e, None) for e in rejected], ce.DLQ_REASON_MALFORMED)
        if not accepted:
            return
        keys = {e.record.key for e in accepted if e.record.key is not None}
        groups = await self._persistently(lambda: self.parking.parked_groups(keys), "read parked keys")
        # An event whose key has an earlier record parked here queues behind it, to keep its order.
        queued = [e for e in accepted if self.group_id in groups.get(e.record.key, ())]
        behind = {id(e) for e in queued}
        with tracing.consuming(self.topic.name, self.group_id, accepted) as consumed:
            outcome = await self._run([e for e in accepted if id(e) not in behind])
            outcome.waiting = [*((e, QUEUED) for e in queued), *outcome.waiting]
            _trace_outcome(consumed, outcome)
        now = self.clock.now()
        if outcome.waiting:
            records = [parked(self.group_id, e.record, why, now) for e, why in outcome.waiting]
            await self._persistently(lambda: self.parking.park(records, now), "park records")
            self.health.parked.labels(self.topic.name, self.group_id).inc(len(records))
            log.info("records parked", topic=self.topic.name, records=len(records), waits_for=records[0].waits_for)
        if outcome.failed:
            await self._dead_letter(outcome.failed, ce.DLQ_REASON_FAILED)
        unsettled = {id(e) for e, _ in (*outcome.waiting, *outcome.failed)}
        # What other topics' records of these keys wait for may be what was just handled: their turn is now.
        handled = {e.record.key for e in accepted if id(e) not in unsettled and e.record.key in groups}
        if handled:
            await self._persistently(lambda: self.parking.wake(handled, now), "wake parked")
        self.health.handled.labels(self.topic.name, self.group_id).inc(
            len(accepted) - len(outcome.waiting) - len(outcome.failed)
        )

    async def redeliver(self, records: Sequence[ParkedRecord], now: datetime) -> None:
        """Hands parked records to the handler again; those still waiting stay parked, the rest leave."""
        limit = timedelta(seconds=self.settings.park_max_wait_seconds)
        expired = [r for r in records if now - r.parked_at > limit]
        events = [decode(r, self.topic, self.model) for r in records if now - r.parked_at <= limit]
        rejected = [e for e in events if e.rejection is not None]
        with tracing.consuming(self.topic.name, self.group_id, [e for e in events if e.rejection is None]) as consumed:
            outcome = await self._run([e for e in events if e.rejection is None])
            _trace_outcome(consumed, outcome)
        still = {id(e.record) for e, _ in outcome.waiting}
        if still:
            await self._persistently(
                lambda: self.parking.waiting_again([e.record for e, _ in outcome.waiting], now), "reschedule parked"
            )
        overdue = [(decode(r, self.topic, self.model), _overdue(r)) for r in expired]
        for letters, reason in (
            ([(e, None) for e in rejected], ce.DLQ_REASON_MALFORMED),
            (outcome.failed, ce.DLQ_REASON_FAILED),
            (overdue, ce.DLQ_REASON_PREREQUISITE_MISSING),
        ):
            if letters:
                await self._dead_letter(letters, reason)
        leaving = [r for r in records if id(r) not in still]
        await self._persistently(lambda: self.parking.remove(leaving), "remove released")
        # The records behind these, in any group, get their turn now rather than after their wait.
        await self._persistently(lambda: self.parking.wake({r.key for r in leaving}, now), "wake parked")
        released = len(events) - len(rejected) - len(outcome.waiting) - len(outcome.failed)
        if released:
            self.health.released.labels(self.topic.name, self.group_id).inc(released)
            log.info("parked records released", topic=self.topic.name, records=released)

    async def _run(self, events: Sequence[Inbound[Any]]) -> Outcome:
        if not events:
            return Outcome()
        result = await self._attempt(events)
        if not isinstance(result, BaseException):
            return Outcome(waiting=[(e, result[e.id]) for e in events if e.id in result])
        if len(events) == 1:
            return Outcome(failed=[(events[0], result)])
        outcome = Outcome()  # isolate the culprit: one record at a time
        for event in events:
            alone = await self._attempt([event])
            if isinstance(alone, BaseException):
                outcome.failed.append((event, alone))
            elif event.id in alone:
                outcome.waiting.append((event, alone[event.id]))
        return outcome

    async def _attempt(self, events: Sequence[Inbound[Any]]) -> dict[str, str] | BaseException:
        """The handler's answer once no transient failure stands in the way: what waits, or what failed."""
        try:
            await self._persistently(lambda: self.handle(events), "handle records")
        except Waiting as waiting:
            return waiting.waiting
        except Exception as error:  # not transient: the record(s) at fault are isolated and dead-lettered
            # Each record dead-lettered is logged once, with its traceback if a bug (chassis.rejections).
            log.debug("handler failed", topic=self.topic.name, records=len(events), error=type(error).__name__)
            return error
        return {}

    async def _persistently(self, operation: Callable[[], Awaitable[T]], what: str) -> T:
        return await persistently(
            operation,
            self.backoff,
            what=f"{what} ({self.topic.name})",
            on_pause=lambda error: self.health.pause(self.topic.name, self.group_id, error),
            on_resume=lambda: self.health.resume(self.topic.name, self.group_id),
        )

    async def _dead_letter(
        self, failures: Sequence[tuple[Inbound[Any], BaseException | str | None]], reason: str
    ) -> None:
        letters = [
            DeadLetter(
                record=e.record,
                topic=self.topic,
                group_id=self.group_id,
                reason=reason,
                error=e.rejection if error is None else _text(error),
                attempts=getattr(e.record, "attempts", 0) + 1,
            )
            for e, error in failures
        ]
        await self._persistently(lambda: self.dead_letters.send(letters), "write dead letters")
        self.health.dead_lettered.labels(self.topic.name, self.group_id, reason).inc(len(letters))
        for e, error in failures:
            log_dead_letter(e, error, topic=self.topic.name, group=self.group_id, dlq_reason=reason)


def _trace_outcome(consumed: tracing.Consumed, outcome: Outcome) -> None:
    for event, _ in outcome.waiting:
        consumed.outcome(event.id, "parked")
    for event, error in outcome.failed:
        consumed.outcome(event.id, "dead-lettered", type(error).__name__)


def _text(error: BaseException | str) -> str:
    return error if isinstance(error, str) else f"{type(error).__name__}: {error}"


def _overdue(record: ParkedRecord) -> str:
    return f"parked since {record.parked_at.isoformat()} waiting for {record.waits_for}; the wait limit passed"


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


def subscribe(broker: KafkaBroker, delivery: Delivery, *, service: str) -> None:
    """Registers a batch subscriber for the delivery's topic in its consumer group."""
    topic, settings, model = delivery.topic, delivery.settings, delivery.model

    async def decoder(message: StreamMessage[Any], _original: Any) -> list[Inbound[Any]]:
        return [decode(record, topic, model) for record in message.raw_message]

    # The label children are looked up once: the hot path only adds and observes.
    consumed = delivery.health.consumed.labels(topic.name, delivery.group_id)
    duration = delivery.health.batch_duration.labels(topic.name, delivery.group_id)
    handover = FinishBeforeHandover(delivery.group_id)

    async def on_batch(events: list[Any]) -> None:
        consumed.inc(len(events))
        with duration.time(), handover.handling():
            await delivery.deliver(events)

    # The annotation is what FastStream validates against and documents in AsyncAPI; the
    # decoder already built these instances, so pydantic passes them through unrevalidated.
    on_batch.__annotations__["events"] = list[model]  # type: ignore[valid-type]
    subscriber = broker.subscriber(
        topic.name,
        group_id=delivery.group_id,
        batch=True,
        max_records=settings.max_records,
        batch_timeout_ms=settings.batch_timeout_ms,
        # A long poll answered at the first record: idle subscriptions ask the broker rarely (DeliverySettings).
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        max_poll_interval_ms=settings.max_poll_interval_ms,
        # How long the group waits for a member to rejoin: as long as its batch may be held (chassis.handover).
        # aiokafka's default is the session timeout, 10 s, after which the member is dropped mid-batch.
        rebalance_timeout_ms=settings.max_poll_interval_ms,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        listener=handover,
        parser=_tolerant_parser,
        decoder=decoder,
        title=f"{topic.name}:{service}",
        description=topic.description,
    )
    subscriber(on_batch)

    def assigned() -> Collection[tuple[str, int]]:
        consumer = getattr(subscriber, "consumer", None)
        return {(tp.topic, tp.partition) for tp in consumer.assignment()} if consumer is not None else ()

    delivery.assigned = assigned


def group_id(service: str, topic: Topic) -> str:
    """Every subscription's consumer group: `<service>.<topic>`."""
    return f"{service}.{topic.name}"
