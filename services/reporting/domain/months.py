"""Calendar-month arithmetic, clamped to the end of the month.

The bureau counts approvals in months and years ("2 months before expiry"), so a date
that does not exist in the target month falls back to that month's last day:
2026-03-31 minus 2 months is 2026-01-31, 2026-04-30 minus 2 months is 2026-02-28.
"""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (negative goes back), clamped to the month's end."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))
