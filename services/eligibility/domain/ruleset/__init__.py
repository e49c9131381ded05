"""Eligibility's rules as data: versioned tables, handed in already read, validated and selected by filing date."""

from services.eligibility.domain.ruleset.book import rule_book
from services.eligibility.domain.ruleset.catalogue import Catalogue
from services.eligibility.domain.ruleset.ruleset import NO_RULES_VERSION, NoRulesInForce, RuleBook, RuleSet
from services.eligibility.domain.ruleset.sources import RuleSourceError, Source
from services.eligibility.domain.ruleset.tables import Location, Permission, StatusNeed

__all__ = [
    "NO_RULES_VERSION",
    "Catalogue",
    "Location",
    "NoRulesInForce",
    "Permission",
    "RuleBook",
    "RuleSet",
    "RuleSourceError",
    "Source",
    "StatusNeed",
    "rule_book",
]
