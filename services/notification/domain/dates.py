"""Dates the notices state to people, so they must be exact at month ends.

Days in Japan and month steps are the contracts' calendar (`contracts.calendar`);
the rules here are notification's own:
- COE validity, "3 months from issue" (§3): the same day number three months on,
  or that month's last day when it is shorter. Where the readings could differ this
  gives the earlier date, the safe side for the holder.
- The special period, "until the day two months after expiry" (入管法 20条6項): a
  period counted by the Civil Code, as intake counts it for the proof of a pending
  application.
"""

from datetime import date

from contracts.calendar import add_months, end_of_months_after

COE_VALIDITY_MONTHS = 3
SPECIAL_PERIOD_MONTHS = 2


def coe_valid_until(issued_on: date) -> date:
    """A Certificate of Eligibility is valid for 3 months from issue (§3)."""
    return add_months(issued_on, COE_VALIDITY_MONTHS)


def special_period_ends_on(stay_expires_on: date) -> date:
    """The last day of the special period (特例期間), two months after the stay expires (§3).

    The resident may stay until the decision or the end of this day, whichever is first.
    """
    return end_of_months_after(stay_expires_on, SPECIAL_PERIOD_MONTHS)
