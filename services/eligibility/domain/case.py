"""One application under assessment, with the data every check reads."""

from dataclasses import dataclass
from datetime import date

from contracts.application import Applicant, Application, ApplicationForm, Filer, Procedure, StatusOfResidence
from services.eligibility.domain.approvals import OrganisationFacts
from services.eligibility.domain.ruleset import RuleSet, StatusNeed


@dataclass(frozen=True, slots=True)
class Case:
    application: Application
    facts: OrganisationFacts
    rules: RuleSet
    filing_date: date
    procedures: tuple[Procedure, ...]
    """The main procedure, then each distinct accompanying one."""

    @classmethod
    def of(cls, application: Application, facts: OrganisationFacts, rules: RuleSet, filing_date: date) -> "Case":
        form = application.form
        procedures = tuple(dict.fromkeys((form.procedure, *form.accompanying)))
        return cls(application, facts, rules, filing_date, procedures)

    @property
    def filer(self) -> Filer:
        return self.application.filer

    @property
    def applicant(self) -> Applicant:
        return self.application.applicant

    @property
    def form(self) -> ApplicationForm:
        return self.application.form

    def subject_status(self) -> StatusOfResidence | None:
        """The status the case is about: the one asked for, else the one held (an extension)."""
        needs = self.rules.status_needs[self.form.procedure]
        requested = self.form.requested_status
        if requested is not None and needs.requested is not StatusNeed.IGNORED:
            return requested
        return self.applicant.current_status
