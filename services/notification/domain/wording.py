"""How dates and amounts read in a notice: the filters its templates use."""

from datetime import date

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")  # fmt: skip


def _day(value: date | str) -> date:
    """A notice read back from JSON (a ledger, a retry) holds its dates as ISO strings."""
    # str() also makes a missing variable (StrictUndefined) raise here rather than slip through.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def ja_date(value: date | str) -> str:
    day = _day(value)
    return f"{day.year}年{day.month}月{day.day}日"


def en_date(value: date | str) -> str:
    """`30 November 2026`: day first and the month in words, so no reader mistakes the order."""
    day = _day(value)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def yen(amount: int) -> str:
    return f"{int(amount):,}"
