"""One application under assessment, with the data every check reads."""

from datetime import date
from typing import NamedTuple

from contracts.application import Applicant, Application, ApplicationForm, Filer, Procedure, StatusOfResidence
from services.eligibility.domain.approvals import OrganisationFacts
from services.eligibility.domain.ruleset import RuleSet, StatusNeed


class Case(NamedTuple):
    """Immutable; a NamedTuple rather than a frozen dataclass because it is built once per
    assessment and a frozen dataclass's __init__ is several times slower."""

    application: Application
    facts: OrganisationFacts
    rules: RuleSet
    filing_date: date
    # Unpacked once: checks read these tens of times per assessment.
    filer: Filer
    applicant: Applicant
    form: ApplicationForm
    procedures: tuple[Procedure, ...]
    """The main procedure, then each distinct accompanying one (in the order given)."""

    @classmethod
    def of(cls, application: Application, facts: OrganisationFacts, rules: RuleSet, filing_date: date) -> "Case":
        form = application.form
        # The main procedure repeated as "accompanying" stays, so the accompanying rule sees it.
        procedures = (form.procedure, *dict.fromkeys(form.accompanying)) if form.accompanying else (form.procedure,)
        return cls(application, facts, rules, filing_date, application.filer, application.applicant, form, procedures)

    def subject_status(self) -> StatusOfResidence | None:
        """The status the case is about: the one asked for, else the one held (an extension)."""
        requested = self.form.requested_status
        if requested is not None and self.rules.status_needs[self.form.procedure].requested is not StatusNeed.IGNORED:
            return requested
        return self.applicant.current_status
