"""Calendar arithmetic only eligibility's rules need, total over every `date` (no overflow at the edges).

Days in Japan and month steps are the contracts' calendar (`contracts.calendar`).
"""

from datetime import date, timedelta


def age_on(born: date, on: date) -> int:
    """Whole years of age on `on`, counting the way Japanese law does.

    By the Act on Calculation of Age (年齢計算ニ関スル法律) with Civil Code art. 143 a
    person gains a year at the end of the day before their birthday, so on the birthday
    itself they are the new age. Someone born on 29 February gains it at the end of
    28 February in a common year, i.e. they are the new age from 1 March. Comparing
    (month, day) pairs gives exactly that: (2, 28) < (2, 29) <= (3, 1).
    """
    before_birthday = (on.month, on.day) < (born.month, born.day)
    return on.year - born.year - int(before_birthday)


def days_before(day: date, days: int) -> date:
    """`day` minus `days`, stopping at the first representable date."""
    if days >= (day - date.min).days:
        return date.min
    return day - timedelta(days=days)
