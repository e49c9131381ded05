"""The HTTP face every service has: liveness and readiness, around the service's own lifespan.

Liveness says the process answers; readiness says the broker and the database are
reachable and no subscription is waiting out a transient failure, so an orchestrator
sends no work before they are. /metrics serves the service's metrics to Prometheus, with every HTTP
request counted by route and status and `service_ready` as readiness says it at that moment (see
chassis.http_metrics). Services add their own routes (intake's API, reporting's figures) to the same
application.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi.telemetry import TelemetryConfig

from chassis.http_metrics import HttpMetrics, MeasureRequests

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
Lifespan = Callable[[], AbstractAsyncContextManager[None]]

TELEMETRY: TelemetryConfig = {
    "tracing": True,
    "operation_spans": False,  # a span per request is what a trace needs; dependency and endpoint spans are noise
    "metrics": False,  # HTTP metrics are Prometheus's, on /metrics
    "logs": False,  # a validation failure's message may quote personal data; our logs say what failed
    "exclude": lambda scope: str(scope.get("path", "")).startswith(("/health/", "/metrics")),
}
"""FastAPI's own OpenTelemetry support: a SERVER span per request, continuing the caller's `traceparent`,
once a tracer provider is installed (chassis.tracing). Probes and scrapes make none: an orchestrator
polls them every few seconds, and their spans would bury the ones an operator looks for."""


def create_app(
    *,
    service: str,
    lifespan: Lifespan,
    checks: dict[str, Callable[[], Awaitable[bool]]],
    metrics: Callable[[], Awaitable[str]] | None = None,
    http_metrics: HttpMetrics | None = None,
    title: str | None = None,
    description: str | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def app_lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with lifespan():
            yield

    app = FastAPI(title=title or service, description=description or "", lifespan=app_lifespan, telemetry=TELEMETRY)
    if http_metrics is not None:
        app.add_middleware(MeasureRequests, metrics=http_metrics)

    async def readiness() -> dict[str, bool]:
        results = {name: await check() for name, check in checks.items()}
        if http_metrics is not None:
            http_metrics.ready.set(all(results.values()))
        return results

    @app.get("/health/live", tags=["health"], summary="The process is alive")
    async def live() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @app.get(
        "/health/ready",
        tags=["health"],
        summary="Kafka and MongoDB are reachable",
        responses={503: {"description": "A dependency is unreachable"}},
    )
    async def ready() -> JSONResponse:
        results = await readiness()
        ok = all(results.values())
        return JSONResponse(
            {
                "status": "ready" if ok else "unavailable",
                "service": service,
                "checks": {k: "ok" if v else "failing" for k, v in results.items()},
            },
            status_code=200 if ok else 503,
        )

    if metrics is not None:

        @app.get(
            "/metrics",
            tags=["health"],
            summary="Metrics in the Prometheus text exposition format 0.0.4",
            response_class=Response,
            responses={200: {"content": {"text/plain": {}}}},
        )
        async def metrics_text() -> Response:
            await readiness()
            return Response(await metrics(), media_type=PROMETHEUS_CONTENT_TYPE)

    return app
