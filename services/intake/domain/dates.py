"""Calendar arithmetic in Japan time, used for filing dates and the special period.

Japan has kept one fixed offset (UTC+9) with no daylight saving since 1951, so a
fixed `timezone` is exact and the domain needs no tz database.
"""

import calendar
from datetime import UTC, date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


def as_aware(moment: datetime) -> datetime:
    """A naive moment is read as UTC, so that moments from any producer compare without raising."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def jst_date(moment: datetime) -> date:
    """The calendar date in Japan of a moment."""
    return as_aware(moment).astimezone(JST).date()


def jst_midnight(day: date) -> datetime:
    """The start of a Japanese calendar day: the moment given to facts that carry only a date."""
    return datetime(day.year, day.month, day.day, tzinfo=JST)


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def end_of_months_after(day: date, months: int) -> date:
    """The last day of a period of `months` months that starts after `day` (Civil Code arts. 140, 143).

    The first day is not counted, so the period starts the day after `day` and ends
    the day before the day with the same number `months` months later; when that
    month has no such day, it ends on the month's last day. In effect: the same day
    number `months` months on, clamped to the month's end, except that a `day` which
    is the last of its month ends on the last day of the target month
    (2026-06-30 → 2026-08-31, 2026-12-31 → 2027-02-28, 2026-03-15 → 2026-05-15).
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    target_last = last_day_of_month(year, month + 1)
    if day == last_day_of_month(day.year, day.month):
        return target_last
    return target_last if day.day >= target_last.day else target_last.replace(day=day.day)
