"""Which filing times intake believes: a little ahead of its clock at most, and not older than the limit."""

from datetime import UTC, datetime, timedelta

import pytest

from contracts.calendar import JST
from services.intake.domain.filing_window import FilingTimeProblem, FilingWindow

from .wiring import settings

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
WINDOW = FilingWindow(max_ahead=timedelta(minutes=5), max_age=timedelta(days=30))


@pytest.mark.parametrize(
    "submitted_at",
    [
        pytest.param(NOW, id="now"),
        pytest.param(NOW + timedelta(minutes=5), id="ahead-by-the-skew"),
        pytest.param(NOW - timedelta(days=30), id="as-old-as-allowed"),
        pytest.param(datetime(2026, 3, 2, 10, 4, tzinfo=JST), id="same-moment-in-japan-time"),
    ],
)
def test_a_filing_time_inside_the_window_is_taken(submitted_at: datetime) -> None:
    assert WINDOW.judge(submitted_at, NOW) is None


def test_a_filing_time_beyond_the_clock_skew_is_refused_as_in_the_future() -> None:
    refused = WINDOW.judge(NOW + timedelta(minutes=5, seconds=1), NOW)

    assert refused is not None
    assert refused.problem is FilingTimeProblem.IN_FUTURE
    assert refused.explanation == "submitted_at is more than 5 minutes ahead of intake's clock"


def test_a_filing_time_in_a_far_year_is_refused_as_in_the_future() -> None:
    refused = WINDOW.judge(datetime(9085, 1, 1, tzinfo=UTC), NOW)

    assert refused is not None
    assert refused.problem is FilingTimeProblem.IN_FUTURE


def test_a_filing_time_older_than_the_limit_is_refused_as_too_old() -> None:
    refused = WINDOW.judge(datetime(2000, 1, 1, tzinfo=UTC), NOW)

    assert refused is not None
    assert refused.problem is FilingTimeProblem.TOO_OLD
    assert refused.explanation == "submitted_at is more than 30 days before intake received it"
    assert "2000" not in refused.explanation  # the limit, never the time sent


def test_a_filing_time_without_an_offset_is_read_as_utc() -> None:
    ahead_in_utc = (NOW + timedelta(minutes=10)).replace(tzinfo=None)

    refused = WINDOW.judge(ahead_in_utc, NOW)

    assert refused is not None
    assert refused.problem is FilingTimeProblem.IN_FUTURE


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (timedelta(seconds=90), "90 seconds"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=36), "36 hours"),
        (timedelta(days=1), "1 day"),
    ],
)
def test_limits_are_put_in_the_largest_whole_unit(span: timedelta, words: str) -> None:
    refused = FilingWindow(max_ahead=span, max_age=span).judge(NOW + span + timedelta(seconds=1), NOW)

    assert refused is not None
    assert refused.explanation == f"submitted_at is more than {words} ahead of intake's clock"


def test_the_window_is_five_minutes_ahead_and_thirty_days_back_unless_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert settings().filing_window() == FilingWindow(max_ahead=timedelta(minutes=5), max_age=timedelta(days=30))
    monkeypatch.setenv("SUBMITTED_AT_MAX_AHEAD_SECONDS", "60")
    monkeypatch.setenv("SUBMITTED_AT_MAX_AGE_DAYS", "7")

    assert settings().filing_window() == FilingWindow(max_ahead=timedelta(minutes=1), max_age=timedelta(days=7))
