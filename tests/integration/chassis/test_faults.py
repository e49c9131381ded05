"""The delivery rules under faults, on the real broker and database: early records park, huge poison still
dead-letters, a broken producer is replaced, and readiness tells a paused subscription."""

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka.errors import OutOfOrderSequenceNumber
from pymongo.asynchronous.database import AsyncDatabase

from chassis.cloudevents import Inbound, Outgoing
from chassis.errors import TransientError, Waiting
from chassis.parking import PARKED, ParkedRecord, ParkingLot
from chassis.service import Service
from chassis.settings import ServiceSettings
from contracts import cloudevents as ce
from contracts.examination import DocumentsSubmitted
from tests.integration.chassis.test_delivery import committed_offset
from tests.integration.fast_delivery import FAST_DELIVERY
from tests.integration.kafka_helpers import cloudevent, consume, create_topics, eventually, produce, scratch_topic
from tests.running import running


def settings(kafka: str, database: AsyncDatabase[dict[str, Any]], mongodb_uri: str) -> ServiceSettings:
    return ServiceSettings(
        kafka_bootstrap_servers=kafka,
        mongodb_uri=mongodb_uri,
        mongodb_database=database.name,
        delivery=FAST_DELIVERY,
    )


def submitted(application_id: str) -> DocumentsSubmitted:
    return DocumentsSubmitted(application_id=application_id, submitted_at=datetime.now(UTC))


async def test_early_records_are_parked_their_neighbours_go_on_and_they_are_applied_in_order_when_ready(
    kafka: str, database: AsyncDatabase[dict[str, Any]], mongodb_uri: str
) -> None:
    topic = scratch_topic(DocumentsSubmitted, "application_id")
    await create_topics(kafka, [topic.name, topic.dlq], partitions=1)
    ready: set[str] = set()
    applied: list[str] = []

    async def handle(events: Sequence[Inbound[Any]]) -> None:
        # Only the first event of app-late needs something; the later ones would apply at once if let through.
        early = {e.id: "the grant of app-late" for e in events if e.id == "evt-late-1" and "app-late" not in ready}
        applied.extend(e.id for e in events if e.id not in early)
        if early:
            raise Waiting(early)

    service = Service("tests", settings(kafka, database, mongodb_uri), outputs=[])
    service.consume(topic, handle)
    await produce(
        kafka,
        [
            cloudevent(topic, submitted("app-late"), "evt-late-1"),
            cloudevent(topic, submitted("app-known"), "evt-known"),
        ],
    )
    async with service.lifespan():
        await eventually(lambda: applied == ["evt-known"])
        await produce(kafka, [cloudevent(topic, submitted("app-late"), "evt-late-2")])
        await eventually(lambda: committed_offset(kafka, topic.name, f"tests.{topic.name}"), timeout=15)
        await eventually(lambda: _parked(database, 2))
        await asyncio.sleep(0.5)  # several release rounds: evt-late-2 stays queued behind evt-late-1
        assert applied == ["evt-known"]
        ready.add("app-late")
        await eventually(lambda: len(applied) == 3)
        await eventually(lambda: _parked(database, 0))
    assert applied == ["evt-known", "evt-late-1", "evt-late-2"]
    assert await committed_offset(kafka, topic.name, f"tests.{topic.name}") == 3


async def _parked(database: AsyncDatabase[dict[str, Any]], count: int) -> bool:
    return await database[PARKED].count_documents({}) == count


async def test_a_poison_record_a_few_bytes_under_the_broker_limit_is_dead_lettered_and_the_partition_goes_on(
    kafka: str, database: AsyncDatabase[dict[str, Any]], mongodb_uri: str
) -> None:
    topic = scratch_topic(DocumentsSubmitted, "application_id")
    await create_topics(kafka, [topic.name, topic.dlq], partitions=1)
    handled: list[str] = []

    async def handle(events: Sequence[Inbound[Any]]) -> None:
        handled.extend(e.payload.application_id for e in events)

    name, _, value, headers = cloudevent(topic, submitted("app-big"))
    huge = value[:-1] + b', "padding": "' + b"x" * (1_048_000 - len(value)) + b'"}'
    service = Service("tests", settings(kafka, database, mongodb_uri), outputs=[])
    service.consume(topic, handle)
    await produce(kafka, [(name, b"app-big", b"\xff" + huge, headers), cloudevent(topic, submitted("app-next"))])
    async with service.lifespan():
        await eventually(lambda: handled == ["app-next"])
        letters = await consume(kafka, topic.dlq, 1)
    ours = {k: v.decode() for k, v in letters[0].headers if k.startswith("dlq_")}
    assert ours[ce.DLQ_REASON_HEADER] == ce.DLQ_REASON_MALFORMED
    assert ours[ce.DLQ_TRUNCATED_HEADER] == "true"
    assert int(ours[ce.DLQ_ORIGINAL_SIZE_HEADER]) == len(huge) + 1
    assert await committed_offset(kafka, topic.name, f"tests.{topic.name}") == 2


