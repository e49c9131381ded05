"""Calendar arithmetic the notices state to people, so it must be exact at month ends.

Two different month rules, because the two texts differ:
- COE validity, "3 months from issue" (§3): the same day number three months on,
  or that month's last day when it is shorter (`add_months`). Where the readings
  could differ this gives the earlier date, the safe side for the holder.
- The special period, "until the day two months after expiry" (入管法 20条6項): a
  period counted by the Civil Code (arts. 140, 143), as intake computes it for the
  proof of a pending application, so both services print the same day
  (`end_of_months_after`).
"""

import calendar
from datetime import UTC, date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")
"""Japan keeps no daylight saving time, so a fixed offset is exact and needs no tz database."""

COE_VALIDITY_MONTHS = 3
SPECIAL_PERIOD_MONTHS = 2


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day if it is shorter.

    2026-11-30 + 3 is 2027-02-28 (February has no 30th); 2027-11-29 + 3 is 2028-02-29.
    """
    index = day.month - 1 + months
    last = _last_day(day.year + index // 12, index % 12 + 1)
    return last.replace(day=min(day.day, last.day))


def end_of_months_after(day: date, months: int) -> date:
    """The last day of a period of `months` months counted from the day after `day` (Civil Code).

    As `add_months`, except that a `day` which ends its month gives the end of the
    target month: 2026-06-30 → 2026-08-31, 2026-02-28 → 2026-04-30, 2026-03-15 → 2026-05-15.
    """
    if day == _last_day(day.year, day.month):
        shifted = add_months(day.replace(day=1), months)
        return _last_day(shifted.year, shifted.month)
    return add_months(day, months)


def coe_valid_until(issued_on: date) -> date:
    """A Certificate of Eligibility is valid for 3 months from issue (§3)."""
    return add_months(issued_on, COE_VALIDITY_MONTHS)


def special_period_ends_on(stay_expires_on: date) -> date:
    """The last day of the special period (特例期間), two months after the stay expires (§3).

    The resident may stay until the decision or the end of this day, whichever is first.
    """
    return end_of_months_after(stay_expires_on, SPECIAL_PERIOD_MONTHS)


def japan_date(moment: datetime) -> date:
    """The calendar day in Japan of `moment`; a naive moment is read as UTC, as intake reads it."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(JST).date()
