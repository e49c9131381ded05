from datetime import date

import pytest

from services.reporting.domain.months import add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), -2, date(2026, 1, 31)),
        (date(2026, 4, 30), -2, date(2026, 2, 28)),
        (date(2028, 4, 30), -2, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 1, 5), 36, date(2029, 1, 5)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
    ],
)
def test_months_are_added_and_clamped_to_the_end_of_the_month(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
