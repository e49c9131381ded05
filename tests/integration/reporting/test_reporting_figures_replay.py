"""Figures on the real servers match a known replay exactly, through duplicates and a full re-read."""

import contextlib
from datetime import date, datetime
from typing import Any

import httpx

from contracts.application import Procedure
from contracts.intake import ApplicationStatus as S
from contracts.topics import BUREAU_APPROVAL_GRANTED
from services.reporting.domain.history import HOURLY
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
from tests.running import running

EXTENSION, COE = Procedure.EXTENSION_OF_STAY.value, Procedure.CERTIFICATE_OF_ELIGIBILITY.value
EVENTS = [
    received("a1", Procedure.EXTENSION_OF_STAY, datetime.fromisoformat("2026-01-05T01:00:00+00:00"), "r1"),
    # 01:00 in Japan on 2026-01-06: counted on Japan's day, not UTC's.
    received("a2", Procedure.EXTENSION_OF_STAY, datetime.fromisoformat("2026-01-05T16:00:00+00:00"), "r2"),
    received("a3", Procedure.CERTIFICATE_OF_ELIGIBILITY, datetime.fromisoformat("2026-01-05T03:00:00+00:00"), "r3"),
    assessed("a1", "as1"),
    assessed("a2", "as2", "R-A", "R-B"),
    assessed("a3", "as3", "R-A"),
    not_eligible("a2", "ne2", "R-A", "R-B"),
    not_eligible("a3", "ne3", "R-A", "R-A"),  # a reason repeated within one event counts once
    moved("a1", S.SUBMITTED, S.ACCEPTED, 2, "s1"),
    moved("a1", S.ACCEPTED, S.UNDER_EXAMINATION, 3, "s2"),
    moved("a2", S.SUBMITTED, S.NOT_ELIGIBLE, 2, "s3"),
    moved("a3", S.SUBMITTED, S.NOT_ELIGIBLE, 2, "s4"),
    notice_sent("n1", "submission_received", "ns1"),
    notice_sent("n2", "application_accepted", "ns2"),
    notice_failed("n3", "not_eligible", "nf1"),
]
DUPLICATES = [EVENTS[0], EVENTS[8], EVENTS[12], EVENTS[14], EVENTS[0]]  # redelivered with the same ids
EXPECTED = {
    ("applications_received_total", (("day", "2026-01-05"), ("procedure", EXTENSION))): 1,
    ("applications_received_total", (("day", "2026-01-06"), ("procedure", EXTENSION))): 1,
    ("applications_received_total", (("day", "2026-01-05"), ("procedure", COE))): 1,
    ("applications_by_status", (("status", "submitted"),)): 0,
    ("applications_by_status", (("status", "accepted"),)): 0,
    ("applications_by_status", (("status", "under_examination"),)): 1,
    ("applications_by_status", (("status", "not_eligible"),)): 2,
    ("assessments_total", (("outcome", "eligible"),)): 1,
    ("assessments_total", (("outcome", "not_eligible"),)): 2,
    ("not_eligible_reasons_total", (("code", "R-A"),)): 2,
    ("not_eligible_reasons_total", (("code", "R-B"),)): 1,
    ("notices_sent_total", (("kind", "submission_received"),)): 1,
    ("notices_sent_total", (("kind", "application_accepted"),)): 1,
    ("notices_failed_total", (("kind", "not_eligible"),)): 1,
    # The grant (report due 2026-01-10) is reporting's own output, counted from its topic, and its
    # reminder (due 2025-12-10) is emitted at once by the scheduler.
    ("approval_changes_total", (("change", "granted"),)): 1,
    ("approval_changes_total", (("change", "reminder_due"),)): 1,
    ("approvals_by_state", (("state", "active"),)): 1,
}


def counters(figures: dict[str, Any]) -> dict[tuple[str, tuple[tuple[str, str], ...]], int]:
    """The running totals (a stored generation also holds the history's hourly series: not these)."""
    return {
        (c["name"], tuple(sorted(c["labels"].items()))): c["value"]
        for c in figures["counters"]
        if c["name"] not in HOURLY
    }


async def settled(http: httpx.AsyncClient) -> dict[str, Any]:
    """The figures once this instance has consumed everything and they match (or the wait times out)."""
    figures: dict[str, Any] = {}

    async def done() -> bool:
        nonlocal figures
        figures = (await http.get("/figures")).json()
        return not any(figures["consumer_lag"].values()) and counters(figures) == EXPECTED

    with contextlib.suppress(AssertionError):  # compared by the test, with the difference shown
        await eventually(done, timeout=30, interval=0.3)
    return figures


async def test_figures_match_a_known_replay_exactly_through_duplicates_and_a_full_reread(
    reporting: Reporting,
) -> None:
    async with running(reporting.service()) as http:
        await reporting.send(granted("due-soon", date(2025, 2, 10)), *EVENTS, *DUPLICATES)
        first = await settled(http)
        metrics = await http.get("/metrics")

    assert counters(first) == EXPECTED
    assert first["approvals_due_next_30_days"] == 1
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    # The chassis's /metrics: its delivery metrics first, then reporting's figures.
    grants = reporting.topic(BUREAU_APPROVAL_GRANTED).name
    handled = [line for line in metrics.text.splitlines() if line.startswith("delivery_records_handled_total{")]
    assert [line.rsplit(" ", 1)[1] for line in handled if f'topic="{grants}"' in line] == ["1.0"], "the one grant"
    assert 'applications_by_status{status="under_examination"} 1\n' in metrics.text
    assert 'not_eligible_reasons_total{code="R-A"} 2\n' in metrics.text
    assert metrics.text.index("delivery_records_handled_total") < metrics.text.index("applications_by_status")

    latest = await reporting.database["figure_rollups"].find_one({}, sort=[("number", -1)])
    assert latest is not None
    assert counters(latest) == EXPECTED, "what /figures shows is the latest generation of counters"
    # A new consumer group re-reads every topic from the start: a replay. Nothing may count twice.
    await reporting.send(*DUPLICATES)
    async with running(reporting.service(f"{reporting.name}-replay")) as http:
        replayed = await settled(http)
    assert counters(replayed) == EXPECTED
    assert sum(replayed["consumer_lag"].values()) == 0
