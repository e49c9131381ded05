"""The figures over time: hours in Japan, counts per hour, sampled lag and dead letters, and what is kept."""

from datetime import UTC, datetime

from chassis.clock import FixedClock
from contracts.reporting import CounterValue
from services.reporting.domain.history import (
    HourSample,
    hourly_figures,
    hours_ending,
    japan_hour,
    previous_hour,
    retained,
)
from services.reporting.handlers.history import History
from tests.unit.reporting.reporting_fakes import FakeHourlySamples, FakeLag, FakeLedger

NOW = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)  # 23:30 in Japan


def test_hours_are_japan_hours_that_sort_as_time_does() -> None:
    assert japan_hour(NOW) == "2026-01-05T23"
    assert japan_hour(datetime(2026, 1, 5, 15, 0)) == "2026-01-06T00"  # naive is UTC
    assert hours_ending(NOW, 3) == ["2026-01-05T21", "2026-01-05T22", "2026-01-05T23"]
    assert previous_hour("2026-01-06T00") == "2026-01-05T23"


def test_counts_per_hour_come_from_the_hourly_series_summed_over_other_labels() -> None:
    counters = [
        CounterValue(name="applications_received_hourly", labels={"hour": "2026-01-05T23"}, value=4),
        CounterValue(
            name="applications_decided_hourly", labels={"hour": "2026-01-05T23", "decision": "granted"}, value=2
        ),
        CounterValue(
            name="applications_decided_hourly", labels={"hour": "2026-01-05T23", "decision": "denied"}, value=1
        ),
        CounterValue(name="notices_failed_hourly", labels={"hour": "2026-01-05T22"}, value=3),
        CounterValue(name="applications_received_total", labels={"day": "2026-01-05"}, value=99),
    ]
    late, last = hourly_figures(["2026-01-05T22", "2026-01-05T23"], counters, {})
    assert (last.received, last.decided, last.notices_failed, last.dead_letters) == (4, 3, 0, None)
    assert (late.received, late.notices_failed) == (0, 3)


def test_dead_letters_of_an_hour_are_the_growth_of_the_total_since_the_hour_before() -> None:
    samples = {
        "2026-01-05T21": HourSample({}, dead_letters_first=10, dead_letters_last=12),
        "2026-01-05T22": HourSample({"notification": 441}, dead_letters_first=13, dead_letters_last=20),
        "2026-01-05T23": HourSample({}, dead_letters_first=25, dead_letters_last=25),
    }
    rows = hourly_figures(["2026-01-05T22", "2026-01-05T23"], [], samples)
    # 12 -> 20 (the letter between 21's last sample and 22's first counts in 22), then 20 -> 25.
    assert [r.dead_letters for r in rows] == [8, 5]
    assert rows[0].lag == {"notification": 441}
    first = hourly_figures(["2026-01-05T21"], [], {"2026-01-05T21": samples["2026-01-05T21"]})
    assert first[0].dead_letters == 2, "with no hour before, from the hour's first sample"


def test_hourly_series_older_than_a_week_are_dropped_and_nothing_else() -> None:
    assert retained("applications_received_hourly", {"hour": "2025-12-29T23"}, NOW)
    assert not retained("applications_received_hourly", {"hour": "2025-12-29T22"}, NOW)
    assert retained("applications_received_total", {"day": "2020-01-01"}, NOW)


async def test_samples_keep_the_highest_lag_of_the_hour_per_service() -> None:
    lag, samples = FakeLag(by_service={"notification": 296}, dead_letters=7), FakeHourlySamples()
    history = History(FakeLedger(), samples, lag, FixedClock(NOW))
    await history.sample()
    lag.by_service, lag.dead_letters = {"notification": 12, "intake": 3}, 9
    await history.sample()

    last = (await history.figures()).hours[-1]
    assert last.hour == "2026-01-05T23"
    assert last.lag == {"intake": 3, "notification": 296}
    assert last.dead_letters == 2
