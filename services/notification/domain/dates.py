"""Calendar arithmetic the notices state to people, so it must be exact at month ends."""

import calendar
from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")
"""Japan keeps no daylight saving time, so a fixed offset is exact and needs no tz database."""

COE_VALIDITY_MONTHS = 3
SPECIAL_PERIOD_MONTHS = 2


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day if it is shorter.

    2026-11-30 + 3 months is 2027-02-28 (February has no 30th); 2027-01-31 + 1 is
    2027-02-28; 2028-11-30 + 3 is 2029-02-28, and 2027-11-29 + 3 is 2028-02-29.
    When in doubt this gives the earlier date, which is the safe side for a deadline.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def coe_valid_until(issued_on: date) -> date:
    """A Certificate of Eligibility is valid for 3 months from issue (§3): issue + 3 months."""
    return add_months(issued_on, COE_VALIDITY_MONTHS)


def special_period_ends_on(stay_expires_on: date) -> date:
    """The last day of the special period (特例期間): two months after the stay expires (§3).

    The resident may stay until the decision or the end of this day, whichever is first.
    """
    return add_months(stay_expires_on, SPECIAL_PERIOD_MONTHS)


def japan_date(moment: datetime) -> date:
    """The calendar day in Japan of `moment`; a naive moment is taken to be Japan time already."""
    return moment.date() if moment.tzinfo is None else moment.astimezone(JST).date()
