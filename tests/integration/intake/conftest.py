"""Per-test intake settings: the test's own database, consumer groups and topics, on the shared servers."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.intake.settings import IntakeSettings
from tests.servers import Servers

from .support import intake_settings, private_topics


@pytest.fixture
async def settings(
    kafka: str, servers: Servers, database: AsyncDatabase[dict[str, Any]]
) -> AsyncIterator[IntakeSettings]:
    configured = intake_settings(kafka, servers.mongodb_uri, database.name)
    async with private_topics(configured):
        yield configured
