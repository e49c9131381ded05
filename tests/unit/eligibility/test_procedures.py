"""What may be filed online, where the applicant must be, and how the result is received."""

from datetime import date, timedelta

import pytest

from contracts.application import Application, FilerCategory, Procedure, ReceiptMethod

from .factories import assess_on, attachments_for, baseline, changed, codes, status

LAWYER = FilerCategory.LAWYER_OR_SCRIVENER
STAFF = FilerCategory.ORGANISATION_STAFF
MAINS_THAT_TAKE_COMPANIONS = [Procedure.CHANGE_OF_STATUS, Procedure.EXTENSION_OF_STAY, Procedure.ACQUISITION_OF_STATUS]
COMPANIONS = [Procedure.REENTRY_PERMIT, Procedure.EXTRA_ACTIVITY_PERMISSION]


def filing(
    main: Procedure,
    *accompanying: Procedure,
    category: FilerCategory = LAWYER,
    receipt: ReceiptMethod = ReceiptMethod.COUNTER,
    on: date = date(2025, 6, 2),
) -> Application:
    """A lawyer's filing of `main` that satisfies every rule of that procedure."""
    applicant: dict[str, object] = {"stay_expires_on": on + timedelta(days=30)}
    form: dict[str, object] = {
        "procedure": main,
        "accompanying": accompanying,
        "receipt_method": receipt,
        "attachments": attachments_for(category, main, *accompanying, on=on),
    }
    if main is Procedure.CERTIFICATE_OF_ELIGIBILITY:
        applicant |= {"in_japan": False, "current_status": None, "period_of_stay_days": None, "stay_expires_on": None}
    if main in (Procedure.CERTIFICATE_OF_ELIGIBILITY, Procedure.CHANGE_OF_STATUS, Procedure.ACQUISITION_OF_STATUS):
        form["requested_status"] = status("engineer_humanities_international")
    if main is Procedure.ACQUISITION_OF_STATUS:
        applicant |= {"current_status": None, "stay_expires_on": None}
    return changed(baseline(category), applicant=applicant, form=form)


@pytest.mark.parametrize(
    "main",
    [
        Procedure.CERTIFICATE_OF_ELIGIBILITY,
        Procedure.CHANGE_OF_STATUS,
        Procedure.EXTENSION_OF_STAY,
        Procedure.ACQUISITION_OF_STATUS,
        Procedure.EMPLOYMENT_CERTIFICATE,
    ],
)
def test_each_main_procedure_may_be_filed_online(main: Procedure) -> None:
    assert assess_on(filing(main)).reasons == ()


@pytest.mark.parametrize("procedure", COMPANIONS)
def test_reentry_and_extra_activity_may_not_be_filed_on_their_own(procedure: Procedure) -> None:
    assert codes(assess_on(filing(procedure))) == ["procedure_only_accompanying"]


@pytest.mark.parametrize("main", MAINS_THAT_TAKE_COMPANIONS)
@pytest.mark.parametrize("companion", COMPANIONS)
def test_reentry_and_extra_activity_may_accompany_a_change_extension_or_acquisition(
    main: Procedure, companion: Procedure
) -> None:
    assert assess_on(filing(main, companion)).reasons == ()


@pytest.mark.parametrize(
    ("main", "companion"),
    [
        (Procedure.EMPLOYMENT_CERTIFICATE, Procedure.REENTRY_PERMIT),
        (Procedure.EMPLOYMENT_CERTIFICATE, Procedure.EXTRA_ACTIVITY_PERMISSION),
        (Procedure.EXTENSION_OF_STAY, Procedure.CHANGE_OF_STATUS),
        (Procedure.EXTENSION_OF_STAY, Procedure.EXTENSION_OF_STAY),
    ],
)
def test_other_combinations_may_not_be_filed_together(main: Procedure, companion: Procedure) -> None:
    assert codes(assess_on(filing(main, companion))) == ["accompanying_not_allowed"]


def test_certificate_of_eligibility_is_only_for_a_person_not_in_japan() -> None:
    application = changed(filing(Procedure.CERTIFICATE_OF_ELIGIBILITY), applicant={"in_japan": True})
    assert codes(assess_on(application)) == ["applicant_must_be_abroad"]


@pytest.mark.parametrize("main", [Procedure.CHANGE_OF_STATUS, Procedure.EXTENSION_OF_STAY])
def test_procedures_other_than_certificate_of_eligibility_need_the_applicant_in_japan(main: Procedure) -> None:
    application = changed(filing(main), applicant={"in_japan": False})
    assert codes(assess_on(application)) == ["applicant_must_be_in_japan"]


@pytest.mark.parametrize("category", list(FilerCategory))
def test_no_filer_may_file_from_abroad(category: FilerCategory) -> None:
    application = changed(baseline(category), filer={"filing_from_abroad": True})
    assert codes(assess_on(application)) == ["filing_from_abroad"]


@pytest.mark.parametrize(
    ("filed_on", "eligible"),
    [
        pytest.param(date(2023, 3, 16), False, id="day-before"),
        pytest.param(date(2023, 3, 17), True, id="from-17-march"),
    ],
)
def test_certificate_of_eligibility_may_be_received_by_email_from_17_march_2023(filed_on: date, eligible: bool) -> None:
    application = filing(Procedure.CERTIFICATE_OF_ELIGIBILITY, receipt=ReceiptMethod.EMAIL, on=filed_on)
    assessment = assess_on(application, on=filed_on)
    assert assessment.eligible is eligible
    assert eligible or codes(assessment) == ["receipt_method_not_available"]


@pytest.mark.parametrize("main", [Procedure.CHANGE_OF_STATUS, Procedure.EXTENSION_OF_STAY])
def test_other_procedures_may_never_be_received_by_email(main: Procedure) -> None:
    assert codes(assess_on(filing(main, receipt=ReceiptMethod.EMAIL))) == ["receipt_method_not_available"]


@pytest.mark.parametrize(
    ("filed_on", "eligible"),
    [pytest.param(date(2023, 12, 31), False, id="day-before"), pytest.param(date(2024, 1, 1), True, id="from-2024")],
)
def test_extra_activity_permission_may_be_received_by_post_from_2024(filed_on: date, eligible: bool) -> None:
    application = filing(
        Procedure.EXTENSION_OF_STAY, Procedure.EXTRA_ACTIVITY_PERMISSION, receipt=ReceiptMethod.POST, on=filed_on
    )
    assert assess_on(application, on=filed_on).eligible is eligible


def test_a_reentry_permit_is_not_received_by_post_because_the_passport_is_never_posted() -> None:
    application = filing(Procedure.EXTENSION_OF_STAY, Procedure.REENTRY_PERMIT, receipt=ReceiptMethod.POST)
    assessment = assess_on(application)
    assert codes(assessment) == ["receipt_method_not_available"]
    assert "re-entry permit" in assessment.reasons[0].message_en


def test_every_procedure_filed_must_offer_the_receipt_method_chosen() -> None:
    application = filing(Procedure.EXTENSION_OF_STAY, receipt=ReceiptMethod.POST)
    assert assess_on(application).eligible
