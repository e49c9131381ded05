"""Required attachments per procedure, by document_type code."""

import pytest

from contracts.application import FilerCategory, Procedure

from .factories import assess_on, attachment, attachments_for, baseline, changed, codes, rules_on

LAWYER = FilerCategory.LAWYER_OR_SCRIVENER


@pytest.mark.parametrize("document_type", sorted(rules_on().documents[Procedure.EXTENSION_OF_STAY]))
def test_each_required_document_must_be_attached(document_type: str) -> None:
    application = baseline(LAWYER)
    kept = tuple(a for a in application.form.attachments if a.document_type != document_type)
    assessment = assess_on(changed(application, form={"attachments": kept}))
    assert codes(assessment) == ["documents_missing"]
    assert document_type in assessment.reasons[0].message_en


def test_an_accompanying_procedure_brings_its_own_checklist() -> None:
    application = changed(baseline(LAWYER), form={"accompanying": (Procedure.REENTRY_PERMIT,)})
    assessment = assess_on(application)
    assert codes(assessment) == ["documents_missing"]
    assert "reentry_permit_form" in assessment.reasons[0].message_en


def test_extra_documents_do_no_harm() -> None:
    attachments = (*attachments_for(LAWYER, Procedure.EXTENSION_OF_STAY), attachment("tax_certificate"))
    assert assess_on(changed(baseline(LAWYER), form={"attachments": attachments})).eligible


def test_all_missing_documents_are_named_in_one_reason() -> None:
    assessment = assess_on(changed(baseline(LAWYER), form={"attachments": ()}))
    assert codes(assessment) == ["documents_missing"]
    assert "application_form, activity_evidence" not in assessment.reasons[0].message_en  # sorted order
    assert "activity_evidence, application_form" in assessment.reasons[0].message_en
