"""The special period (特例期間, domain rules §3): intake decides it, once, for every reader.

A resident who filed a change of status or an extension of stay by the expiry date,
with a period of stay longer than 30 days, may stay until the decision or until the
end of the day two months after expiry, whichever comes first. Intake states it on the
proof of a pending application and carries it on the acceptance event, whose notice is
that proof for online filers; notification prints what the event says.

"Filed in time" counts the expiry day itself (the law says by the expiry date);
online filing on that day is refused by eligibility, but a counter-channel record
may carry it. The two months are counted by the Civil Code (arts. 140, 143), see
`contracts.calendar.end_of_months_after`: expiry 2026-12-31 → 2027-02-28,
2026-06-30 → 2026-08-31.
"""

from typing import Final

from contracts.application import Procedure
from contracts.calendar import end_of_months_after
from contracts.intake import SpecialPeriod
from services.intake.domain.application import ApplicationState

SPECIAL_PERIOD_PROCEDURES: Final = frozenset({Procedure.CHANGE_OF_STATUS, Procedure.EXTENSION_OF_STAY})
SPECIAL_PERIOD_MONTHS: Final = 2
SHORTEST_STAY_WITH_SPECIAL_PERIOD_DAYS: Final = 31
"""A period of stay of 30 days or less has no special period."""


def special_period(app: ApplicationState) -> SpecialPeriod | None:
    """What can be said of the application's special period, or None where there is nothing to say.

    None for a procedure the special period is not for, and where the stay's length or
    expiry was not filed (it cannot be known then). Otherwise it applies, or does not
    because the stay is short or because the application was filed after expiry.
    """
    if app.procedure not in SPECIAL_PERIOD_PROCEDURES:
        return None
    days, expires = app.period_of_stay_days, app.stay_expires_on
    if days is not None and days < SHORTEST_STAY_WITH_SPECIAL_PERIOD_DAYS:
        return SpecialPeriod(applies=False, short_stay=True)
    if days is None or expires is None:
        return None
    if app.filed_on > expires:
        return SpecialPeriod(applies=False)
    return SpecialPeriod(applies=True, ends_on=end_of_months_after(expires, SPECIAL_PERIOD_MONTHS))
