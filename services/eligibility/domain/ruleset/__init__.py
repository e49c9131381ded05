"""Eligibility's rules as data: versioned YAML tables, validated and selected by filing date."""

from services.eligibility.domain.ruleset.catalogue import Catalogue
from services.eligibility.domain.ruleset.loader import DEFAULT_RULES_DIR, load_ruleset
from services.eligibility.domain.ruleset.ruleset import NO_RULES_VERSION, NoRulesInForce, RuleBook, RuleSet
from services.eligibility.domain.ruleset.sources import RuleFileError
from services.eligibility.domain.ruleset.tables import Location, Permission, StatusNeed

__all__ = [
    "DEFAULT_RULES_DIR",
    "NO_RULES_VERSION",
    "Catalogue",
    "Location",
    "NoRulesInForce",
    "Permission",
    "RuleBook",
    "RuleFileError",
    "RuleSet",
    "StatusNeed",
    "load_ruleset",
]
