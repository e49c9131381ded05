"""Kafka calls for harnesses that must outlive the broker faults they inject or sit through.

Why: aiokafka raises as soon as a broker goes away (NodeNotReadyError, KafkaConnectionError,
KafkaTimeoutError, ...). A harness that dies then stops the services early and leaves a run
that looks like lost work. So each question asked of Kafka here is asked of a fresh client,
bounded by a timeout, and asked again until the broker answers or a generous deadline
passes; `Publisher` sends each record until the broker acknowledges it, and `Tail` keeps
its place in a topic across a client it has to replace.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError, MessageSizeTooLargeError

from chassis.kafka_security import client_options

T = TypeVar("T")
log = logging.getLogger("bench.kafka")
PASSING = (KafkaError, OSError, TimeoutError)
"""What a broker outage looks like from a client."""
OURS = (MessageSizeTooLargeError,)
"""What no waiting can mend: a mistake of the harness's, raised at once."""


def cancelled_here() -> bool:
    """Whether this task is being cancelled (by its caller or a timeout), not merely handed a CancelledError.

    aiokafka, stopping a client that lost its broker, awaits its own cancelled background task
    and so raises CancelledError into a task that nobody cancelled: that one is a failure of
    the call, to retry, not a cancellation to obey.
    """
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def quietly(stop: Callable[[], Awaitable[object]]) -> None:
    """Stops a client that may have lost its broker: what it raises then changes nothing."""
    try:
        await stop()
    except asyncio.CancelledError:
        if cancelled_here():
            raise
    except PASSING:
        pass


async def retrying(call: Callable[[], Awaitable[T]], what: str, *, attempt: float = 20, deadline: float = 900) -> T:
    """`call()` until it succeeds: each attempt at most `attempt` s, all of them at most `deadline` s."""
    loop = asyncio.get_running_loop()
    started, delay, failures = loop.time(), 0.5, 0
    while True:
        try:
            async with asyncio.timeout(attempt):
                return await call()
        except OURS:
            raise
        except (*PASSING, asyncio.CancelledError) as error:
            if isinstance(error, asyncio.CancelledError) and cancelled_here():
                raise
            failures += 1
            if loop.time() - started > deadline:
                raise
            if failures == 1 or failures % 20 == 0:
                log.warning("%s: %s (%s); retrying", what, type(error).__name__, error)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


async def end_offsets(bootstrap: str, topics: list[str]) -> dict[TopicPartition, int]:
    async def ask() -> dict[TopicPartition, int]:
        # Subscribed at construction, so start() loads the topics' metadata (a bare consumer's is empty).
        consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=None, **client_options())
        try:
            await consumer.start()
            partitions = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
            return dict(await consumer.end_offsets(partitions)) if partitions else {}
        finally:
            await quietly(consumer.stop)

    return await retrying(ask, f"end offsets of {len(topics)} topic(s)")


async def admin(bootstrap: str, question: Callable[[AIOKafkaAdminClient], Awaitable[T]], what: str) -> T:
    async def ask() -> T:
        client = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap)
        try:
            await client.start()
            return await question(client)
        finally:
            await quietly(client.close)

    return await retrying(ask, what)


async def groups(bootstrap: str) -> list[str]:
    async def ask(client: AIOKafkaAdminClient) -> list[str]:
        return [str(group[0]) for group in await client.list_consumer_groups()]

    return await admin(bootstrap, ask, "consumer groups")


async def committed(bootstrap: str, group_names: list[str]) -> dict[str, dict[TopicPartition, int]]:
    """Each group's committed offsets (-1 or absent: nothing committed there yet)."""

    async def ask(client: AIOKafkaAdminClient) -> dict[str, dict[TopicPartition, int]]:
        found: dict[str, dict[TopicPartition, int]] = {}
        for group in group_names:
            offsets = await client.list_consumer_group_offsets(group)
            found[group] = {tp: meta.offset for tp, meta in offsets.items()}
        return found

    return await admin(bootstrap, ask, f"offsets of {len(group_names)} group(s)")


async def topics(bootstrap: str) -> list[str]:
    async def ask(client: AIOKafkaAdminClient) -> list[str]:
        return list(await client.list_topics())

    return await admin(bootstrap, ask, "topics")


class Publisher:
    """The harness's one producer: `send` returns (partition, offset) once the record is acknowledged.

    A send that fails in an outage is sent again (the record may then be stored twice: the
    harness gives each record a fixed event id, so consumers see a redelivery, as they must
    cope with anyway). `max_request_size` is raised so a record up to the broker's limit fits.
    """

    def __init__(self, bootstrap: str) -> None:
        self._bootstrap = bootstrap
        self._producer: AIOKafkaProducer | None = None
        self._starting = asyncio.Lock()

    async def send(self, topic: str, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]) -> Any:
        async def once() -> Any:
            producer = await self._started()
            return await (await producer.send(topic, value, key=key, headers=headers))

        return await retrying(once, f"publishing to {topic}", attempt=60, deadline=1800)

    async def _started(self) -> AIOKafkaProducer:
        async with self._starting:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    **client_options(),
                    bootstrap_servers=self._bootstrap,
                    acks="all",
                    linger_ms=5,
                    max_request_size=4 * 1024 * 1024,
                )
                try:
                    await producer.start()
                except BaseException:
                    await quietly(producer.stop)
                    raise
                self._producer = producer
            return self._producer

    async def close(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await quietly(producer.stop)


class Tail:
    """Reads a topic from its start, then whatever arrives, through outages (no consumer group)."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self._bootstrap = bootstrap
        self._topic = topic
        self._consumer: AIOKafkaConsumer | None = None
        self._positions: dict[TopicPartition, int] = {}

    async def poll(self, timeout: float = 1.0) -> list[ConsumerRecord[bytes, bytes]]:
        """What arrived since the last call (maybe nothing); never raises for a broker outage."""
        try:
            consumer = self._consumer or await self._open()
            batches = await consumer.getmany(timeout_ms=int(timeout * 1000), max_records=5000)
        except OURS:
            raise
        except (*PASSING, asyncio.CancelledError) as error:
            if isinstance(error, asyncio.CancelledError) and cancelled_here():
                raise
            log.warning("reading %s: %s; reopening", self._topic, type(error).__name__)
            await self.close()
            await asyncio.sleep(1)
            return []
        records = [record for batch in batches.values() for record in batch]
        for record in records:
            self._positions[TopicPartition(record.topic, record.partition)] = record.offset + 1
        return records

    async def _open(self) -> AIOKafkaConsumer:
        partitions = list(await end_offsets(self._bootstrap, [self._topic]))

        async def start() -> AIOKafkaConsumer:
            consumer = AIOKafkaConsumer(
                **client_options(),
                bootstrap_servers=self._bootstrap,
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
            )
            try:
                await consumer.start()
                consumer.assign(partitions)
                for tp in partitions:
                    consumer.seek(tp, self._positions.get(tp, 0))
            except BaseException:
                await quietly(consumer.stop)
                raise
            return consumer

        self._consumer = await retrying(start, f"reading {self._topic}")
        return self._consumer

    async def close(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await quietly(consumer.stop)
