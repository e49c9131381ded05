"""Fixtures shared by every test. Unit tests run first; tests that need servers run after them."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvloop
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from chassis.logging import configure_logging
from chassis.provision import provision
from tests import servers as server_lookup
from tests.smtp_sink import SmtpSink

SERVER_DIRS = ("integration", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(f"{os.sep}{d}{os.sep}" in str(item.path) for d in SERVER_DIRS):
            item.add_marker(pytest.mark.servers)
    # Fast tests first: a broken rule fails in seconds, before any server starts.
    items.sort(key=lambda item: item.get_closest_marker("servers") is not None)


def pytest_configure(config: pytest.Config) -> None:
    # Every async test runs on uvloop, the event loop the services run on (chassis.runner). A policy
    # rather than pytest-asyncio's loop-factory hook, which parametrizes tests and so reorders them
    # around the session-scoped fixtures.
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


@pytest.fixture(scope="session", autouse=True)
def _logging() -> None:
    configure_logging("tests", level="warning", fmt="console")


@pytest.fixture(scope="session")
def servers() -> Iterator[server_lookup.Servers]:
    stack: list[Any] = []
    try:
        yield server_lookup.resolve(stack)
    finally:
        for container in reversed(stack):
            container.stop()


@pytest.fixture(scope="session")
async def kafka(servers: server_lookup.Servers) -> str:
    """The bootstrap address of a broker that has every catalogue topic."""
    await provision(servers.kafka_bootstrap)
    return servers.kafka_bootstrap


@pytest.fixture(scope="session")
def mongodb_uri(servers: server_lookup.Servers) -> str:
    """The MongoDB-protocol server the tests use (a service under test connects to it by this URI)."""
    return servers.mongodb_uri


@pytest.fixture(scope="session")
async def mongo_client(servers: server_lookup.Servers) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(servers.mongodb_uri, tz_aware=True)
    try:
        await client.admin.command("ping")
    except Exception as error:
        pytest.fail(f"MongoDB-protocol server at {servers.mongodb_uri} does not answer: {error}", pytrace=False)
    yield client
    await client.close()


@pytest.fixture
async def database(
    mongo_client: AsyncMongoClient[dict[str, Any]],
) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    """A fresh database per test, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield mongo_client[name]
    await mongo_client.drop_database(name)


@pytest.fixture
async def smtp_sink(tmp_path: Path) -> AsyncIterator[SmtpSink]:
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it receives.

    Always in-process, whatever SMTP_HOST says: these tests read what it received and make it fail on purpose.
    """
    sink = SmtpSink(tmp_path / "mail")
    await sink.start()
    yield sink
    await sink.stop()
