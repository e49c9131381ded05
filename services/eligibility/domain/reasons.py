"""The reasons eligibility can give, before they are put into words.

Codes are a stable vocabulary: notification and reporting key on them, so a code is
never renamed or reused. Their wording lives in `rules/messages.yaml`; the
placeholders each message may use are declared here so a bad template is caught
when the rules load, not when a filer is refused.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field


class ReasonCode(StrEnum):
    FILING_FROM_ABROAD = "filing_from_abroad"
    PROCEDURE_NOT_ALLOWED_FOR_FILER = "procedure_not_allowed_for_filer"
    LIMITED_FILER_CONDITION_NOT_MET = "limited_filer_condition_not_met"
    PROCEDURE_ONLY_ACCOMPANYING = "procedure_only_accompanying"
    ACCOMPANYING_NOT_ALLOWED = "accompanying_not_allowed"
    APPLICANT_MUST_BE_ABROAD = "applicant_must_be_abroad"
    APPLICANT_MUST_BE_IN_JAPAN = "applicant_must_be_in_japan"
    RECEIPT_METHOD_NOT_AVAILABLE = "receipt_method_not_available"
    CURRENT_STATUS_MISSING = "current_status_missing"
    REQUESTED_STATUS_MISSING = "requested_status_missing"
    CURRENT_STATUS_OUT_OF_SCOPE = "current_status_out_of_scope"
    REQUESTED_STATUS_OUT_OF_SCOPE = "requested_status_out_of_scope"
    STAY_EXPIRES_TODAY = "stay_expires_today"
    STAY_EXPIRED = "stay_expired"
    STAY_DETAILS_MISSING = "stay_details_missing"
    EXTENSION_WINDOW_NOT_OPEN = "extension_window_not_open"
    DOCUMENTS_MISSING = "documents_missing"
    ORGANISATION_MISSING = "organisation_missing"
    APPROVAL_MISSING = "approval_missing"
    EMPLOYER_APPROVAL_MISSING = "employer_approval_missing"
    APPROVAL_NOT_IN_FORCE = "approval_not_in_force"
    STAFF_NOT_LISTED = "staff_not_listed"
    STAFF_REMOVED = "staff_removed"
    INTERMEDIARY_STANDING_MISSING = "intermediary_standing_missing"
    INTERMEDIARY_STANDING_EXPIRED = "intermediary_standing_expired"
    INTERMEDIARY_ID_MISSING = "intermediary_id_missing"
    ACTING_FOR_MISMATCH = "acting_for_mismatch"
    ORGANISATION_NOT_RECEIVING = "organisation_not_receiving"
    ORGANISATION_KIND_NOT_ALLOWED = "organisation_kind_not_allowed"
    UNDER_MINIMUM_AGE = "under_minimum_age"
    NOT_MID_TO_LONG_TERM_RESIDENT = "not_mid_to_long_term_resident"
    MY_NUMBER_CARD_NOT_VERIFIED = "my_number_card_not_verified"
    RELATIONSHIP_NOT_ALLOWED = "relationship_not_allowed"
    NO_RULES_IN_FORCE = "no_rules_in_force"
    """No rule set covers the filing date: nothing says the application may be filed online then."""


PLACEHOLDERS: Mapping[ReasonCode, frozenset[str]] = {
    ReasonCode.PROCEDURE_NOT_ALLOWED_FOR_FILER: frozenset({"procedure"}),
    ReasonCode.LIMITED_FILER_CONDITION_NOT_MET: frozenset({"age"}),
    ReasonCode.PROCEDURE_ONLY_ACCOMPANYING: frozenset({"procedure"}),
    ReasonCode.ACCOMPANYING_NOT_ALLOWED: frozenset({"procedure", "main"}),
    ReasonCode.APPLICANT_MUST_BE_ABROAD: frozenset({"procedure"}),
    ReasonCode.APPLICANT_MUST_BE_IN_JAPAN: frozenset({"procedure"}),
    ReasonCode.RECEIPT_METHOD_NOT_AVAILABLE: frozenset({"method", "procedure"}),
    ReasonCode.CURRENT_STATUS_OUT_OF_SCOPE: frozenset({"status"}),
    ReasonCode.REQUESTED_STATUS_OUT_OF_SCOPE: frozenset({"status"}),
    ReasonCode.STAY_EXPIRED: frozenset({"expired_on"}),
    ReasonCode.EXTENSION_WINDOW_NOT_OPEN: frozenset({"opens_on"}),
    ReasonCode.DOCUMENTS_MISSING: frozenset({"documents"}),
    ReasonCode.INTERMEDIARY_STANDING_EXPIRED: frozenset({"valid_until"}),
    ReasonCode.ORGANISATION_KIND_NOT_ALLOWED: frozenset({"status", "kinds"}),
    ReasonCode.UNDER_MINIMUM_AGE: frozenset({"age"}),
    ReasonCode.NO_RULES_IN_FORCE: frozenset({"filed_on"}),
}
"""Placeholders each message may name; a code not listed takes none."""


class Bilingual(BaseModel):
    """A piece of text in both languages every notice is written in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)


Value = Bilingual | str
"""A placeholder's value: language-neutral (a date, a code) or bilingual (a label)."""


class Finding(NamedTuple):
    """A failing rule: its code and the values its message names. Hashable, so duplicates fold."""

    code: ReasonCode
    params: tuple[tuple[str, Value], ...] = ()


def finding(code: ReasonCode, **params: Value) -> Finding:
    return Finding(code, tuple(params.items()))
