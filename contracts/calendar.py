"""The calendar the contracts' dates are in: days in Japan, and months counted on them.

Every `date` on the wire is a day in Japan, and every service turns moments into
such days and steps them by months the same way, so the one implementation lives
here beside the models (domain rules built on it stay in their services).

Japan has kept one fixed offset (UTC+9) with no daylight saving since 1951, so a
fixed `timezone` is exact and no tz database is needed. A moment without an offset
is read as UTC, never as the machine's local time, which would make a day depend on
where the code runs.

Month steps are total: a step beyond the first or last representable year gives
`date.min` or `date.max` instead of raising.
"""

import calendar
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, timedelta, timezone
from typing import Final

JST: Final = timezone(timedelta(hours=9), "JST")


def as_aware(moment: datetime) -> datetime:
    """`moment` with an offset; a naive one is read as UTC, so moments from any producer compare."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def japan_date(moment: datetime) -> date:
    """The calendar day in Japan of `moment`: 15:00 UTC is already the next day."""
    return as_aware(moment).astimezone(JST).date()


def japan_midnight(day: date) -> datetime:
    """The start of a day in Japan: the moment given to facts that carry only a date."""
    return datetime(day.year, day.month, day.day, tzinfo=JST)


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day number `months` months on (back when negative), or that month's last day if shorter.

    2026-11-30 + 3 is 2027-02-28, 2027-11-29 + 3 is 2028-02-29, 2025-05-31 - 3 is 2025-02-28.
    """
    return _day_of_month(*_months_on(day, months), day.day)


def end_of_months_after(day: date, months: int) -> date:
    """The last day of a period of `months` months counted from the day after `day` (Civil Code arts. 140, 143).

    The first day is not counted, so the period starts the day after `day` and ends
    the day before the day with the same number `months` months later; when that
    month has no such day, it ends on the month's last day. In effect `add_months`,
    except that a `day` which ends its month gives the end of the target month:
    2026-06-30 → 2026-08-31, 2026-12-31 → 2027-02-28, 2026-03-15 → 2026-05-15.
    """
    ends_its_month = day == last_day_of_month(day.year, day.month)
    return _day_of_month(*_months_on(day, months), 31 if ends_its_month else day.day)


def _months_on(day: date, months: int) -> tuple[int, int]:
    year, index = divmod(day.year * 12 + day.month - 1 + months, 12)
    return year, index + 1


def _day_of_month(year: int, month: int, number: int) -> date:
    """Day `number` of the month, or its last day if shorter; the calendar's ends beyond its years."""
    if year < MINYEAR:
        return date.min
    if year > MAXYEAR:
        return date.max
    if number <= 28:  # every month has it; spares the month-length lookup
        return date(year, month, number)
    return date(year, month, min(number, calendar.monthrange(year, month)[1]))
