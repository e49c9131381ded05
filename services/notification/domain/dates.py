"""The dates notification works out itself, so they must be exact at month ends.

Days in Japan and month steps are the contracts' calendar (`contracts.calendar`).
Only COE validity is notification's own rule: "3 months from issue" (§3), the same
day number three months on, or that month's last day when it is shorter. Where the
readings could differ this gives the earlier date, the safe side for the holder.
The special period is intake's finding and arrives on the acceptance event.
"""

from datetime import date

from contracts.calendar import add_months

COE_VALIDITY_MONTHS = 3


def coe_valid_until(issued_on: date) -> date:
    """A Certificate of Eligibility is valid for 3 months from issue (§3)."""
    return add_months(issued_on, COE_VALIDITY_MONTHS)
