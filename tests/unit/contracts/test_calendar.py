"""The calendar every service reads the contracts' dates in: exact at month ends and at the calendar's ends."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.calendar import JST, add_months, end_of_months_after, japan_date, japan_midnight, last_day_of_month


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        pytest.param(datetime(2026, 5, 11, 14, 59, 59, 999999, tzinfo=UTC), date(2026, 5, 11), id="last-instant"),
        pytest.param(datetime(2026, 5, 11, 15, 30, tzinfo=UTC), date(2026, 5, 12), id="late-evening-UTC"),
        pytest.param(datetime(2026, 5, 11, 23, 0, tzinfo=timezone(timedelta(hours=-5))), date(2026, 5, 12), id="EST"),
        pytest.param(datetime(2026, 5, 12, 0, 0, tzinfo=JST), date(2026, 5, 12), id="JST"),
    ],
)
def test_the_day_in_japan_of_a_moment_in_any_zone(moment: datetime, day: date) -> None:
    assert japan_date(moment) == day


def test_a_naive_moment_is_read_as_utc() -> None:
    assert japan_date(datetime(2026, 5, 11, 15, 30)) == date(2026, 5, 12)


def test_a_day_starts_at_midnight_in_japan() -> None:
    assert japan_midnight(date(2026, 5, 1)) == datetime(2026, 4, 30, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 29), 3, date(2028, 2, 29)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 12, 31), 3, date(2027, 3, 31)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 1, 5), 36, date(2029, 1, 5)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
        (date(2025, 7, 15), -3, date(2025, 4, 15)),
        (date(2025, 5, 31), -3, date(2025, 2, 28)),
        (date(2024, 5, 31), -3, date(2024, 2, 29)),
        (date(2025, 2, 15), -3, date(2024, 11, 15)),
        (date(2026, 3, 31), -2, date(2026, 1, 31)),
        (date(2026, 4, 30), -2, date(2026, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
    ],
)
def test_a_month_step_keeps_the_day_number_or_falls_back_to_the_months_last_day(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_a_month_step_beyond_the_calendar_stops_at_its_ends() -> None:
    assert add_months(date(1, 2, 1), -3) == date.min
    assert add_months(date(9999, 11, 30), 3) == date.max
    assert end_of_months_after(date(9999, 12, 31), 2) == date.max
    assert end_of_months_after(date(1, 1, 31), -1) == date.min


@given(st.dates(), st.integers(min_value=-1200, max_value=1200))
def test_a_month_step_never_raises_and_lands_on_the_day_or_the_months_end(day: date, months: int) -> None:
    moved = add_months(day, months)
    assert moved in (date.min, date.max) or moved.day == day.day or moved == last_day_of_month(moved.year, moved.month)


@pytest.mark.parametrize(
    ("day", "ends_on"),
    [
        (date(2026, 3, 15), date(2026, 5, 15)),
        (date(2026, 6, 30), date(2026, 8, 31)),
        (date(2026, 12, 30), date(2027, 2, 28)),
        (date(2026, 12, 31), date(2027, 2, 28)),
        (date(2027, 12, 31), date(2028, 2, 29)),
        (date(2026, 2, 28), date(2026, 4, 30)),
        (date(2026, 11, 15), date(2027, 1, 15)),
    ],
)
def test_two_months_after_a_day_end_as_the_civil_code_counts(day: date, ends_on: date) -> None:
    assert end_of_months_after(day, 2) == ends_on


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 12, 31)))
def test_two_months_after_a_day_follow_the_civil_code_count(day: date) -> None:
    start = day + timedelta(days=1)  # the first day is not counted
    year, month = divmod(start.year * 12 + start.month - 1 + 2, 12)
    last = last_day_of_month(year, month + 1)
    # It ends the day before the day with the start's number, or on the month's last day if none.
    expected = last if start.day > last.day else last.replace(day=start.day) - timedelta(days=1)

    assert end_of_months_after(day, 2) == expected
