"""Per-test eligibility: its own topics, database and consumer groups, on the shared servers."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from chassis.settings import DeliverySettings
from services.eligibility.settings import EligibilitySettings
from tests.servers import Servers

from .harness import Harness, create_eligibility_topics, delete_eligibility_topics, unique


@pytest.fixture
async def eligibility(kafka: str, servers: Servers, database: AsyncDatabase[dict[str, Any]]) -> AsyncIterator[Harness]:
    settings = EligibilitySettings(
        kafka_bootstrap_servers=kafka,
        mongodb_uri=servers.mongodb_uri,
        mongodb_database=database.name,
        delivery=DeliverySettings(batch_timeout_ms=20, retry_backoff_ms=20, retry_backoff_max_ms=200),
    )
    prefix = await create_eligibility_topics(kafka)
    yield Harness(kafka, database, settings, unique("eligibility-test"), prefix)
    await delete_eligibility_topics(kafka, prefix)
