"""Bureau events that come before their approval's grant, on the real servers: parked by the chassis, applied after it.

The early events are produced before the service starts, so each topic's come in one batch
(in offset order) and wait together: their order within a topic is then fixed, which is what
the test checks of order besides the grant coming first.
"""

import re
from collections.abc import Awaitable, Callable
from datetime import date

import httpx

from tests.integration.kafka_helpers import eventually
from tests.integration.reporting.reporting_events import granted, report, staff_added, staff_left
from tests.integration.reporting.reporting_harness import Reporting
from tests.running import running

DAY = date(2026, 1, 5)


def parked(reporting: Reporting, count: int) -> Callable[[], Awaitable[bool]]:
    """A check: the chassis holds `count` parked records in the service's database."""

    async def check() -> bool:
        return await reporting.database["parked_records"].count_documents({}) == count

    return check


def released(http: httpx.AsyncClient, count: int) -> Callable[[], Awaitable[bool]]:
    """A check: the chassis counts `count` parked records handled at last, on /metrics."""

    async def check() -> bool:
        text = (await http.get("/metrics")).text
        found = re.findall(r"^delivery_records_released_total\{[^}]*\} (\S+)$", text, re.M)
        return sum(float(value) for value in found) == count

    return check


async def test_staff_and_report_events_before_their_grant_are_applied_after_it_in_order_and_none_is_dead_lettered(
    reporting: Reporting,
) -> None:
    await reporting.send(
        staff_added("early", "s2"), staff_added("early", "s3"), staff_left("early", "s1"), report("early", DAY, DAY)
    )
    async with running(reporting.service()) as http:
        await eventually(parked(reporting, 4))
        await reporting.send(granted("early", DAY))
        changes = await reporting.wait_for_changes(5)
        await eventually(parked(reporting, 0))
        await eventually(released(http, 4))
        assert "delivery_records_dead_lettered_total{" not in (await http.get("/metrics")).text

    assert [(c.data.change.value, c.data.revision) for c in changes[:1]] == [("granted", 1)]
    assert sorted(c.data.revision for c in changes) == [1, 2, 3, 4, 5]
    assert sorted(c.data.change.value for c in changes[1:]) == [
        "renewed",
        "staff_added",
        "staff_added",
        "staff_removed",
    ]
    last = max(changes, key=lambda c: c.data.revision).data
    assert [m.staff_id for m in last.staff] == ["early-s2", "early-s3"], "one topic's events in their order"
    assert last.removed_staff_ids == ("early-s1",)
    assert last.valid_until == date(2032, 1, 5), "renewed from 2029-01-05 by the early report"
    assert await reporting.dead_letters() == []
