"""Every filer category has a baseline that passes, so each other test can break one thing."""

import pytest

from contracts.application import FilerCategory

from .factories import FILING_DATE, assess_on, baseline, changed


@pytest.mark.parametrize("category", list(FilerCategory))
def test_baseline_application_of_each_filer_category_is_eligible(category: FilerCategory) -> None:
    assessment = assess_on(baseline(category))
    assert assessment.reasons == ()
    assert assessment.eligible


def test_assessment_names_the_rule_set_and_filing_date_applied() -> None:
    assessment = assess_on(baseline(FilerCategory.FOREIGN_NATIONAL))
    assert assessment.ruleset_version == "2025-04-01"
    assert assessment.rules_date == FILING_DATE


def test_all_failing_reasons_are_collected_not_just_the_first() -> None:
    application = changed(
        baseline(FilerCategory.FOREIGN_NATIONAL),
        filer={"filing_from_abroad": True, "my_number_card_verified_at": None},
        form={"attachments": ()},
    )
    assessment = assess_on(application)
    assert not assessment.eligible
    assert [r.code for r in assessment.reasons] == [
        "filing_from_abroad",
        "my_number_card_not_verified",
        "documents_missing",
    ]
