"""Running intake against the real servers, isolated from everything else that shares them.

Each test runs its own copy of intake, as every service's copy is isolated:
`build(settings, name=..., topic_prefix=...)`. The copy is named after the test's
own database: its consumer groups are `intake-<database>.<topic>` and its topics
carry the prefix `<database>.`, created for the test and deleted after it. So no
other service reacts to what the test's intake publishes (a real eligibility
service would assess it), and nothing another test or benchmark produced reaches
the test's intake. `private(settings, topic)` names the test's copy of a
catalogue topic.
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from chassis.kafka_security import client_options
from chassis.service import Service
from contracts.topics import CATALOGUE, Topic
from services.intake.app import build
from services.intake.settings import IntakeSettings
from tests.integration.kafka_helpers import cloudevent, produce

SECRET = "integration-secret-of-at-least-32-bytes"
Offsets = dict[TopicPartition, int]


def intake_settings(kafka: str, mongodb_uri: str, database: str, **overrides: Any) -> IntakeSettings:
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": kafka,
        "mongodb_uri": mongodb_uri,
        "mongodb_database": database,
        "jwt_secret": SECRET,
        "outbox_relay_interval_seconds": 0.2,
        "outbox_grace_seconds": 0.5,
        # The tests' stories are dated (builders.SUBMITTED_AT, March 2026) while intake judges filing
        # times by the real clock: their filing times must stay believable for years of runs.
        # test_filing_time checks the window with its defaults.
        "submitted_at_max_age_days": 3650,
        # Tests send their requests as fast as they can, all as one filer: test_rate_limit sets its own limits.
        "rate_limits": {"*": {"rate": 1000, "burst": 1000}},
        **overrides,
    }
    return IntakeSettings(**values)


def name_of(settings: IntakeSettings) -> str:
    """The test's copy's name (its consumer groups, its events' source): after the test's own database."""
    return f"intake-{_database(settings)}"


def prefix_of(settings: IntakeSettings) -> str:
    return f"{_database(settings)}."


def _database(settings: IntakeSettings) -> str:
    assert settings.mongodb_database, "a test's intake has a database of its own"
    return settings.mongodb_database


def private(settings: IntakeSettings, topic: Topic) -> Topic:
    return topic.prefixed(prefix_of(settings))


@asynccontextmanager
async def private_topics(settings: IntakeSettings) -> AsyncIterator[None]:
    """The test's copies of every catalogue topic intake might touch, with their dead-letter topics."""
    names = [name for t in CATALOGUE for name in (private(settings, t).name, private(settings, t).dlq)]
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=2, replication_factor=1) for name in names])
        await _led(admin, names)
        yield
    finally:
        await admin.delete_topics(names)
        await admin.close()


async def _led(admin: AIOKafkaAdminClient, names: list[str], timeout: float = 20.0) -> None:
    """Waits until every partition of the new topics has a leader: before that, clients get errors."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        described = await admin.describe_topics(names)
        if all(p["leader"] >= 0 for t in described if not t["error_code"] for p in t["partitions"]) and all(
            not t["error_code"] for t in described
        ):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"topics without leaders after {timeout}s")


async def isolated(settings: IntakeSettings) -> Service:
    """The test's intake (its topics exist: see the `settings` fixture)."""
    return build(settings, name=name_of(settings), topic_prefix=prefix_of(settings))


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(topic) or set()


async def end_offsets(kafka: str, topic: str) -> Offsets:
    consumer = AIOKafkaConsumer(**client_options(), bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in await _partitions(consumer, topic)]
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def read_after(
    kafka: str,
    start: Offsets,
    wanted: Callable[[ConsumerRecord[bytes, bytes]], bool],
    count: int,
    *,
    timeout: float = 30.0,
    settle: float = 1.0,
) -> list[ConsumerRecord[bytes, bytes]]:
    """Records after `start` that are `wanted`: at least `count`, plus any that arrive within `settle` seconds."""
    consumer = AIOKafkaConsumer(**client_options(), bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    found: list[ConsumerRecord[bytes, bytes]] = []
    try:
        consumer.assign(list(start))
        for partition, offset in start.items():
            consumer.seek(partition, offset)
        loop = asyncio.get_running_loop()
        deadline, quiet_until = loop.time() + timeout, None
        while loop.time() < (quiet_until or deadline):
            batch = await consumer.getmany(timeout_ms=200)
            found.extend(r for records in batch.values() for r in records if wanted(r))
            if quiet_until is None and len(found) >= count:
                quiet_until = loop.time() + settle
    finally:
        await consumer.stop()
    assert len(found) >= count, f"{len(found)} of {count} records within {timeout}s"
    return found


def keyed(*keys: str) -> Callable[[ConsumerRecord[bytes, bytes]], bool]:
    wanted = {key.encode() for key in keys}
    return lambda record: record.key in wanted


def header(record: ConsumerRecord[bytes, bytes], name: str) -> str:
    return dict(record.headers)[name].decode()


async def publish(kafka: str, events: Iterable[tuple[Topic, Any, str]]) -> None:
    """Produces (topic, payload, event id) as upstream systems do: CloudEvents, keyed by the topic's key."""
    await produce(kafka, [cloudevent(topic, data, event_id) for topic, data, event_id in events])