async def test_a_producer_in_a_fatal_state_is_replaced_and_nothing_is_dead_lettered(
    kafka: str, database: AsyncDatabase[dict[str, Any]], mongodb_uri: str
) -> None:
    source = scratch_topic(DocumentsSubmitted, "application_id")
    output = scratch_topic(DocumentsSubmitted, "application_id")
    await create_topics(kafka, [source.name, source.dlq, output.name], partitions=1)
    service = Service("tests", settings(kafka, database, mongodb_uri), outputs=[output])

    async def forward(events: Sequence[Inbound[Any]]) -> None:
        await service.publisher.publish([Outgoing(output, e.payload, f"{e.id}:out", datetime.now(UTC)) for e in events])

    service.consume(source, forward)
    async with service.lifespan():
        broken = service.producer._producer
        assert broken is not None
        real_send = broken.send

        async def fatal_once(*args: Any, **kwargs: Any) -> Any:
            broken.send = real_send  # type: ignore[method-assign]
            raise OutOfOrderSequenceNumber()

        broken.send = fatal_once  # type: ignore[method-assign]
        await produce(kafka, [cloudevent(source, submitted("app-1"))])
        forwarded = await consume(kafka, output.name, 1)
    assert service.producer.replacements == 1
    assert forwarded[0].key == b"app-1"
    assert await committed_offset(kafka, source.name, f"tests.{source.name}") == 1
    assert await _dlq_size(kafka, source.dlq) == 0


async def _dlq_size(kafka: str, topic: str) -> int:
    try:
        return len(await consume(kafka, topic, 1, timeout=2))
    except AssertionError:
        return 0


async def test_readiness_and_metrics_show_a_subscription_waiting_out_a_transient_failure(
    kafka: str, database: AsyncDatabase[dict[str, Any]], mongodb_uri: str
) -> None:
    topic = scratch_topic(DocumentsSubmitted, "application_id")
    await create_topics(kafka, [topic.name, topic.dlq], partitions=1)
    away = asyncio.Event()
    away.set()
    handled: list[str] = []

    async def handle(events: Sequence[Inbound[Any]]) -> None:
        if away.is_set():
            raise TransientError("the mail server is away")
        handled.extend(e.id for e in events)

    service = Service("tests", settings(kafka, database, mongodb_uri), outputs=[])
    service.consume(topic, handle)
    await produce(kafka, [cloudevent(topic, submitted("app-1"))])
    async with running(service) as client:
        await eventually(lambda: service.health.waiting)
        paused = await client.get("/health/ready")
        metrics = (await client.get("/metrics")).text
        away.clear()
        await eventually(lambda: handled)
        recovered = await client.get("/health/ready")
    assert paused.status_code == 503
    assert paused.json()["checks"]["delivery"] == "failing"
    assert f'delivery_paused{{group="tests.{topic.name}",topic="{topic.name}"}} 1.0' in metrics
    assert "delivery_transient_failures_total" in metrics
    assert recovered.status_code == 200


async def test_a_keys_parked_records_come_back_one_per_topic_together_in_production_order_when_one_is_due(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    lot = ParkingLot(database, retry_ms=1, retry_max_ms=1)
    now = datetime.now(UTC)
    request = ParkedRecord("intake.requests", "requests", 0, 5, 1_000, b"app-1", b"{}", (), "acceptance", now)
    decision = ParkedRecord("intake.decisions", "decisions", 0, 9, 2_000, b"app-1", b"{}", (), "acceptance", now)
    queued = ParkedRecord("intake.decisions", "decisions", 0, 10, 3_000, b"app-1", b"{}", (), "acceptance", now)
    other = ParkedRecord("intake.decisions", "decisions", 1, 3, 1_500, b"app-2", b"{}", (), "acceptance", now)
    await lot.park([decision, queued, request, other], now)
    owned = {
        ("intake.requests", "requests", 0),
        ("intake.decisions", "decisions", 0),
        ("intake.decisions", "decisions", 1),
    }
    later = now + timedelta(seconds=1)

    async def due(owned: set[tuple[str, str, int]] = owned) -> list[str]:
        return [r.id for r in await lot.due(owned, later, 10)]

    # One head per topic and key; the second decision stays queued behind the first, on its topic.
    assert await due() == [request.id, other.id, decision.id]
    await lot.waiting_again([request], later)  # the request waits on, but the decision's wait is over:
    assert await due() == [request.id, other.id, decision.id]  # the key's heads come back together
    await lot.waiting_again([request, decision], later)
    await lot.remove([other])
    assert await due() == []
    await lot.wake([b"app-1"], later)  # a record of app-1 applied: its parked ones are due at once
    assert await due() == [request.id, decision.id]
    assert await due(owned - {("intake.decisions", "decisions", 0)}) == [request.id]  # only what this instance holds
    await lot.remove([decision])
    assert await due() == [request.id, queued.id]
