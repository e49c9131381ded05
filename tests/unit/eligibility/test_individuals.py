"""The foreign national filing for themselves (category 5): age, residence and My Number card."""

from datetime import date, timedelta

import pytest

from contracts.application import FilerCategory

from .factories import assess_on, baseline, changed, codes, status

SELF = FilerCategory.FOREIGN_NATIONAL


@pytest.mark.parametrize(
    ("born", "filed_on", "eligible"),
    [
        pytest.param(date(2010, 6, 2), date(2025, 6, 1), False, id="day-before-15th-birthday"),
        pytest.param(date(2010, 6, 2), date(2025, 6, 2), True, id="on-15th-birthday"),
        pytest.param(date(2008, 2, 29), date(2023, 2, 28), False, id="leap-day-birth-on-28-february"),
        pytest.param(date(2008, 2, 29), date(2023, 3, 1), True, id="leap-day-birth-on-1-march"),
    ],
)
def test_individual_may_file_for_themselves_from_their_15th_birthday(
    born: date, filed_on: date, eligible: bool
) -> None:
    application = changed(
        baseline(SELF), applicant={"date_of_birth": born, "stay_expires_on": filed_on + timedelta(days=30)}
    )
    assessment = assess_on(application, on=filed_on)
    assert ("under_minimum_age" not in codes(assessment)) is eligible
    assert assessment.eligible is eligible


def test_individual_without_a_verified_my_number_card_may_not_file() -> None:
    application = changed(baseline(SELF), filer={"my_number_card_verified_at": None})
    assert codes(assess_on(application)) == ["my_number_card_not_verified"]


@pytest.mark.parametrize("code", ["diplomat", "official", "temporary_visitor"])
def test_individual_who_is_not_a_mid_to_long_term_resident_may_not_file(code: str) -> None:
    application = changed(baseline(SELF), applicant={"current_status": status(code)})
    assert "not_mid_to_long_term_resident" in codes(assess_on(application))


@pytest.mark.parametrize(
    ("period_days", "eligible"),
    [pytest.param(90, False, id="exactly-3-months"), pytest.param(91, True, id="over-3-months")],
)
def test_individual_needs_a_period_of_stay_longer_than_3_months(period_days: int, eligible: bool) -> None:
    # A short stay's extension window opens halfway: expiry within 45 days of filing keeps it open.
    application = changed(
        baseline(SELF), applicant={"period_of_stay_days": period_days, "stay_expires_on": date(2025, 6, 30)}
    )
    assessment = assess_on(application)
    assert ("not_mid_to_long_term_resident" not in codes(assessment)) is eligible
    assert assessment.eligible is eligible


@pytest.mark.parametrize("missing", ["current_status", "period_of_stay_days"])
def test_individual_whose_residence_is_not_shown_is_not_taken_as_mid_to_long_term(missing: str) -> None:
    application = changed(baseline(SELF), applicant={missing: None})
    assert "not_mid_to_long_term_resident" in codes(assess_on(application))


def test_the_age_limit_does_not_apply_to_a_child_filed_for_by_a_lawyer() -> None:
    application = changed(baseline(FilerCategory.LAWYER_OR_SCRIVENER), applicant={"date_of_birth": date(2015, 1, 20)})
    assert assess_on(application).eligible
