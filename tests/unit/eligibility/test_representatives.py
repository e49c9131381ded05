"""Legal representatives (6), relatives (7) and lawyers or scriveners (2)."""

from datetime import date

import pytest

from contracts.application import FilerCategory, Procedure, Relationship

from .factories import assess_on, attachments_for, baseline, changed, codes

RELATIVE = FilerCategory.RELATIVE
LEGAL_REPRESENTATIVE = FilerCategory.LEGAL_REPRESENTATIVE


@pytest.mark.parametrize("relationship", [Relationship.PARENT_WITH_CUSTODY, Relationship.GUARDIAN])
def test_parent_with_custody_or_guardian_may_file_as_legal_representative(relationship: Relationship) -> None:
    application = changed(baseline(LEGAL_REPRESENTATIVE), filer={"relationship": relationship})
    assert assess_on(application).eligible


@pytest.mark.parametrize("relationship", [None, Relationship.SPOUSE, Relationship.PARENT, Relationship.CHILD])
def test_anyone_else_may_not_file_as_legal_representative(relationship: Relationship | None) -> None:
    application = changed(baseline(LEGAL_REPRESENTATIVE), filer={"relationship": relationship})
    assert codes(assess_on(application)) == ["relationship_not_allowed"]


@pytest.mark.parametrize("relationship", [Relationship.SPOUSE, Relationship.CHILD, Relationship.PARENT])
def test_spouse_child_or_parent_may_file_as_relative(relationship: Relationship) -> None:
    application = changed(baseline(RELATIVE), filer={"relationship": relationship})
    assert assess_on(application).eligible


@pytest.mark.parametrize("relationship", [None, Relationship.GUARDIAN, Relationship.PARENT_WITH_CUSTODY])
def test_a_legal_representative_or_stranger_may_not_file_as_relative(relationship: Relationship | None) -> None:
    application = changed(baseline(RELATIVE), filer={"relationship": relationship})
    assert codes(assess_on(application)) == ["relationship_not_allowed"]


def test_relative_may_not_file_for_an_adult_in_good_health() -> None:
    application = changed(baseline(RELATIVE), applicant={"date_of_birth": date(1990, 5, 10)})
    assert codes(assess_on(application)) == ["limited_filer_condition_not_met"]


def test_relative_may_file_for_an_adult_unable_to_apply_through_illness() -> None:
    application = changed(
        baseline(RELATIVE), applicant={"date_of_birth": date(1990, 5, 10), "unable_through_illness": True}
    )
    assert assess_on(application).eligible


@pytest.mark.parametrize(
    ("born", "eligible"),
    [
        pytest.param(date(2009, 6, 3), True, id="day-before-16th-birthday"),
        pytest.param(date(2009, 6, 2), False, id="on-16th-birthday"),
    ],
)
def test_relative_may_file_for_a_child_until_the_day_before_their_16th_birthday(born: date, eligible: bool) -> None:
    application = changed(baseline(RELATIVE), applicant={"date_of_birth": born})
    assert assess_on(application).eligible is eligible


@pytest.mark.parametrize(
    ("filed_on", "eligible"),
    [pytest.param(date(2024, 2, 28), True, id="28-february"), pytest.param(date(2024, 2, 29), False, id="29-february")],
)
def test_relative_of_a_leap_day_child_may_file_until_28_february_of_the_16th_year(
    filed_on: date, eligible: bool
) -> None:
    application = changed(
        baseline(RELATIVE),
        applicant={"date_of_birth": date(2008, 2, 29), "stay_expires_on": date(2024, 4, 30)},
        form={"attachments": attachments_for(RELATIVE, Procedure.EXTENSION_OF_STAY, on=filed_on)},
    )
    assert assess_on(application, on=filed_on).eligible is eligible


@pytest.mark.parametrize("procedure", [Procedure.EMPLOYMENT_CERTIFICATE])
def test_relative_may_never_file_some_procedures_even_for_a_young_child(procedure: Procedure) -> None:
    application = changed(
        baseline(RELATIVE),
        form={"procedure": procedure, "attachments": attachments_for(RELATIVE, procedure)},
    )
    assert codes(assess_on(application)) == ["procedure_not_allowed_for_filer"]


def test_relative_may_not_file_an_extra_activity_permission_even_alongside_an_extension() -> None:
    procedures = (Procedure.EXTENSION_OF_STAY, Procedure.EXTRA_ACTIVITY_PERMISSION)
    application = changed(
        baseline(RELATIVE),
        form={"accompanying": procedures[1:], "attachments": attachments_for(RELATIVE, *procedures)},
    )
    assert codes(assess_on(application)) == ["procedure_not_allowed_for_filer"]


def test_relative_may_add_a_reentry_permit_for_a_young_child() -> None:
    procedures = (Procedure.EXTENSION_OF_STAY, Procedure.REENTRY_PERMIT)
    application = changed(
        baseline(RELATIVE),
        form={"accompanying": procedures[1:], "attachments": attachments_for(RELATIVE, *procedures)},
    )
    assert assess_on(application).eligible


@pytest.mark.parametrize("intermediary_id", [None])
def test_lawyer_or_scrivener_without_an_intermediary_number_may_not_file(intermediary_id: str | None) -> None:
    application = changed(baseline(FilerCategory.LAWYER_OR_SCRIVENER), filer={"intermediary_id": intermediary_id})
    assert codes(assess_on(application)) == ["intermediary_id_missing"]
