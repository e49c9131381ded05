"""The figures over HTTP: JSON, Prometheus text (on the chassis's /metrics) and a self-contained dashboard page."""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from chassis.clock import FixedClock
from chassis.service import Service
from services.reporting.adapters.http import figures_exposition, figures_router
from services.reporting.handlers.figures import FiguresReport
from services.reporting.handlers.history import History
from services.reporting.settings import ReportingSettings
from tests.unit.reporting.reporting_fakes import FakeApprovalStore, FakeHourlySamples, FakeLag, FakeLedger

NOW = datetime(2026, 10, 1, 0, 0, tzinfo=UTC)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    ledger = FakeLedger()
    ledger.totals[("assessments_total", (("outcome", "eligible"),))] = 7
    ledger.totals[("applications_received_hourly", (("hour", "2026-10-01T09"),))] = 5
    lag = FakeLag({"intake.application-received.v1": 2}, by_service={"notification": 296, "reporting": 2})
    report = FiguresReport(ledger, FakeApprovalStore(), lag, FixedClock(NOW))
    history = History(ledger, FakeHourlySamples(), lag, FixedClock(NOW))
    await history.sample()
    # Wired as app.py wires them, on a service that is never started (no server is needed to serve these).
    service = Service(
        "reporting", ReportingSettings(kafka_bootstrap_servers="kafka:9092", mongodb_uri="mongodb://mongo"), outputs=[]
    )
    service.route(figures_router(report, history))
    service.metrics(figures_exposition(report))
    app = service.asgi()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://reporting") as http:
        yield http


async def test_figures_are_served_as_json(client: httpx.AsyncClient) -> None:
    body = (await client.get("/figures")).json()
    assert body["counters"] == [{"name": "assessments_total", "labels": {"outcome": "eligible"}, "value": 7}]
    assert body["consumer_lag"] == {"intake.application-received.v1": 2}
    assert body["service_lag"] == {"notification": 296, "reporting": 2}
    assert body["taken_at"] == "2026-10-01T00:00:00Z"


async def test_metrics_show_the_chassis_delivery_metrics_followed_by_the_figures(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics")
    text = response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "# TYPE delivery_records_handled_total counter\n" in text
    assert "delivery_parked_records 0.0\n" in text
    assert 'assessments_total{outcome="eligible"} 7\n' in text
    assert 'consumer_lag_records{topic="intake.application-received.v1"} 2\n' in text
    assert "# TYPE assessments_total counter\n" in text
    assert text.index("delivery_parked_records") < text.index("# TYPE assessments_total")
    assert "_hourly" not in text, "no series per hour on /metrics"


async def test_the_dashboard_is_one_self_contained_page_that_refreshes_from_figures(client: httpx.AsyncClient) -> None:
    response = await client.get("/dashboard")
    page = response.text
    assert response.headers["content-type"].startswith("text/html")
    assert 'fetch("/figures"' in page
    assert "setInterval(refresh" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "the page must load nothing from elsewhere"
    assert "<link" not in page
    assert "@import" not in page
    assert "innerHTML" not in page, "figures are written as text, never parsed as HTML"


async def test_the_history_is_served_hour_by_hour_in_japan_time(client: httpx.AsyncClient) -> None:
    hours = (await client.get("/figures/history")).json()["hours"]
    assert len(hours) == 24
    assert hours[-1] == {
        "hour": "2026-10-01T09",
        "received": 5,
        "decided": 0,
        "notices_sent": 0,
        "notices_failed": 0,
        "dead_letters": 0,
        "lag": {"notification": 296, "reporting": 2},
    }
    assert hours[0]["hour"] == "2026-09-30T10"


async def test_the_dashboard_carries_its_charts_as_inline_svg_drawn_by_the_server(client: httpx.AsyncClient) -> None:
    page = (await client.get("/dashboard")).text
    for chart in ("chart-applications", "chart-notices", "chart-lag", "chart-dead-letters"):
        assert f'<svg id="{chart}"' in page
    assert "notification 296" in page, "the lag chart's legend names each service with its latest reading"
    assert "received 5" in page
    assert "<script src" not in page
    fragment = (await client.get("/dashboard/charts")).text
    assert fragment.startswith('<svg id="chart-applications"')
    assert 'fetch("/dashboard/charts"' in page
