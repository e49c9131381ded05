"""What is filed, by whom, and how the result is received."""

from collections.abc import Iterator

from services.eligibility.domain.case import Case
from services.eligibility.domain.dates import age_on
from services.eligibility.domain.labels import procedure_label
from services.eligibility.domain.reasons import Finding, ReasonCode, finding
from services.eligibility.domain.ruleset import Permission


def main_procedure_stands_alone(case: Case) -> Iterator[Finding]:
    """Re-entry and extra-activity permission are never filed online on their own."""
    procedure = case.form.procedure
    if procedure not in case.rules.main_procedures:
        yield finding(ReasonCode.PROCEDURE_ONLY_ACCOMPANYING, procedure=procedure_label(case.rules, procedure))


def accompanying_fits_main(case: Case) -> Iterator[Finding]:
    """Each accompanying procedure must be one that may join this main procedure."""
    main = case.form.procedure
    for procedure in case.procedures[1:]:
        if main not in case.rules.accompanying.get(procedure, frozenset()):
            yield finding(
                ReasonCode.ACCOMPANYING_NOT_ALLOWED,
                procedure=procedure_label(case.rules, procedure),
                main=procedure_label(case.rules, main),
            )


def filer_may_file(case: Case) -> Iterator[Finding]:
    """The filer × procedure matrix, for the main and every accompanying procedure."""
    row = case.rules.procedure_matrix[case.filer.category]
    limited = False
    for procedure in case.procedures:
        permission = row[procedure]
        if permission is Permission.REFUSED:
            yield finding(ReasonCode.PROCEDURE_NOT_ALLOWED_FOR_FILER, procedure=procedure_label(case.rules, procedure))
        elif permission is Permission.LIMITED:
            limited = True
    if limited and not limited_condition_met(case):
        age = case.rules.limited_filing.applicant_under_age
        yield finding(ReasonCode.LIMITED_FILER_CONDITION_NOT_MET, age=str(age))


def limited_condition_met(case: Case) -> bool:
    """A 'limited' filer (a relative) may file for a young child or a person unable through illness."""
    limits = case.rules.limited_filing
    if limits.unable_through_illness and case.applicant.unable_through_illness:
        return True
    return age_on(case.applicant.date_of_birth, case.filing_date) < limits.applicant_under_age


def receipt_method_offered(case: Case) -> Iterator[Finding]:
    """The chosen receipt method must be offered, on this filing date, for every procedure filed."""
    method = case.form.receipt_method
    for procedure in case.procedures:
        if method not in case.rules.receipt_methods[procedure]:
            yield finding(
                ReasonCode.RECEIPT_METHOD_NOT_AVAILABLE,
                method=case.rules.messages.receipt_methods[method],
                procedure=procedure_label(case.rules, procedure),
            )
