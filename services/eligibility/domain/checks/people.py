"""Conditions on filers who act as persons: individuals, legal representatives, relatives, lawyers."""

from collections.abc import Iterator

from services.eligibility.domain.case import Case
from services.eligibility.domain.dates import age_on
from services.eligibility.domain.reasons import Finding, ReasonCode, finding


def old_enough(case: Case) -> Iterator[Finding]:
    """An individual files for themselves from their 15th birthday (the applicant is the filer)."""
    minimum = case.rules.filers.minimum_age.get(case.filer.category)
    if minimum is not None and age_on(case.applicant.date_of_birth, case.filing_date) < minimum:
        yield finding(ReasonCode.UNDER_MINIMUM_AGE, age=str(minimum))


def mid_to_long_term_resident(case: Case) -> Iterator[Finding]:
    """Self-filing needs a status other than 外交/公用/短期滞在 with a stay longer than 3 months.

    Missing status or period counts as not shown, so as not met.
    """
    rule = case.rules.mid_to_long_term
    if case.filer.category not in rule.applies_to:
        return
    status = case.applicant.current_status
    period = case.applicant.period_of_stay_days
    if (
        status is None
        or status.code in rule.excluded_statuses
        or period is None
        or period <= rule.period_longer_than_days
    ):
        yield finding(ReasonCode.NOT_MID_TO_LONG_TERM_RESIDENT)


def my_number_card_verified(case: Case) -> Iterator[Finding]:
    """Only the fact of verification is known; the number itself never reaches us."""
    if (
        case.filer.category in case.rules.filers.my_number_card_required_for
        and case.filer.my_number_card_verified_at is None
    ):
        yield finding(ReasonCode.MY_NUMBER_CARD_NOT_VERIFIED)


def relationship_allowed(case: Case) -> Iterator[Finding]:
    """Legal representatives hold custody or guardianship; relatives are spouse, child or parent."""
    allowed = case.rules.filers.relationships.get(case.filer.category)
    if allowed is not None and case.filer.relationship not in allowed:
        yield finding(ReasonCode.RELATIONSHIP_NOT_ALLOWED)


def intermediary_id_given(case: Case) -> Iterator[Finding]:
    """Lawyers and scriveners file as notified intermediaries, identified by their number."""
    if case.filer.category in case.rules.filers.intermediary_id_required_for and not case.filer.intermediary_id:
        yield finding(ReasonCode.INTERMEDIARY_ID_MISSING)
