"""Retries, readiness and graceful shutdown of a service on the real broker and database."""

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from chassis.cloudevents import Inbound
from chassis.errors import TransientError
from chassis.service import Service
from chassis.settings import DeliverySettings, ServiceSettings
from contracts.examination import DocumentsSubmitted
from tests.integration.chassis.test_delivery import committed_offset
from tests.integration.kafka_helpers import cloudevent, create_topics, eventually, produce, scratch_topic
from tests.running import running

UNREACHABLE_MONGO = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200"


def settings(kafka: str, mongodb_uri: str, database: str | None = None) -> ServiceSettings:
    return ServiceSettings(
        kafka_bootstrap_servers=kafka,
        mongodb_uri=mongodb_uri,
        mongodb_database=database,
        delivery=DeliverySettings(retry_backoff_ms=10, batch_timeout_ms=50),
    )


def submitted(application_id: str) -> DocumentsSubmitted:
    return DocumentsSubmitted(application_id=application_id, submitted_at=datetime.now(UTC))


async def test_a_transient_failure_is_retried_and_the_record_handled_without_a_dead_letter(
    kafka: str, mongodb_uri: str
) -> None:
    topic = scratch_topic(DocumentsSubmitted, "application_id")
    await create_topics(kafka, [topic.name, topic.dlq], partitions=1)
    attempts: list[int] = []
    handled: list[str] = []

    async def flaky(events: Sequence[Inbound[Any]]) -> None:
        attempts.append(len(events))
        if len(attempts) < 3:
            raise TransientError("database briefly away")
        handled.extend(e.payload.application_id for e in events)

    service = Service("tests", settings(kafka, mongodb_uri), outputs=[])
    service.consume(topic, flaky)
    await produce(kafka, [cloudevent(topic, submitted("app-1"))])
    async with service.lifespan():
        await eventually(lambda: handled == ["app-1"])
    assert len(attempts) == 3
    assert await committed_offset(kafka, topic.name, f"tests.{topic.name}") == 1


async def test_shutdown_finishes_the_batch_in_hand_and_commits_it(kafka: str, mongodb_uri: str) -> None:
    topic = scratch_topic(DocumentsSubmitted, "application_id")
    await create_topics(kafka, [topic.name, topic.dlq], partitions=1)
    started, finished = asyncio.Event(), asyncio.Event()

    async def slow(events: Sequence[Inbound[Any]]) -> None:
        started.set()
        await asyncio.sleep(1.0)
        finished.set()

    service = Service("tests", settings(kafka, mongodb_uri), outputs=[])
    service.consume(topic, slow)
    await produce(kafka, [cloudevent(topic, submitted(f"app-{i}")) for i in range(3)])
    async with service.lifespan():
        await asyncio.wait_for(started.wait(), 30)
    assert finished.is_set(), "shutdown cancelled the batch in hand"
    assert await committed_offset(kafka, topic.name, f"tests.{topic.name}") == 3


async def test_ready_reports_each_dependency(
    kafka: str, database: AsyncDatabase[dict[str, Any]], mongodb_uri: str
) -> None:
    healthy = Service("tests", settings(kafka, mongodb_uri, database.name), outputs=[])
    async with running(healthy) as client:
        ready = await client.get("/health/ready")
        live = await client.get("/health/live")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"kafka": "ok", "mongodb": "ok", "delivery": "ok"}
    assert live.json() == {"status": "ok", "service": "tests"}

    database_gone = Service("tests", settings(kafka, mongodb_uri, database=database.name), outputs=[])
    async with running(database_gone) as client:
        await database_gone.mongo.close()  # as if the server went away after start-up
        database_gone.database = AsyncMongoClient(UNREACHABLE_MONGO)["gone"]
        ready = await client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"kafka": "ok", "mongodb": "failing", "delivery": "ok"}
