"""Eligibility's pure domain: may an application be filed online, and if not, why not.

No I/O, no clock, no broker or database: the service passes in the application, the
organisation facts it looked up, the rule book (or the rule set in force) and the filing date.
"""

from contracts.organisations import OrganisationKind
from services.eligibility.domain.approvals import ApprovalRecord, OrganisationFacts, apply_change
from services.eligibility.domain.assess import Assessment, assess, decide
from services.eligibility.domain.filing import facts_for, filing_date
from services.eligibility.domain.reasons import ReasonCode
from services.eligibility.domain.ruleset import (
    NO_RULES_VERSION,
    NoRulesInForce,
    RuleBook,
    RuleSet,
)

__all__ = [
    "NO_RULES_VERSION",
    "ApprovalRecord",
    "Assessment",
    "NoRulesInForce",
    "OrganisationFacts",
    "OrganisationKind",
    "ReasonCode",
    "RuleBook",
    "RuleSet",
    "apply_change",
    "assess",
    "decide",
    "facts_for",
    "filing_date",
]
