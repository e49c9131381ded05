"""Valid, eligible baseline applications per filer category, so each test changes one thing.

Baseline: an extension of stay filed on FILING_DATE (2025-06-02), inside the window
(a one-year stay expiring 2025-07-15 opens on 2025-04-15), with every required document.
"""

from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from contracts.application import (
    Applicant,
    Application,
    ApplicationForm,
    Attachment,
    Filer,
    FilerCategory,
    Procedure,
    Relationship,
    StatusOfResidence,
)
from contracts.organisations import ApprovalState
from services.eligibility.adapters.rule_files import load_ruleset
from services.eligibility.domain import (
    ApprovalRecord,
    Assessment,
    OrganisationFacts,
    OrganisationKind,
    RuleBook,
    RuleSet,
    assess,
)
from services.eligibility.domain.approvals import StaffStanding

FILING_DATE = date(2025, 6, 2)
ACME = "org-acme"  # the receiving organisation
PIC = "org-pic"  # a public-interest corporation
RSO = "org-rso"  # a registered support organisation
ADULT_BORN = date(1990, 5, 10)
CHILD_BORN = date(2015, 1, 20)
STAFF_ID = {
    FilerCategory.ORGANISATION_STAFF: "acme-staff-1",
    FilerCategory.PUBLIC_INTEREST_CORPORATION: "pic-staff-1",
    FilerCategory.REGISTERED_SUPPORT_ORGANISATION: "rso-staff-1",
}
OWN_ORGANISATION = {
    FilerCategory.ORGANISATION_STAFF: ACME,
    FilerCategory.PUBLIC_INTEREST_CORPORATION: PIC,
    FilerCategory.REGISTERED_SUPPORT_ORGANISATION: RSO,
}


@cache
def rule_book() -> RuleBook:
    return load_ruleset()


def rules_on(day: date = FILING_DATE) -> RuleSet:
    return rule_book().in_force_on(day)


def status(code: str, subtype: str | None = None) -> StatusOfResidence:
    return StatusOfResidence(code=code, subtype=subtype)


def attachment(document_type: str) -> Attachment:
    return Attachment(document_type=document_type, file_name=f"{document_type}.pdf", size_bytes=1024, sha256="0" * 64)


def attachments_for(category: FilerCategory, *procedures: Procedure, on: date = FILING_DATE) -> tuple[Attachment, ...]:
    """Exactly the documents the rules in force on `on` require."""
    rules = rules_on(on)
    needed = set(rules.filer_documents.get(category, ()))
    for procedure in procedures:
        needed.update(rules.documents[procedure])
    return tuple(attachment(code) for code in sorted(needed))


def filer(category: FilerCategory, **changes: Any) -> Filer:
    """A filer of the category with what the category needs to file online, and any `changes`."""
    fields: dict[str, Any] = {"filer_id": "filer-1", "name": "Filer", "email": "filer@example.jp"}
    if category in STAFF_ID:
        fields |= {"filer_id": STAFF_ID[category], "organisation_id": OWN_ORGANISATION[category]}
    if category in (FilerCategory.PUBLIC_INTEREST_CORPORATION, FilerCategory.REGISTERED_SUPPORT_ORGANISATION):
        fields["acting_for_organisation_id"] = ACME
    if category is FilerCategory.LAWYER_OR_SCRIVENER:
        fields["intermediary_id"] = "tokyo-gyosei-2021-0042"
    if category is FilerCategory.FOREIGN_NATIONAL:
        fields["my_number_card_verified_at"] = datetime(2025, 5, 1, 1, 0, tzinfo=UTC)
    if category is FilerCategory.LEGAL_REPRESENTATIVE:
        fields["relationship"] = Relationship.PARENT_WITH_CUSTODY
    if category is FilerCategory.RELATIVE:
        fields["relationship"] = Relationship.PARENT
    return Filer(category=category, **(fields | changes))


def applicant(category: FilerCategory, **changes: Any) -> Applicant:
    """An applicant in Japan whose one-year stay expires on 2025-07-15, a child for a parent's filing."""
    child = category in (FilerCategory.LEGAL_REPRESENTATIVE, FilerCategory.RELATIVE)
    fields: dict[str, Any] = {
        "name": "Applicant",
        "nationality": "VNM",
        "date_of_birth": CHILD_BORN if child else ADULT_BORN,
        "in_japan": True,
        "current_status": status("dependent" if child else "engineer_humanities_international"),
        "period_of_stay_days": 365,
        "stay_expires_on": date(2025, 7, 15),
    }
    return Applicant(**(fields | changes))


def baseline(category: FilerCategory) -> Application:
    """An extension of stay this category may file online on FILING_DATE."""
    receiving = ACME if category in STAFF_ID else None
    return Application(
        submission_id=f"sub-{category.value}",
        filer=filer(category),
        applicant=applicant(category),
        form=ApplicationForm(
            procedure=Procedure.EXTENSION_OF_STAY,
            receiving_organisation_id=receiving,
            attachments=attachments_for(category, Procedure.EXTENSION_OF_STAY),
        ),
        submitted_at=datetime(2025, 6, 2, 1, 30, tzinfo=UTC),
    )


def approval(category: FilerCategory = FilerCategory.ORGANISATION_STAFF, **changes: Any) -> ApprovalRecord:
    """An active approval of the category's organisation listing its staff member as intermediary."""
    fields: dict[str, Any] = {
        "approval_id": f"approval-{category.value}",
        "organisation_id": OWN_ORGANISATION[category],
        "category": category,
        "employer_organisation_id": ACME if category is FilerCategory.REGISTERED_SUPPORT_ORGANISATION else None,
        "state": ApprovalState.ACTIVE,
        "valid_from": date(2025, 1, 10),
        "valid_until": date(2026, 1, 9),
        "staff": {STAFF_ID[category]: StaffStanding(intermediary=True, intermediary_valid_until=date(2027, 3, 31))},
        "revision": 3,
    }
    return ApprovalRecord(**(fields | changes))


def baseline_facts(category: FilerCategory) -> OrganisationFacts:
    if category not in STAFF_ID:
        return OrganisationFacts()
    return OrganisationFacts(approvals=(approval(category),), organisation_kind=OrganisationKind.OTHER)


def changed(application: Application, **parts: dict[str, Any]) -> Application:
    """The application with fields of its `filer`, `applicant` or `form` replaced, validated anew."""
    data = application.model_dump()
    for name, fields in parts.items():
        data[name] |= fields
    return Application.model_validate(data)


def assess_on(application: Application, facts: OrganisationFacts | None = None, on: date = FILING_DATE) -> Assessment:
    if facts is None:
        facts = baseline_facts(application.filer.category)
    return assess(application, facts, rules_on(on), on)


def codes(assessment: Assessment) -> list[str]:
    return [reason.code for reason in assessment.reasons]
