"""Each check is a pure function of a Case, usable on its own (purity: tests/unit/test_domain_purity.py)."""

from datetime import date

import pytest

from contracts.application import FilerCategory, StatusOfResidence
from services.eligibility.domain.assess import CHECKS
from services.eligibility.domain.case import Case
from services.eligibility.domain.checks.procedures import limited_condition_met
from services.eligibility.domain.checks.timing import extension_window_open, window_opens_on
from services.eligibility.domain.reasons import ReasonCode

from .factories import FILING_DATE, baseline, baseline_facts, changed, rules_on, status


def case_of(category: FilerCategory, on: date = FILING_DATE) -> Case:
    application = baseline(category)
    return Case.of(application, baseline_facts(category), rules_on(on), on)


@pytest.mark.parametrize("category", list(FilerCategory))
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_no_check_finds_fault_with_a_baseline_application(check: object, category: FilerCategory) -> None:
    assert list(check(case_of(category))) == []  # type: ignore[operator]


def test_a_check_can_be_run_alone_and_returns_findings_not_words() -> None:
    application = changed(baseline(FilerCategory.LAWYER_OR_SCRIVENER), applicant={"stay_expires_on": date(2025, 9, 3)})
    case = Case.of(application, baseline_facts(FilerCategory.LAWYER_OR_SCRIVENER), rules_on(), FILING_DATE)
    (found,) = extension_window_open(case)
    assert found.code is ReasonCode.EXTENSION_WINDOW_NOT_OPEN
    assert dict(found.params) == {"opens_on": "2025-06-03"}


@pytest.mark.parametrize(
    ("period_days", "expires", "opens"),
    [
        (365, date(2025, 7, 15), date(2025, 4, 15)),
        (180, date(2025, 5, 31), date(2025, 2, 28)),
        (179, date(2025, 7, 15), date(2025, 4, 17)),
        (90, date(2025, 7, 15), date(2025, 5, 31)),
        (1, date(2025, 7, 15), date(2025, 7, 15)),
    ],
)
def test_the_extension_window_opens_three_months_ahead_or_halfway_through_a_short_stay(
    period_days: int, expires: date, opens: date
) -> None:
    assert window_opens_on(rules_on().extension_window, expires, period_days) == opens


def test_the_limited_condition_holds_for_illness_whatever_the_age() -> None:
    application = changed(
        baseline(FilerCategory.RELATIVE),
        applicant={"date_of_birth": date(1950, 1, 1), "unable_through_illness": True},
    )
    case = Case.of(application, baseline_facts(FilerCategory.RELATIVE), rules_on(), FILING_DATE)
    assert limited_condition_met(case)


@pytest.mark.parametrize(
    ("held", "admitted"),
    [
        (status("designated_activities", "departure_preparation"), False),
        (status("designated_activities"), True),
        (status("technical_intern_training", "supervised"), True),
        (status("technical_intern_training"), False),
        (status("permanent_resident"), False),
    ],
)
def test_the_scope_table_decides_status_and_subtype(held: StatusOfResidence, admitted: bool) -> None:
    assert rules_on().status_scope.current.admits(held) is admitted
