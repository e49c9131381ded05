"""Per-test eligibility: its own database and consumer groups, on the shared servers."""

from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from chassis.settings import DeliverySettings
from services.eligibility.settings import EligibilitySettings
from tests.servers import Servers

from .harness import Harness, unique


@pytest.fixture
def eligibility(kafka: str, servers: Servers, database: AsyncDatabase[dict[str, Any]]) -> Harness:
    settings = EligibilitySettings(
        kafka_bootstrap_servers=kafka,
        mongodb_uri=servers.mongodb_uri,
        mongodb_database=database.name,
        delivery=DeliverySettings(batch_timeout_ms=20, retry_backoff_ms=20, retry_backoff_max_ms=200),
    )
    return Harness(kafka, database, settings, unique("eligibility-test"))
