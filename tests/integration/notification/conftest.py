"""Fixtures for notification's integration tests: topics, database and SMTP sink of the test's own."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from tests import servers as server_lookup
from tests.integration.notification.harness import Harness, create_notification_topics, delete_notification_topics
from tests.smtp_sink import SmtpSink


@pytest.fixture
async def notification(
    kafka: str, servers: server_lookup.Servers, database: AsyncDatabase[dict[str, Any]], smtp_sink: SmtpSink
) -> AsyncIterator[Harness]:
    prefix = await create_notification_topics(kafka)
    yield Harness(kafka, servers.mongodb_uri, database, smtp_sink, prefix, f"notification-{uuid.uuid4().hex[:8]}")
    await delete_notification_topics(kafka, prefix)
