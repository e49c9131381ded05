"""Which statuses of residence, held or asked for, are handled online."""

import pytest

from contracts.application import Application, FilerCategory, Procedure, StatusOfResidence

from .factories import assess_on, attachments_for, baseline, changed, codes, rules_on, status

LAWYER = FilerCategory.LAWYER_OR_SCRIVENER
OUT_OF_SCOPE = [
    pytest.param(status("diplomat"), id="diplomat"),
    pytest.param(status("temporary_visitor"), id="temporary-visitor"),
    pytest.param(status("designated_activities", "departure_preparation"), id="departure-preparation"),
    pytest.param(status("permanent_resident"), id="permanent-resident"),
    pytest.param(status("technical_intern_training"), id="training-without-type"),
    pytest.param(status("technical_intern_training", "unknown"), id="training-of-unknown-type"),
]


def change_to(requested: StatusOfResidence | None, current: StatusOfResidence | None = None) -> Application:
    return changed(
        baseline(LAWYER),
        applicant={"current_status": current or status("student")},
        form={
            "procedure": Procedure.CHANGE_OF_STATUS,
            "requested_status": requested,
            "attachments": attachments_for(LAWYER, Procedure.CHANGE_OF_STATUS),
        },
    )


@pytest.mark.parametrize("held", OUT_OF_SCOPE)
def test_a_person_holding_an_out_of_scope_status_may_not_file_online(held: StatusOfResidence) -> None:
    application = changed(baseline(LAWYER), applicant={"current_status": held})
    assert codes(assess_on(application)) == ["current_status_out_of_scope"]


@pytest.mark.parametrize("wanted", OUT_OF_SCOPE)
def test_a_change_to_an_out_of_scope_status_may_not_be_filed_online(wanted: StatusOfResidence) -> None:
    assert codes(assess_on(change_to(wanted))) == ["requested_status_out_of_scope"]


@pytest.mark.parametrize("code", sorted(rules_on().status_scope.requested.in_scope))
def test_a_change_to_each_in_scope_status_may_be_filed_online(code: str) -> None:
    subtype = "company" if code == "technical_intern_training" else None
    assert assess_on(change_to(status(code, subtype))).eligible


@pytest.mark.parametrize("notice", ["notice_46", "working_holiday"])
def test_designated_activities_other_than_departure_preparation_are_in_scope(notice: str) -> None:
    assert assess_on(change_to(status("designated_activities", notice))).eligible


def test_an_official_may_have_an_extension_filed_for_them() -> None:
    application = changed(baseline(LAWYER), applicant={"current_status": status("official")})
    assert assess_on(application).eligible


def test_a_change_needs_the_status_asked_for() -> None:
    assert codes(assess_on(change_to(None))) == ["requested_status_missing"]


def test_an_extension_needs_the_status_held() -> None:
    application = changed(baseline(LAWYER), applicant={"current_status": None})
    assert codes(assess_on(application)) == ["current_status_missing"]


def test_an_extension_naming_a_status_asked_for_is_checked_against_scope_too() -> None:
    application = changed(baseline(LAWYER), form={"requested_status": status("temporary_visitor")})
    assert codes(assess_on(application)) == ["requested_status_out_of_scope"]


def test_the_out_of_scope_message_names_the_status_in_both_languages() -> None:
    reason = assess_on(change_to(status("temporary_visitor"))).reasons[0]
    assert "短期滞在" in reason.message_ja
    assert "temporary visitor" in reason.message_en
