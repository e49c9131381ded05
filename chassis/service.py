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
from prometheus_client import CollectorRegistry, generate_latest
from pymongo import IndexModel

from chassis import mongo, parking
from chassis.backoff import Backoff, persistently
from chassis.broker import make_broker
from chassis.clock import Clock, SystemClock
from chassis.dead_letters import DeadLetterPublisher
from chassis.delivery import BatchHandler, Delivery, group_id, subscribe
from chassis.errors import is_transient
from chassis.health import DeliveryHealth
from chassis.http import create_app
from chassis.http_metrics import HttpMetrics
from chassis.kafka_security import client_options
from chassis.lag import ConsumerLag, KafkaOffsets
from chassis.mongo_metrics import CommandMetrics
from chassis.producer import Producer
from chassis.publishing import EventPublisher
from chassis.release import ParkedReleaser
from chassis.settings import ServiceSettings
from contracts.topics import Topic

log = structlog.get_logger("chassis.service")

Task = Callable[[], Awaitable[None]]
Exposition = Callable[[], Awaitable[str]]


class Service:
    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        *,
        outputs: Iterable[Topic],
        description: str = "",
        clock: Clock | None = None,
    ) -> None:
        self.name = name
        self.description = description
        self.settings = settings
        self.clock = clock or SystemClock()
        self.registry = CollectorRegistry()
        self.kafka_security = client_options(settings)
        """How every Kafka client of the service authenticates (its password file read once, here)."""
        self.health = DeliveryHealth(self.registry)
        self.http_metrics = HttpMetrics(self.registry)
        self._offsets = KafkaOffsets(
            settings.bootstrap_servers,
            lambda: [(d.topic.name, d.group_id) for d in self.deliveries],
            client_id=f"{name}-lag",
            security=self.kafka_security,
        )
        self.lag = ConsumerLag(self._offsets.read)
        self.registry.register(self.lag)
        self._lag_readable = False
        self.broker = make_broker(name, settings, self.kafka_security)
        password = settings.mongodb_password.get_secret_value() if settings.mongodb_password else None
        self.mongo = mongo.connect(
            settings.mongodb_uri.get_secret_value(),
            username=settings.mongodb_username,
            password=password,
            listeners=[CommandMetrics(self.registry)],
        )
        self.database = self.mongo[settings.database_name(name)]
        self.producer = Producer(settings.kafka_bootstrap_servers, client_id=name, security=self.kafka_security)
        self.publisher = EventPublisher(self.broker, self.producer, f"/{name}", outputs)
        self.dead_letters = DeadLetterPublisher(
            self.broker, self.producer, limit=settings.delivery.dead_letter_max_bytes
        )
        delivery = settings.delivery
        self.parking = parking.ParkingLot(
            self.database, retry_ms=delivery.park_retry_ms, retry_max_ms=delivery.park_retry_max_ms
        )
        self.inputs: list[Topic] = []
        self.deliveries: list[Delivery] = []
        self._indexes: dict[str, list[IndexModel]] = {k: list(v) for k, v in parking.INDEXES.items()}
        self._startup: list[Task] = []
        self._background: list[tuple[str, Task]] = [("parked-records", self._release_parked)]
        self._tasks: list[asyncio.Task[None]] = []
        self._routers: list[APIRouter] = []
        self._checks: dict[str, Callable[[], Awaitable[bool]]] = {}
        self._expositions: list[Exposition] = []

    def consume(self, topic: Topic, handle: BatchHandler) -> None:
        """Registers `handle` for `topic` in the consumer group `<service>.<topic>` (see chassis.delivery)."""
        self.dead_letters.declare(topic)
        delivery = Delivery(
            topic,
            group_id(self.name, topic),
            handle,
            dead_letters=self.dead_letters,
            parking=self.parking,
            health=self.health,
            clock=self.clock,
            settings=self.settings.delivery,
        )
        subscribe(self.broker, delivery, service=self.name)
        self.inputs.append(topic)
        self.deliveries.append(delivery)

    def indexes(self, collection: str, models: Sequence[IndexModel]) -> None:
        self._indexes.setdefault(collection, []).extend(models)

    def route(self, router: APIRouter) -> None:
        """Adds HTTP routes (an API, a dashboard) beside the health endpoints."""
        self._routers.append(router)

    def readiness_check(self, name: str, check: Callable[[], Awaitable[bool]]) -> None:
        """Adds a dependency to /health/ready beside Kafka and MongoDB (an SMTP server, say)."""
        self._checks[name] = check

    def metrics(self, exposition: Exposition) -> None:
        """Adds text in the Prometheus exposition format to /metrics, after the service's own metrics."""
        self._expositions.append(exposition)

    def on_startup(self, task: Task) -> None:
        """Runs once at start-up, after the indexes exist and before any record is consumed."""
        self._startup.append(task)

    def background(self, name: str, task: Task) -> None:
        """A long-running loop (outbox relay, scheduler); restarted after a failure, cancelled at shutdown."""
        self._background.append((name, task))

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        # A server still away at start-up is waited for, as it would be later on.
        backoff = Backoff(self.settings.delivery.retry_backoff_ms, self.settings.delivery.retry_backoff_max_ms)
        await persistently(lambda: mongo.ensure_indexes(self.database, self._indexes), backoff, what="create indexes")
        for task in self._startup:
            await persistently(task, backoff, what="start-up")
        await persistently(self.producer.start, backoff, what="start the Kafka producer")
        await self.broker.start()
        self._tasks = [asyncio.create_task(self._supervise(name, task), name=name) for name, task in self._background]
        self._lag_readable = True
        log.info("service started", inputs=[t.name for t in self.inputs], outputs=list(self.publisher.topics))
        try:
            yield
        finally:
            self._lag_readable = False
            for running in self._tasks:
                running.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self.broker.stop()
            await self.producer.stop()
            await self._offsets.close()
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
            except Exception as error:  # a background loop must outlive a passing failure: log it and start again
                log.warning(
                    "background task failed; restarting",
                    task=name,
                    retry_in_seconds=delay,
                    error=type(error).__name__,
                    exc_info=not is_transient(error),  # a server away is no news worth a traceback
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def _release_parked(self) -> None:
        delivery = self.settings.delivery
        releaser = ParkedReleaser(
            self.parking,
            self.deliveries,
            health=self.health,
            clock=self.clock,
            interval_ms=delivery.park_release_interval_ms,
            limit=delivery.max_records,
        )
        await releaser.run()

    async def metrics_text(self) -> str:
        if self._lag_readable:  # only while running: an application built but not started reads no Kafka
            await self.lag.refresh()
        own = generate_latest(self.registry).decode()
        return "".join([own, *[await exposition() for exposition in self._expositions]])

    def asgi(self, **app_options: Any) -> FastAPI:
        app = create_app(
            service=self.name,
            lifespan=self.lifespan,
            checks={
                "kafka": self.producer.ping,
                "mongodb": lambda: mongo.ping(self.database),
                "delivery": self.health.ready,
                **self._checks,
            },
            metrics=self.metrics_text,
            http_metrics=self.http_metrics,
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
