"""A rule set (the tables in force for a span of filing dates) and the book of all of them."""

from datetime import date
from functools import cached_property
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from contracts.application import FilerCategory, Identifier, Procedure, ReceiptMethod, StatusOfResidence
from services.eligibility.domain.ruleset.catalogue import Catalogue
from services.eligibility.domain.ruleset.tables import (
    ExtensionWindow,
    FilerRules,
    LimitedFiling,
    Location,
    MidToLongTerm,
    Permission,
    StatusCondition,
    StatusNeeds,
    StatusScopes,
    Table,
    known_status_code,
)


def _per_procedure(table: dict[Procedure, Any]) -> dict[Procedure, Any]:
    missing = [p.value for p in Procedure if p not in table]
    if missing:
        raise ValueError(f"no entry for procedure(s) {', '.join(missing)}")
    return table


class RuleSet(Table):
    version: str
    effective_from: date
    effective_until: date | None = None
    """Last day in force (inclusive); None while no later rule set exists."""

    procedure_matrix: dict[FilerCategory, dict[Procedure, Permission]]
    limited_filing: LimitedFiling
    main_procedures: frozenset[Procedure]
    accompanying: dict[Procedure, frozenset[Procedure]]
    """An accompanying procedure -> the main procedures it may be filed with."""
    applicant_location: dict[Procedure, Location]
    status_needs: dict[Procedure, StatusNeeds]
    status_scope: StatusScopes
    status_conditions: dict[str, StatusCondition] = Field(default_factory=dict)
    """Keyed by status code, or "code/subtype" for one subtype."""
    filers: FilerRules
    mid_to_long_term: MidToLongTerm
    extension_window: ExtensionWindow
    receipt_methods: dict[Procedure, frozenset[ReceiptMethod]]
    documents: dict[Procedure, frozenset[Identifier]]
    """Required attachment document_type codes per procedure (assumed lists)."""
    filer_documents: dict[FilerCategory, frozenset[Identifier]] = Field(default_factory=dict)
    """Further attachments a filer category must add to any procedure."""
    messages: Catalogue

    @field_validator("procedure_matrix")
    @classmethod
    def _matrix_complete(
        cls, matrix: dict[FilerCategory, dict[Procedure, Permission]]
    ) -> dict[FilerCategory, dict[Procedure, Permission]]:
        for category in FilerCategory:
            if category not in matrix:
                raise ValueError(f"no row for filer category {category.value}")
            try:
                _per_procedure(matrix[category])
            except ValueError as error:
                raise ValueError(f"row {category.value}: {error}") from None
        return matrix

    @field_validator("applicant_location", "status_needs", "receipt_methods", "documents")
    @classmethod
    def _covers_every_procedure(cls, table: dict[Procedure, Any]) -> dict[Procedure, Any]:
        return _per_procedure(table)

    @field_validator("status_conditions")
    @classmethod
    def _condition_keys_known(cls, table: dict[str, StatusCondition]) -> dict[str, StatusCondition]:
        for key in table:
            known_status_code(key.partition("/")[0])
        return table

    @field_validator("effective_until")
    @classmethod
    def _ends_after_start(cls, until: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("effective_from")
        if until is not None and isinstance(start, date) and until < start:
            raise ValueError(f"is before effective_from {start.isoformat()}")
        return until

    # Derived from status_conditions on first use, so most cases skip the status-condition
    # checks with one set lookup. cached_property lands in the instance __dict__: plain
    # attribute speed (pydantic private attributes cost microseconds a read), and pydantic
    # equality still compares fields only. Never model_copy(update=) status_conditions.
    @cached_property
    def kind_restricted_categories(self) -> frozenset[FilerCategory]:
        """Filer categories some status restricts to certain kinds of organisation."""
        return frozenset(c for condition in self.status_conditions.values() for c in condition.organisation_kinds)

    @cached_property
    def employer_scoped_categories(self) -> frozenset[FilerCategory]:
        """Filer categories some status requires an employer-specific approval of."""
        return frozenset(c for condition in self.status_conditions.values() for c in condition.employer_approval_for)

    def conditions_for(self, status: StatusOfResidence) -> tuple[StatusCondition, ...]:
        """The conditions on a status as a whole, then on its subtype."""
        conditions = self.status_conditions
        if not conditions:
            return ()
        whole = conditions.get(status.code)
        part = conditions.get(f"{status.code}/{status.subtype}") if status.subtype is not None else None
        return tuple(c for c in (whole, part) if c is not None)


NO_RULES_VERSION = "none"
"""The `ruleset_version` of a decision no rule set covered; no rule file may take it."""


class NoRulesInForce(LookupError):
    """No rule set covers the filing date (before the first, or in a gap an explicit end left)."""


class RuleBook(Table):
    rule_sets: tuple[RuleSet, ...]
    """Ordered by effective_from, without overlaps (the loader sees to it)."""

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(rule_set.version for rule_set in self.rule_sets)

    def in_force_on(self, day: date) -> RuleSet:
        """The rule set in force on a filing date; later (future-dated) sets wait for their day."""
        for rule_set in reversed(self.rule_sets):
            if rule_set.effective_from <= day:
                if rule_set.effective_until is not None and day > rule_set.effective_until:
                    break
                return rule_set
        raise NoRulesInForce(f"no eligibility rule set is in force on {day.isoformat()}")

    def nearest(self, day: date) -> RuleSet:
        """The rule set whose words speak for a date: the last one that started by then, or else the first."""
        started = [rule_set for rule_set in self.rule_sets if rule_set.effective_from <= day]
        return started[-1] if started else self.rule_sets[0]
