"""The rule tables, as pydantic models of what the YAML files hold.

Every model forbids unknown keys, so a misspelt table name in a rule file is an error
rather than a silently ignored rule. Sets are frozensets so lookups stay O(1) in assess.
"""

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from contracts.application import (
    STATUS_OF_RESIDENCE_CODES,
    FilerCategory,
    Identifier,
    Procedure,
    Relationship,
    StatusOfResidence,
)
from contracts.organisations import OrganisationKind


class Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Permission(StrEnum):
    """One cell of the filer × procedure matrix. Not yes/no: YAML 1.1 reads those as booleans."""

    ALLOWED = "allowed"
    LIMITED = "limited"
    REFUSED = "refused"


class Location(StrEnum):
    """Where the applicant must be for a procedure."""

    ABROAD = "abroad"
    IN_JAPAN = "in_japan"


class StatusNeed(StrEnum):
    REQUIRED = "required"  # must be given, and in scope
    OPTIONAL = "optional"  # checked for scope when given
    IGNORED = "ignored"  # irrelevant to this procedure


def known_status_code(code: str) -> str:
    # Rule files name statuses the contracts know, so a typo cannot quietly put one out of scope.
    if code not in STATUS_OF_RESIDENCE_CODES:
        raise ValueError(f"unknown status of residence code {code!r}")
    return code


StatusCode = Annotated[str, AfterValidator(known_status_code)]


class StatusNeeds(Table):
    current: StatusNeed
    requested: StatusNeed


class SubtypeRule(Table):
    allowed: frozenset[Identifier] | None = None
    """If set, the subtype must be one of these (so it must be given)."""
    excluded: frozenset[Identifier] = frozenset()


class StatusScope(Table):
    in_scope: frozenset[StatusCode]
    subtypes: dict[StatusCode, SubtypeRule] = {}

    def admits(self, status: StatusOfResidence) -> bool:
        if status.code not in self.in_scope:
            return False
        rule = self.subtypes.get(status.code)
        if rule is None:
            return True
        if status.subtype in rule.excluded:
            return False
        return rule.allowed is None or status.subtype in rule.allowed


class StatusScopes(Table):
    current: StatusScope
    requested: StatusScope


class StatusCondition(Table):
    """Conditions a status (or status/subtype) puts on who files (assumed detail)."""

    organisation_kinds: dict[FilerCategory, frozenset[OrganisationKind]] = {}
    """Filers of these categories must belong to an organisation of one of these kinds."""
    employer_approval_for: frozenset[FilerCategory] = frozenset()
    """Filers of these categories need an approval naming the receiving organisation."""


class FilerRules(Table):
    minimum_age: dict[FilerCategory, Annotated[int, Field(ge=0)]]
    relationships: dict[FilerCategory, frozenset[Relationship]]
    my_number_card_required_for: frozenset[FilerCategory]
    intermediary_id_required_for: frozenset[FilerCategory]
    approval_required_for: frozenset[FilerCategory]
    intermediary_standing_required_for: frozenset[FilerCategory]
    undated_intermediary_standing_accepted: bool
    acting_for_required_for: frozenset[FilerCategory]
    own_organisation_receives: frozenset[FilerCategory]


class LimitedFiling(Table):
    """When a 'limited' cell of the matrix lets a filer file."""

    applicant_under_age: Annotated[int, Field(ge=0)]
    unable_through_illness: bool


class MidToLongTerm(Table):
    applies_to: frozenset[FilerCategory]
    excluded_statuses: frozenset[StatusCode]
    period_longer_than_days: Annotated[int, Field(ge=0)]


class ExtensionWindow(Table):
    procedures: frozenset[Procedure]
    long_period_min_days: Annotated[int, Field(gt=0)]
    long_opens_months_before: Annotated[int, Field(ge=0, le=120)]
    short_opens_before_expiry_fraction: Annotated[float, Field(gt=0, le=1)]
