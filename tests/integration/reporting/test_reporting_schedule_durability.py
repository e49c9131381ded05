"""The schedule lives in the database: it catches up after downtime, and two instances share it."""

import collections
from datetime import date

from tests.integration.reporting.reporting_events import granted
from tests.integration.reporting.reporting_harness import Reporting, noon, summary
from tests.running import running


async def test_after_downtime_the_missed_reminder_deadline_and_lapse_come_out_once_each_in_order(
    reporting: Reporting,
) -> None:
    async with running(reporting.service()):
        await reporting.send(granted("slept-through", date(2026, 1, 5)))
        await reporting.wait_for_changes(1)

    # Down while every date passes (reminder 2028-11-05, deadline 2028-12-05, expiry 2029-01-05).
    reporting.clock.set(noon(date(2029, 3, 1)))
    async with running(reporting.service()):
        await reporting.at(date(2029, 3, 1))  # the first tick runs at start
        await reporting.at(date(2029, 3, 2))  # and a later one finds nothing more
        changes = await reporting.changes()

    assert summary(changes) == [
        ("slept-through", "granted", 1, date(2026, 1, 5)),
        ("slept-through", "reminder_due", 2, date(2029, 3, 1)),
        ("slept-through", "deadline_near", 3, date(2029, 3, 1)),
        ("slept-through", "lapsed", 4, date(2029, 3, 1)),
    ]


async def test_two_instances_on_one_database_never_emit_the_same_reminder_twice(reporting: Reporting) -> None:
    """Both schedulers race for the same approvals. The instances are named apart, so each also
    consumes every bureau event itself: the grants are raced for as well (and a shared consumer
    group would only add a slow rebalance of twelve groups to the test)."""
    approvals = [f"shared-{n:02d}" for n in range(20)]
    async with running(reporting.service(f"{reporting.name}-a")), running(reporting.service(f"{reporting.name}-b")):
        await reporting.send(*(granted(approval_id, date(2026, 1, 5)) for approval_id in approvals))
        await reporting.wait_for_changes(len(approvals))
        await reporting.at(date(2028, 11, 5), instances=2)
        await reporting.at(date(2029, 1, 5), instances=2)
        await reporting.at(date(2029, 1, 6), instances=2)
        changes = await reporting.changes()

    emitted = collections.Counter((c.data.approval_id, c.data.change.value) for c in changes)
    assert emitted == {
        (approval_id, change): 1
        for approval_id in approvals
        for change in ("granted", "reminder_due", "deadline_near", "lapsed")
    }
    assert len({c.id for c in changes}) == len(changes)
    runs = await reporting.database["scheduler_runs"].count_documents({"today": "2029-01-06"})
    assert runs == 2, "both instances' schedulers were running"
