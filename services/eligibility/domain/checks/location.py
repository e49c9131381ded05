"""Where the filer and the applicant are."""

from collections.abc import Iterator

from services.eligibility.domain.case import Case
from services.eligibility.domain.labels import procedure_label
from services.eligibility.domain.reasons import Finding, ReasonCode, finding
from services.eligibility.domain.ruleset import Location


def filed_from_japan(case: Case) -> Iterator[Finding]:
    """Access from abroad is refused (domain §1)."""
    if case.filer.filing_from_abroad:
        yield finding(ReasonCode.FILING_FROM_ABROAD)


def applicant_where_procedure_needs(case: Case) -> Iterator[Finding]:
    """A COE is for a person abroad; every other procedure for a person in Japan."""
    procedure = case.form.procedure
    needed = case.rules.applicant_location[procedure]
    in_japan = case.applicant.in_japan
    if needed is Location.ABROAD and in_japan:
        yield finding(ReasonCode.APPLICANT_MUST_BE_ABROAD, procedure=procedure_label(case.rules, procedure))
    elif needed is Location.IN_JAPAN and not in_japan:
        yield finding(ReasonCode.APPLICANT_MUST_BE_IN_JAPAN, procedure=procedure_label(case.rules, procedure))
