"""Figures over HTTP: JSON for programs, Prometheus text for scrapers, a page for people.

All three show the same snapshot the service publishes to reporting.figures.v1. /metrics itself
is the chassis's (every service has one, with the delivery metrics): reporting adds its figures
to it through `figures_exposition`. The page is self-contained (no external assets, so it works
on an isolated network): its charts of the last 24 hours are SVG drawn here, and it refreshes
its tables from /figures and its charts from /dashboard/charts.
"""

from collections.abc import Awaitable, Callable
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from contracts.reporting import FiguresSnapshot
from services.reporting.adapters.charts import render_charts
from services.reporting.domain.exposition import render_prometheus
from services.reporting.domain.history import FiguresHistory
from services.reporting.handlers.figures import FiguresReport
from services.reporting.handlers.history import History

CHARTS_PLACEHOLDER = "<!-- charts -->"


def figures_router(report: FiguresReport, history: History) -> APIRouter:
    page = files("services.reporting.adapters").joinpath("dashboard.html").read_text(encoding="utf-8")
    router = APIRouter(tags=["figures"])

    @router.get("/figures", summary="Every figure, as JSON")
    async def figures() -> FiguresSnapshot:
        return await report.snapshot()

    @router.get("/figures/history", summary="The last 24 hours, hour by hour (Japan time)")
    async def figures_history() -> FiguresHistory:
        return await history.figures()

    @router.get("/dashboard", summary="A page showing the figures, refreshed every few seconds")
    async def dashboard() -> HTMLResponse:
        return HTMLResponse(page.replace(CHARTS_PLACEHOLDER, render_charts(await history.figures())))

    @router.get("/dashboard/charts", summary="The dashboard's charts, as an HTML fragment of inline SVG")
    async def charts() -> HTMLResponse:
        return HTMLResponse(render_charts(await history.figures()))

    return router


def figures_exposition(report: FiguresReport) -> Callable[[], Awaitable[str]]:
    """Every figure in the Prometheus text format 0.0.4, for `Service.metrics` (after the chassis's own)."""

    async def exposition() -> str:
        return render_prometheus(await report.snapshot())

    return exposition
