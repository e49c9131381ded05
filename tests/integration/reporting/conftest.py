"""Fixtures for reporting's integration tests: topics, database and clock of the test's own."""

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import FixedClock
from tests import servers as server_lookup
from tests.integration.reporting.reporting_harness import (
    Reporting,
    create_reporting_topics,
    delete_reporting_topics,
    noon,
)


@pytest.fixture
async def reporting(
    kafka: str, servers: server_lookup.Servers, database: AsyncDatabase[dict[str, Any]]
) -> AsyncIterator[Reporting]:
    prefix = await create_reporting_topics(kafka)
    clock = FixedClock(noon(date(2026, 1, 5)))
    yield Reporting(kafka, servers.mongodb_uri, database, prefix, clock, f"reporting-{uuid.uuid4().hex[:8]}")
    await delete_reporting_topics(kafka, prefix)
