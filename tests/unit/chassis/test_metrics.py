"""The chassis's metrics without servers: HTTP requests by route, readiness, and consumer lag kept through failures."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from chassis.http import create_app
from chassis.http_metrics import HttpMetrics
from chassis.lag import ConsumerLag, lag_per_partition


@asynccontextmanager
async def nothing() -> AsyncIterator[None]:
    yield


def families(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    return {
        family.name: [(sample.labels, sample.value) for sample in family.samples]
        for family in text_string_to_metric_families(text)
    }


async def test_requests_are_counted_by_method_route_template_and_status_and_their_time_measured() -> None:
    registry = CollectorRegistry()
    app = create_app(
        service="tests",
        lifespan=nothing,
        checks={},
        metrics=lambda: _latest(registry),
        http_metrics=HttpMetrics(registry),
    )

    @app.get("/items/{item_id}")
    async def item(item_id: str) -> dict[str, str]:
        return {"item": item_id}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        await client.get("/items/1")
        await client.get("/items/2")
        await client.get("/no/such/page")
        text = (await client.get("/metrics")).text

    value = registry.get_sample_value
    assert value("http_requests_total", {"method": "GET", "route": "/items/{item_id}", "status": "200"}) == 2
    # A path no route knows is one series, whatever the path: a scanner cannot grow the series without end.
    assert value("http_requests_total", {"method": "GET", "route": "unmatched", "status": "404"}) == 1
    assert value("http_request_duration_seconds_count", {"method": "GET", "route": "/items/{item_id}"}) == 2
    assert "http_requests" in families(text)  # the exposition parses; a family is named without `_total`


async def test_an_unknown_method_is_counted_as_other() -> None:
    registry = CollectorRegistry()
    app = create_app(service="tests", lifespan=nothing, checks={}, http_metrics=HttpMetrics(registry))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        await client.request("BREW", "/health/live")
    brewed = {"method": "other", "route": "/health/live", "status": "405"}
    assert registry.get_sample_value("http_requests_total", brewed) == 1


async def test_service_ready_says_what_readiness_says_whenever_metrics_are_read() -> None:
    registry = CollectorRegistry()
    up = {"kafka": False}

    async def kafka() -> bool:
        return up["kafka"]

    app = create_app(
        service="tests",
        lifespan=nothing,
        checks={"kafka": kafka},
        metrics=lambda: _latest(registry),
        http_metrics=HttpMetrics(registry),
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        down = families((await client.get("/metrics")).text)["service_ready"]
        up["kafka"] = True
        ready = families((await client.get("/metrics")).text)["service_ready"]
    assert down == [({}, 0.0)]
    assert ready == [({}, 1.0)]


def test_lag_is_end_minus_committed_per_partition_from_the_beginning_where_nothing_was_committed() -> None:
    a0, a1, a2 = TopicPartition("a", 0), TopicPartition("a", 1), TopicPartition("a", 2)
    lag = lag_per_partition("g", ends={a0: 10, a1: 7, a2: 4}, committed={a0: 4, a2: 9}, beginnings={a1: 2})
    assert lag == {("a", "g", 0): 6, ("a", "g", 1): 5, ("a", "g", 2): 0}


async def test_a_failed_lag_read_serves_the_last_reading_and_never_fails_the_metrics() -> None:
    readings: list[dict[tuple[str, str, int], int] | Exception] = [
        RuntimeError("Kafka away before any reading"),
        {("a", "g", 0): 3},
        TimeoutError("Kafka away"),
    ]

    async def read() -> dict[tuple[str, str, int], int]:
        reading = readings.pop(0)
        if isinstance(reading, Exception):
            raise reading
        return reading

    registry = CollectorRegistry()
    lag = ConsumerLag(read, cache_seconds=0)
    registry.register(lag)
    samples = []
    for _ in range(3):
        await lag.refresh()
        samples.append(families(generate_latest(registry).decode()).get("delivery_consumer_lag", []))
    three = [({"topic": "a", "group": "g", "partition": "0"}, 3.0)]
    assert samples == [[], three, three]


async def test_the_lag_is_read_at_most_once_per_cache_period() -> None:
    reads = 0

    async def read() -> dict[tuple[str, str, int], int]:
        nonlocal reads
        reads += 1
        return {("a", "g", 0): reads}

    lag = ConsumerLag(read, cache_seconds=60)
    await lag.refresh()
    await lag.refresh()
    assert reads == 1


async def _latest(registry: CollectorRegistry) -> str:
    return generate_latest(registry).decode()
