"""The decision: may this application be filed online? Every failing rule, with its reason.

`assess` runs every check in `CHECKS` (a fixed order, so the reasons come out in a
stable order), folds duplicate findings and puts them into words from the rule set's
catalogue. It never raises for a well-formed Application and reads no clock: the
filing date is given. `decide` picks the rule set in force on the filing date; on a
date none covers, nothing allows online filing, so the answer is not eligible
(`no_rules_in_force`), worded by the nearest rule set: every filing gets a decision.
"""

from datetime import date

from pydantic import BaseModel, ConfigDict

from contracts.application import Application
from contracts.eligibility import Reason
from services.eligibility.domain.approvals import OrganisationFacts
from services.eligibility.domain.case import Case
from services.eligibility.domain.checks import Check
from services.eligibility.domain.checks.approval import approval_in_force
from services.eligibility.domain.checks.documents import required_documents_attached
from services.eligibility.domain.checks.location import applicant_where_procedure_needs, filed_from_japan
from services.eligibility.domain.checks.organisations import (
    acting_for_receiving_organisation,
    organisation_kind_allowed,
    own_organisation_receives,
)
from services.eligibility.domain.checks.people import (
    intermediary_id_given,
    mid_to_long_term_resident,
    my_number_card_verified,
    old_enough,
    relationship_allowed,
)
from services.eligibility.domain.checks.procedures import (
    accompanying_fits_main,
    filer_may_file,
    main_procedure_stands_alone,
    receipt_method_offered,
)
from services.eligibility.domain.checks.statuses import current_status_in_scope, requested_status_in_scope
from services.eligibility.domain.checks.timing import extension_window_open, filed_before_expiry
from services.eligibility.domain.reasons import ReasonCode, finding
from services.eligibility.domain.ruleset import NO_RULES_VERSION, NoRulesInForce, RuleBook, RuleSet

CHECKS: tuple[Check, ...] = (
    # who files
    filed_from_japan,
    filer_may_file,
    relationship_allowed,
    old_enough,
    mid_to_long_term_resident,
    my_number_card_verified,
    intermediary_id_given,
    approval_in_force,
    acting_for_receiving_organisation,
    own_organisation_receives,
    organisation_kind_allowed,
    # what is filed
    main_procedure_stands_alone,
    accompanying_fits_main,
    applicant_where_procedure_needs,
    current_status_in_scope,
    requested_status_in_scope,
    # when
    filed_before_expiry,
    extension_window_open,
    # how
    receipt_method_offered,
    required_documents_attached,
)


class Assessment(BaseModel):
    model_config = ConfigDict(frozen=True)

    eligible: bool
    reasons: tuple[Reason, ...]
    ruleset_version: str
    rules_date: date
    """The filing date whose rules were applied."""


def assess(application: Application, facts: OrganisationFacts, rules: RuleSet, filing_date: date) -> Assessment:
    case = Case.of(application, facts, rules, filing_date)
    findings = [found for check in CHECKS for found in check(case)]
    render = rules.messages.render
    reasons = tuple(render(found) for found in dict.fromkeys(findings))  # fold duplicates, keep order
    return Assessment(eligible=not reasons, reasons=reasons, ruleset_version=rules.version, rules_date=filing_date)


def decide(book: RuleBook, application: Application, facts: OrganisationFacts, filing_date: date) -> Assessment:
    """`assess` by the rules in force on the filing date; not eligible when no rule set covers it."""
    try:
        rules = book.in_force_on(filing_date)
    except NoRulesInForce:
        words = book.nearest(filing_date).messages
        reason = words.render(finding(ReasonCode.NO_RULES_IN_FORCE, filed_on=filing_date.isoformat()))
        return Assessment(eligible=False, reasons=(reason,), ruleset_version=NO_RULES_VERSION, rules_date=filing_date)
    return assess(application, facts, rules, filing_date)
