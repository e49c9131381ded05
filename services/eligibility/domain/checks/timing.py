"""Filing dates against the applicant's period of stay (domain §3)."""

from collections.abc import Iterator
from datetime import date

from contracts.calendar import add_months
from services.eligibility.domain.case import Case
from services.eligibility.domain.dates import days_before
from services.eligibility.domain.reasons import Finding, ReasonCode, finding
from services.eligibility.domain.ruleset import Location
from services.eligibility.domain.ruleset.tables import ExtensionWindow


def filed_before_expiry(case: Case) -> Iterator[Finding]:
    """Online filing closes at the end of the day before the stay expires; the expiry day needs the counter."""
    if case.rules.applicant_location[case.form.procedure] is not Location.IN_JAPAN:
        return
    expires = case.applicant.stay_expires_on
    if expires is None:
        return
    if case.filing_date == expires:
        yield finding(ReasonCode.STAY_EXPIRES_TODAY)
    elif case.filing_date > expires:
        yield finding(ReasonCode.STAY_EXPIRED, expired_on=expires.isoformat())


def extension_window_open(case: Case) -> Iterator[Finding]:
    """An extension may be filed only once its window has opened (it closes with the expiry rule)."""
    window = case.rules.extension_window
    if case.form.procedure not in window.procedures:
        return
    expires = case.applicant.stay_expires_on
    period = case.applicant.period_of_stay_days
    if expires is None or period is None:
        yield finding(ReasonCode.STAY_DETAILS_MISSING)
        return
    opens = window_opens_on(window, expires, period)
    if case.filing_date < opens:
        yield finding(ReasonCode.EXTENSION_WINDOW_NOT_OPEN, opens_on=opens.isoformat())


def window_opens_on(window: ExtensionWindow, expires: date, period_days: int) -> date:
    """First filing day: N calendar months before expiry for long stays, else once a share has passed."""
    if period_days >= window.long_period_min_days:
        return add_months(expires, -window.long_opens_months_before)
    return days_before(expires, int(period_days * window.short_opens_before_expiry_fraction))
