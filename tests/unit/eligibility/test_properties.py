"""Properties over arbitrary well-formed applications: assess is total and deterministic."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.application import Application
from services.eligibility.domain import OrganisationFacts, ReasonCode, RuleSet, assess
from services.eligibility.domain.ruleset import Location

from .strategies import applications, dates, facts, rule_sets

KNOWN_CODES = {code.value for code in ReasonCode}
EXAMPLES = settings(max_examples=200, deadline=None)


@EXAMPLES
@given(applications, facts, rule_sets, dates)
def test_assess_never_raises_and_explains_every_refusal(
    application: Application, organisation: OrganisationFacts, rules: RuleSet, filing_date: date
) -> None:
    assessment = assess(application, organisation, rules, filing_date)
    assert assessment.eligible is (not assessment.reasons)
    assert assessment.ruleset_version == rules.version
    assert assessment.rules_date == filing_date
    for reason in assessment.reasons:
        assert reason.code in KNOWN_CODES
        assert reason.message_ja
        assert reason.message_en
    assert len({(r.code, r.message_en) for r in assessment.reasons}) == len(assessment.reasons)


@EXAMPLES
@given(applications, facts, rule_sets, dates)
def test_assess_is_deterministic(
    application: Application, organisation: OrganisationFacts, rules: RuleSet, filing_date: date
) -> None:
    first = assess(application, organisation, rules, filing_date)
    again = assess(Application.model_validate_json(application.model_dump_json()), organisation, rules, filing_date)
    assert first == again


@EXAMPLES
@given(applications, facts, rule_sets, dates)
def test_filing_from_abroad_is_never_eligible(
    application: Application, organisation: OrganisationFacts, rules: RuleSet, filing_date: date
) -> None:
    abroad = application.model_copy(update={"filer": application.filer.model_copy(update={"filing_from_abroad": True})})
    assert "filing_from_abroad" in [r.code for r in assess(abroad, organisation, rules, filing_date).reasons]


@EXAMPLES
@given(applications, facts, rule_sets, st.data())
def test_a_stay_at_or_past_expiry_is_never_eligible(
    application: Application, organisation: OrganisationFacts, rules: RuleSet, data: st.DataObject
) -> None:
    expires = application.applicant.stay_expires_on
    if expires is None or rules.applicant_location[application.form.procedure] is not Location.IN_JAPAN:
        return
    filing_date = data.draw(st.dates(min_value=expires))
    assert not assess(application, organisation, rules, filing_date).eligible
