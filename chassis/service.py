"""One service's runtime: its broker, database, publishers, subscriptions and lifespan.

Each service's composition root builds one `Service`, declares what it consumes
and produces on it, and hands `asgi()` to the runner. Nothing connects until the
lifespan starts: start-up creates indexes, starts the broker (producer and
subscribers) and the background tasks; shutdown stops them in reverse, letting the
batch in hand finish and commit.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI
from faststream.specification import AsyncAPI
from pymongo import IndexModel

from chassis import mongo
from chassis.broker import make_broker
from chassis.dead_letters import DeadLetterPublisher
from chassis.delivery import BatchHandler, subscribe
from chassis.http import create_app
from chassis.producer import Producer
from chassis.publishing import EventPublisher
from chassis.settings import ServiceSettings
from contracts.topics import Topic

log = structlog.get_logger("chassis.service")

Task = Callable[[], Awaitable[None]]


class Service:
    def __init__(
        self, name: str, settings: ServiceSettings, *, outputs: Iterable[Topic], description: str = ""
    ) -> None:
        self.name = name
        self.description = description
        self.settings = settings
        self.broker = make_broker(name, settings)
        self.mongo = mongo.connect(settings.mongodb_uri)
        self.database = self.mongo[settings.database_name(name)]
        self.producer = Producer(settings.kafka_bootstrap_servers, client_id=name)
        self.publisher = EventPublisher(self.broker, self.producer, f"/{name}", outputs)
        self.dead_letters = DeadLetterPublisher(self.broker, self.producer)
        self.inputs: list[Topic] = []
        self._indexes: dict[str, list[IndexModel]] = {}
        self._startup: list[Task] = []
        self._background: list[tuple[str, Task]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._routers: list[APIRouter] = []
        self._checks: dict[str, Callable[[], Awaitable[bool]]] = {}

    def consume(self, topic: Topic, handle: BatchHandler) -> None:
        self.dead_letters.declare(topic)
        subscribe(
            self.broker,
            topic,
            service=self.name,
            handle=handle,
            dead_letters=self.dead_letters,
            settings=self.settings.delivery,
        )
        self.inputs.append(topic)

    def indexes(self, collection: str, models: Sequence[IndexModel]) -> None:
        self._indexes.setdefault(collection, []).extend(models)

    def route(self, router: APIRouter) -> None:
        """Adds HTTP routes (an API, a dashboard) beside the health endpoints."""
        self._routers.append(router)

    def readiness_check(self, name: str, check: Callable[[], Awaitable[bool]]) -> None:
        """Adds a dependency to /health/ready beside Kafka and MongoDB (an SMTP server, say)."""
        self._checks[name] = check

    def on_startup(self, task: Task) -> None:
        """Runs once at start-up, after the indexes exist and before any record is consumed."""
        self._startup.append(task)

    def background(self, name: str, task: Task) -> None:
        """A long-running loop (outbox relay, scheduler); restarted after a failure, cancelled at shutdown."""
        self._background.append((name, task))

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        await mongo.ensure_indexes(self.database, self._indexes)
        for task in self._startup:
            await task()
        await self.producer.start()
        await self.broker.start()
        self._tasks = [asyncio.create_task(self._supervise(name, task), name=name) for name, task in self._background]
        log.info("service started", inputs=[t.name for t in self.inputs], outputs=list(self.publisher.topics))
        try:
            yield
        finally:
            for running in self._tasks:
                running.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self.broker.stop()
            await self.producer.stop()
            await self.mongo.close()
            log.info("service stopped")

    async def _supervise(self, name: str, task: Task) -> None:
        delay = 0.5
        while True:
            try:
                await task()
                return
            except asyncio.CancelledError:
                raise
            except Exception:  # a background loop must outlive a passing failure: log it and start again
                log.exception("background task failed; restarting", task=name, retry_in_seconds=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    def asgi(self, **app_options: Any) -> FastAPI:
        app = create_app(
            service=self.name,
            lifespan=self.lifespan,
            checks={"kafka": self.producer.ping, "mongodb": lambda: mongo.ping(self.database), **self._checks},
            description=self.description,
            **app_options,
        )
        for router in self._routers:
            app.include_router(router)
        return app

    def asyncapi(self) -> dict[str, Any]:
        spec = AsyncAPI(self.broker, title=f"{self.name} service", version="1.0.0", description=self.description)
        schema: dict[str, Any] = spec.to_specification().to_jsonable()
        return schema
