"""Intake's HTTP API over the in-memory wiring: the fixtures its API tests share."""

from collections.abc import AsyncIterator

import httpx
import pytest

from .wiring import Intake


@pytest.fixture
def intake() -> Intake:
    return Intake()


@pytest.fixture
async def client(intake: Intake) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=intake.api())
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        yield client
