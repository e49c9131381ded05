"""A filing date no rule set covers is an outcome: not eligible online, with the reason in both languages."""

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.application import Application, FilerCategory
from services.eligibility.adapters.rule_files import load_ruleset
from services.eligibility.domain import OrganisationFacts, decide

from .factories import FILING_DATE, baseline, rule_book, rules_on
from .strategies import applications
from .test_rule_files import edit, rules_copy

INDIVIDUAL = baseline(FilerCategory.FOREIGN_NATIONAL)


def test_a_filing_before_the_first_rule_set_is_not_eligible_for_no_rules_in_force() -> None:
    assessment = decide(rule_book(), INDIVIDUAL, OrganisationFacts(), date(2022, 3, 13))

    assert not assessment.eligible
    [reason] = assessment.reasons
    assert reason.code == "no_rules_in_force"
    assert reason.message_ja == (
        "2022-03-13に適用されるオンライン申請の規則がないため、オンラインでは受け付けられません。"
        "地方出入国在留管理官署の窓口で申請してください。"
    )
    assert reason.message_en == (
        "No rules for online filing apply to an application filed on 2022-03-13, so it cannot be accepted online. "
        "Please file at a regional immigration bureau counter."
    )
    assert (assessment.ruleset_version, assessment.rules_date) == ("none", date(2022, 3, 13))


def test_a_filing_in_a_gap_between_rule_sets_takes_its_words_from_the_set_that_ended(tmp_path: Path) -> None:
    rules = rules_copy(tmp_path)
    ending = "effective_from: 2022-03-14\neffective_until: 2022-12-31\n"
    edit(rules / "2022-03-14.yaml", "effective_from: 2022-03-14\n", ending + _WORDS.format("ended"))
    edit(
        rules / "2023-03-17.yaml",
        "effective_from: 2023-03-17\n",
        "effective_from: 2023-03-17\n" + _WORDS.format("next"),
    )
    book = load_ruleset(rules)

    assessment = decide(book, INDIVIDUAL, OrganisationFacts(), date(2023, 1, 1))

    assert [(r.code, r.message_en) for r in assessment.reasons] == [("no_rules_in_force", "ended 2023-01-01")]


_WORDS = "messages:\n  reasons:\n    no_rules_in_force: {{ja: '{0} {{filed_on}}', en: '{0} {{filed_on}}'}}\n"


def test_a_covered_filing_date_is_assessed_by_the_rules_in_force() -> None:
    assessment = decide(rule_book(), INDIVIDUAL, OrganisationFacts(), FILING_DATE)

    assert assessment.eligible, assessment.reasons
    assert assessment.ruleset_version == rules_on(FILING_DATE).version


@settings(max_examples=100, deadline=None)
@given(applications, st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_every_filing_date_gets_a_decision(application: Application, filing_date: date) -> None:
    assessment = decide(rule_book(), application, OrganisationFacts(), filing_date)

    assert assessment.rules_date == filing_date
    assert assessment.eligible is (not assessment.reasons)
