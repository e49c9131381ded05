"""HTTP requests by route and status, and readiness, as metrics of the service's registry.

Requests are labelled by the route's template (`/v1/applications/{number}`), never the path
itself, and a path no route matches is `unmatched`: a scanner walking random paths, or
methods no one uses (counted as `other`), cannot make the series grow without end. The
label children are kept once made, so a request costs two dictionary lookups and two
additions.
"""

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "http_requests", "HTTP requests answered, by route template and status.", ["method", "route", "status"],
            registry=registry,
        )  # fmt: skip
        self.duration = Histogram(
            "http_request_duration_seconds", "Time to answer an HTTP request.", ["method", "route"], registry=registry
        )
        self.ready = Gauge(
            "service_ready", "1 while the service is ready (as /health/ready says), else 0.", registry=registry
        )
        self._counted: dict[tuple[str, str, int], Any] = {}
        self._timed: dict[tuple[str, str], Any] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in METHODS else "other"
        counted = self._counted.get((method, route, status))
        if counted is None:
            counted = self._counted[method, route, status] = self.requests.labels(method, route, str(status))
        timed = self._timed.get((method, route))
        if timed is None:
            timed = self._timed[method, route] = self.duration.labels(method, route)
        counted.inc()
        timed.observe(seconds)


class MeasureRequests:
    """ASGI middleware: each HTTP request's route, status and time, told to `HttpMetrics`."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the application fails before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            # The router has put the matched route in the scope by now (Starlette does, for any route).
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - started)
