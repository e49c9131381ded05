"""The dashboard page in a real browser: reporting served by uvicorn, rendered by headless Chromium.

Chromium is Debian's `chromium` package (`apt-get install -y chromium`). Without it this test
fails, saying so: a dashboard nobody has seen render is not tested. With
SAVE_DASHBOARD_SCREENSHOT=1 the screenshot is also copied to docs/dashboard.png.
"""

import asyncio
import os
import shutil
import socket
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn

from chassis.service import Service
from contracts.application import Procedure
from contracts.intake import ApplicationStatus
from tests.integration.kafka_helpers import eventually
from tests.integration.reporting.reporting_events import granted
from tests.integration.reporting.reporting_figure_events import (
    assessed,
    moved,
    not_eligible,
    notice_failed,
    notice_sent,
    received,
)
from tests.integration.reporting.reporting_harness import Reporting

DOCS_SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "dashboard.png"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
    "--virtual-time-budget=5000",
)


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    pytest.fail(
        "headless Chromium is needed to test the dashboard and was not found on PATH: "
        "install Debian's package with `apt-get update && apt-get install -y chromium`",
        pytrace=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def served(service: Service) -> AsyncIterator[str]:
    """The whole service (lifespan included) under uvicorn on a free loopback port."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(service.asgi(), host="127.0.0.1", port=port, log_config=None))
    task = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: server.started or task.done(), timeout=60, interval=0.05)
        assert not task.done(), "uvicorn stopped during start-up"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=30)


async def run_chromium(*args: str, profile: Path) -> bytes:
    process = await asyncio.create_subprocess_exec(
        chromium(),
        *FLAGS,
        f"--user-data-dir={profile}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode == 0, f"chromium exited with {process.returncode}: {stderr.decode()[-2000:]}"
    return stdout


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_the_dashboard_shows_the_figures_in_headless_chromium(reporting: Reporting, tmp_path: Path) -> None:
    at = datetime.fromisoformat("2026-01-05T01:00:00+00:00")  # 10:00 in Japan; the clock says noon
    # A morning's work spread over its hours, so that the charts have something to draw.
    spread = [
        received(f"h{n}", Procedure.EXTENSION_OF_STAY, at - timedelta(hours=n % 9, minutes=n), f"dash-h{n}")
        for n in range(40)
    ]
    decided = [
        moved(f"h{n}", ApplicationStatus.SUBMITTED, ApplicationStatus.GRANTED, 3, f"dash-g{n}", at)
        for n in range(0, 40, 3)
    ]
    notices = [
        notice_sent(f"hn{n}", "submission_received", f"dash-hn{n}", at - timedelta(hours=n % 7)) for n in range(30)
    ]
    async with served(reporting.service()) as base:
        await reporting.send(
            granted("dash-approval", date(2025, 2, 10)),
            received("d1", Procedure.EXTENSION_OF_STAY, at, "dash-r1"),
            received("d2", Procedure.CHANGE_OF_STATUS, at, "dash-r2"),
            received("d3", Procedure.EXTENSION_OF_STAY, at, "dash-r3"),
            assessed("d1", "dash-as1"),
            assessed("d2", "dash-as2", "stay_expires_today"),
            not_eligible("d2", "dash-ne2", "stay_expires_today"),
            moved("d1", ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, 2, "dash-s1"),
            moved("d2", ApplicationStatus.SUBMITTED, ApplicationStatus.NOT_ELIGIBLE, 2, "dash-s2"),
            notice_sent("dn1", "submission_received", "dash-ns1"),
            notice_sent("dn2", "application_accepted", "dash-ns2"),
            notice_failed("dn3", "not_eligible", "dash-nf1"),
            *spread,
            *decided,
            *notices,
        )
        async with httpx.AsyncClient(base_url=base) as http:

            async def counted() -> bool:
                figures = (await http.get("/figures")).json()
                names = {c["name"] for c in figures["counters"]}
                hours = (await http.get("/figures/history")).json()["hours"]
                return {"applications_received_total", "approvals_by_state", "notices_failed_total"} <= names and (
                    sum(h["received"] for h in hours) == 43 and reporting.name in hours[-1]["lag"]
                )

            await eventually(counted, timeout=30)

        screenshot = tmp_path / "dashboard.png"
        await run_chromium(f"--screenshot={screenshot}", f"{base}/dashboard", profile=tmp_path / "profile-1")
        dom = (await run_chromium("--dump-dom", f"{base}/dashboard", profile=tmp_path / "profile-2")).decode()

    image = screenshot.read_bytes()
    assert png_size(image) == (1280, 900)
    assert len(image) > 20_000, "the screenshot is (nearly) blank"
    assert "figures taken at 2026-01-05T12:00:00+09:00" in dom, "the page fetched /figures and rendered it"
    assert '<section id="metric-applications_received_total">' in dom
    assert "<td>extension_of_stay</td>" in dom
    assert "<td>change_of_status</td>" in dom
    assert '<td class="num">42</td>' in dom  # 42 extension applications on 2026-01-05
    assert "<td>submission_received</td>" in dom
    assert "<td>stay_expires_today</td>" in dom
    assert '<section id="consumer-lag">' in dom
    assert f"<td>{reporting.name}</td>" in dom, "the lag table lists services"
    for chart in ("chart-applications", "chart-notices", "chart-lag", "chart-dead-letters"):
        assert f'<svg id="{chart}"' in dom, f"the {chart} chart is drawn"
    assert "<polyline" in dom
    assert "Approvals due within 30 days" in dom
    if os.environ.get("SAVE_DASHBOARD_SCREENSHOT") == "1":
        DOCS_SCREENSHOT.write_bytes(image)
