"""Time travel on the real servers: approvals on both sides of 2026-01-05, day by day.

Each change must come out on its exact day: the scheduler runs a whole tick on the day
before (the clock waits for its heartbeat), so a change emitted a day early would carry that
day in `occurred_at`.
"""

from datetime import date

from contracts.organisations import ApprovalState
from tests.integration.reporting.reporting_events import granted, report
from tests.integration.reporting.reporting_harness import Reporting, noon, summary
from tests.running import running


async def test_approvals_granted_either_side_of_2026_01_05_remind_warn_and_lapse_on_their_exact_days(
    reporting: Reporting,
) -> None:
    async with running(reporting.service()):
        await reporting.send(granted("one-year", date(2026, 1, 4)), granted("three-years", date(2026, 1, 5)))
        grants = await reporting.wait_for_changes(2)
        assert {c.data.approval_id: c.data.valid_until for c in grants} == {
            "one-year": date(2027, 1, 4),
            "three-years": date(2029, 1, 5),
        }
        for day in (
            (2026, 11, 3), (2026, 11, 4), (2026, 12, 3), (2026, 12, 4), (2027, 1, 3), (2027, 1, 4),
            (2028, 11, 4), (2028, 11, 5), (2028, 12, 4), (2028, 12, 5), (2029, 1, 4), (2029, 1, 5),
        ):  # fmt: skip
            await reporting.at(date(*day))
        changes = summary(await reporting.changes())

    assert changes[2:] == [
        ("one-year", "reminder_due", 2, date(2026, 11, 4)),
        ("one-year", "deadline_near", 3, date(2026, 12, 4)),
        ("one-year", "lapsed", 4, date(2027, 1, 4)),
        ("three-years", "reminder_due", 2, date(2028, 11, 5)),
        ("three-years", "deadline_near", 3, date(2028, 12, 5)),
        ("three-years", "lapsed", 4, date(2029, 1, 5)),
    ]
    versions = [d async for d in reporting.database["approval_versions"].find().sort("version", 1)]
    heads = {d["approval_id"]: d for d in versions}
    assert {k: (d["version"], d["state"], d["next_due"], d["sent"]) for k, d in heads.items()} == {
        "one-year": (4, ApprovalState.LAPSED, None, True),
        "three-years": (4, ApprovalState.LAPSED, None, True),
    }
    assert all(d["next_due"] is None and d["sent"] for d in versions), "older versions are retired"


async def test_reports_filed_in_time_renew_for_one_year_before_2026_01_05_and_three_years_from_it(
    reporting: Reporting,
) -> None:
    reporting.clock.set(noon(date(2025, 3, 1)))
    async with running(reporting.service()):
        # old-rule: valid until 2026-03-10; new-rule: valid until 2026-06-02 (reminder 04-02, deadline 05-02).
        await reporting.send(granted("old-rule", date(2025, 3, 10)), granted("new-rule", date(2025, 6, 2)))
        await reporting.wait_for_changes(2)
        await reporting.at(date(2025, 12, 20))
        await reporting.send(report("old-rule", date(2025, 12, 20), date(2025, 12, 22)))
        await reporting.wait_for_changes(3)
        await reporting.at(date(2026, 5, 20))
        # Filed after the deadline but before the expiry date: still in time; accepted under the 3-year rule.
        await reporting.send(report("new-rule", date(2026, 5, 20), date(2026, 5, 25)))
        await reporting.wait_for_changes(6)
        for day in ((2026, 6, 2), (2027, 1, 9), (2027, 1, 10), (2029, 4, 1), (2029, 4, 2)):
            await reporting.at(date(*day))
        changes = await reporting.changes()

    renewals = {c.data.approval_id: c.data.valid_until for c in changes if c.data.change == "renewed"}
    assert renewals == {"old-rule": date(2027, 3, 10), "new-rule": date(2029, 6, 2)}
    assert summary(changes)[2:] == [
        ("old-rule", "renewed", 2, date(2025, 12, 20)),
        ("new-rule", "reminder_due", 2, date(2026, 5, 20)),
        ("new-rule", "deadline_near", 3, date(2026, 5, 20)),
        ("new-rule", "renewed", 4, date(2026, 5, 20)),
        # No lapse of new-rule on 2026-06-02: the renewal moved its schedule to the new period.
        ("old-rule", "reminder_due", 3, date(2027, 1, 10)),
        ("old-rule", "deadline_near", 4, date(2029, 4, 1)),
        ("old-rule", "lapsed", 5, date(2029, 4, 1)),
        ("new-rule", "reminder_due", 5, date(2029, 4, 2)),
    ]
