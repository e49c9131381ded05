"""On the real broker: a member joining the group gets no partition until the batch in hand is settled, so no
record is handled by two members at once."""

import asyncio
from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.cloudevents import Inbound
from chassis.service import Service
from chassis.settings import ServiceSettings
from contracts.examination import DocumentsSubmitted
from tests.integration.chassis.test_service_metrics import submitted
from tests.integration.fast_delivery import FAST_DELIVERY
from tests.integration.kafka_helpers import cloudevent, create_topics, eventually, produce, scratch_topic
from tests.running import running


async def test_a_joining_member_gets_the_partitions_only_after_the_batch_in_hand_is_settled(
    kafka: str, database: AsyncDatabase[dict[str, Any]], mongodb_uri: str
) -> None:
    topic = scratch_topic(DocumentsSubmitted, "application_id")
    await create_topics(kafka, [topic.name, topic.dlq], partitions=2)
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka, mongodb_uri=mongodb_uri, mongodb_database=database.name, delivery=FAST_DELIVERY
    )
    in_hand, release = asyncio.Event(), asyncio.Event()
    first: list[str] = []
    second: list[str] = []

    async def first_member(events: Sequence[Inbound[Any]]) -> None:
        first.extend(e.id for e in events)
        in_hand.set()
        await release.wait()  # e-mails still going out, say

    async def second_member(events: Sequence[Inbound[Any]]) -> None:
        second.extend(e.id for e in events)

    one, two = Service("tests", settings, outputs=[]), Service("tests", settings, outputs=[])
    one.consume(topic, first_member)
    two.consume(topic, second_member)
    await produce(kafka, [cloudevent(topic, submitted()) for _ in range(10)])
    async with running(one):
        await asyncio.wait_for(in_hand.wait(), 30)
        joined = asyncio.Event()

        async def join() -> None:
            async with running(two):
                joined.set()
                await eventually(lambda: _all_seen(first, second, 20), timeout=60)

        joining = asyncio.create_task(join())
        await asyncio.sleep(6)  # the join's rebalance waits for the first member's batch
        assert second == [], "the joining member read records still in the other's hands"
        release.set()
        await produce(kafka, [cloudevent(topic, submitted()) for _ in range(10)])
        await asyncio.wait_for(joining, 90)

    assert not set(first) & set(second), "a record was handled by both members"


async def _all_seen(first: list[str], second: list[str], count: int) -> bool:
    return len(set(first) | set(second)) >= count
