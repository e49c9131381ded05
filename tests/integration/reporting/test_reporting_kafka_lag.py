"""Consumer lag read from the real broker: end offsets minus what the group committed."""

from aiokafka import AIOKafkaConsumer, TopicPartition

from chassis.kafka_security import client_options
from contracts.notification import NoticeSent
from services.reporting.adapters.kafka_lag import KafkaLag
from tests.integration.kafka_helpers import create_topics, produce, scratch_topic


async def test_lag_counts_what_the_group_has_not_committed_and_is_cached_briefly(kafka: str) -> None:
    topic = scratch_topic(NoticeSent, "notice_id")
    await create_topics(kafka, [topic.name], partitions=2)
    await produce(kafka, [(topic.name, f"k{n}".encode(), b"{}", []) for n in range(5)])
    group = f"lag-test.{topic.name}"
    probe = KafkaLag(kafka, {topic.name: group}, cache_seconds=0)
    try:
        assert await probe.lag() == {topic.name: 5}  # the group never committed: all of it

        consumer = AIOKafkaConsumer(
            **client_options(), bootstrap_servers=kafka, group_id=group, enable_auto_commit=False
        )
        await consumer.start()
        try:
            partitions = [TopicPartition(topic.name, p) for p in (0, 1)]
            consumer.assign(partitions)
            ends = await consumer.end_offsets(partitions)
            await consumer.commit({partitions[0]: ends[partitions[0]]})
        finally:
            await consumer.stop()
        assert await probe.lag() == {topic.name: ends[partitions[1]]}

        cached = KafkaLag(kafka, {topic.name: group}, cache_seconds=60)
        first = await cached.lag()
        await produce(kafka, [(topic.name, b"late", b"{}", [])])
        assert await cached.lag() == first  # served from the cache
        await cached.close()
    finally:
        await probe.close()
