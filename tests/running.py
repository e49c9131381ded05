"""Runs a service in-process against the real servers, for integration tests."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager

from chassis.service import Service


@asynccontextmanager
async def running(service: Service) -> AsyncIterator[httpx.AsyncClient]:
    """Starts the service's whole lifespan (indexes, broker, subscribers, background tasks) and
    yields an HTTP client for its API; stops it gracefully on exit."""
    app = service.asgi()
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client
