"""Figures over HTTP: JSON for programs, Prometheus text for scrapers, a page for people.

All three show the same snapshot the service publishes to reporting.figures.v1. The page is
self-contained (no external assets, so it works on an isolated network) and refreshes itself
from /figures.
"""

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from contracts.reporting import FiguresSnapshot
from services.reporting.domain.exposition import render_prometheus
from services.reporting.handlers.figures import FiguresReport

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def figures_router(report: FiguresReport) -> APIRouter:
    page = files("services.reporting.adapters").joinpath("dashboard.html").read_text(encoding="utf-8")
    router = APIRouter(tags=["figures"])

    @router.get("/figures", summary="Every figure, as JSON")
    async def figures() -> FiguresSnapshot:
        return await report.snapshot()

    @router.get(
        "/metrics",
        summary="Every figure, in the Prometheus text exposition format 0.0.4",
        response_class=Response,
        responses={200: {"content": {"text/plain": {}}}},
    )
    async def metrics() -> Response:
        return Response(render_prometheus(await report.snapshot()), media_type=PROMETHEUS_CONTENT_TYPE)

    @router.get("/dashboard", summary="A page showing the figures, refreshed every few seconds")
    async def dashboard() -> HTMLResponse:
        return HTMLResponse(page)

    return router
