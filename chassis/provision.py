"""Creates every topic of the catalogue and its dead-letter topic; safe to run again.

python -m chassis.provision   (reads KAFKA_BOOTSTRAP_SERVERS, TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR)
"""

import asyncio
import os

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from chassis.kafka_security import client_options
from contracts.topics import CATALOGUE


def topic_names() -> list[str]:
    return [name for topic in CATALOGUE for name in (topic.name, topic.dlq)]


async def provision(bootstrap_servers: str, *, partitions: int = 4, replication_factor: int = 1) -> list[str]:
    """Returns the names of the topics it created (those already there are left alone)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="provision", **client_options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in topic_names() if name not in existing]
        if missing:
            await admin.create_topics(
                [NewTopic(name, num_partitions=partitions, replication_factor=replication_factor) for name in missing]
            )
        return missing
    finally:
        await admin.close()


def main() -> None:
    created = asyncio.run(
        provision(
            os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
            partitions=int(os.environ.get("TOPIC_PARTITIONS", "4")),
            replication_factor=int(os.environ.get("TOPIC_REPLICATION_FACTOR", "1")),
        )
    )
    print(f"topics: {len(topic_names())} in the catalogue, {len(created)} created")


if __name__ == "__main__":
    main()
