"""The expiry date and the extension filing window (domain §3)."""

from datetime import date, timedelta

import pytest

from contracts.application import Application, FilerCategory
from services.eligibility.domain.dates import age_on, days_before

from .factories import FILING_DATE, assess_on, baseline, changed, codes

LAWYER = FilerCategory.LAWYER_OR_SCRIVENER
DAY = timedelta(days=1)


def stay(period_days: int, expires_on: date | None) -> Application:
    return changed(baseline(LAWYER), applicant={"period_of_stay_days": period_days, "stay_expires_on": expires_on})


@pytest.mark.parametrize("category", list(FilerCategory))
def test_no_online_filing_on_the_expiry_date_itself(category: FilerCategory) -> None:
    application = changed(baseline(category), applicant={"stay_expires_on": FILING_DATE})
    assert codes(assess_on(application)) == ["stay_expires_today"]


def test_online_filing_is_open_the_day_before_expiry() -> None:
    assert assess_on(stay(365, FILING_DATE + DAY)).eligible


def test_no_online_filing_after_expiry() -> None:
    assessment = assess_on(stay(365, FILING_DATE - DAY))
    assert codes(assessment) == ["stay_expired"]
    assert "2025-06-01" in assessment.reasons[0].message_en


@pytest.mark.parametrize(
    ("period_days", "expires_on", "eligible"),
    [
        pytest.param(365, date(2025, 9, 2), True, id="long-stay-first-day-of-window"),
        pytest.param(365, date(2025, 9, 3), False, id="long-stay-day-before-window"),
        pytest.param(180, date(2025, 9, 2), True, id="six-months-counts-as-long"),
        pytest.param(179, date(2025, 9, 2), False, id="just-under-six-months-opens-at-half"),
        pytest.param(120, date(2025, 8, 1), True, id="short-stay-first-day-of-window"),
        pytest.param(120, date(2025, 8, 2), False, id="short-stay-day-before-window"),
    ],
)
def test_extension_may_be_filed_only_once_its_window_has_opened(
    period_days: int, expires_on: date, eligible: bool
) -> None:
    assessment = assess_on(stay(period_days, expires_on))
    assert assessment.eligible is eligible
    assert eligible or codes(assessment) == ["extension_window_not_open"]


def test_the_refusal_says_when_the_window_opens() -> None:
    reason = assess_on(stay(365, date(2025, 9, 3))).reasons[0]
    assert "2025-06-03" in reason.message_ja
    assert "2025-06-03" in reason.message_en


def test_an_extension_without_the_stay_details_cannot_be_placed_in_its_window() -> None:
    assert codes(assess_on(stay(365, None))) == ["stay_details_missing"]


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2010, 6, 2), date(2025, 6, 1), 14),
        (date(2010, 6, 2), date(2025, 6, 2), 15),
        (date(2008, 2, 29), date(2023, 2, 28), 14),
        (date(2008, 2, 29), date(2023, 3, 1), 15),
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
        (date(2020, 1, 1), date(2019, 1, 1), -1),
    ],
)
def test_age_rises_on_the_birthday_and_on_1_march_for_a_leap_day_birth(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


def test_days_before_stops_at_the_first_representable_date() -> None:
    assert days_before(date(1, 1, 5), 10) == date.min
    assert days_before(date(2025, 1, 5), 10) == date(2024, 12, 26)
