from datetime import date

import pytest

from services.notification.domain.dates import coe_valid_until


@pytest.mark.parametrize(
    ("issued_on", "valid_until"),
    [
        (date(2026, 1, 15), date(2026, 4, 15)),
        (date(2026, 11, 30), date(2027, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),
        (date(2026, 8, 31), date(2026, 11, 30)),
        (date(2026, 10, 31), date(2027, 1, 31)),
        (date(2026, 12, 31), date(2027, 3, 31)),
        (date(2027, 2, 28), date(2027, 5, 28)),
    ],
)
def test_a_coe_is_valid_until_the_same_day_three_months_on_or_that_months_last_day(
    issued_on: date, valid_until: date
) -> None:
    assert coe_valid_until(issued_on) == valid_until
