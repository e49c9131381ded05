from datetime import date

import pytest

from contracts.application import Procedure
from contracts.intake import SpecialPeriod
from services.notification.domain.contacts import (
    ApplicationContact,
    NoticeContext,
    contact_from_received,
    contact_with_acceptance,
)
from services.notification.domain.model import Bilingual
from services.notification.domain.notices import MissingContact, Notice, NoticeKind, plan_notices
from services.notification.domain.postage import Tariff

from .samples import APP, accepted, accepted_with_its_dates, documents_requested, not_eligible, only_notice, received


def addresses(notice: Notice) -> list[str]:
    return [r.address for r in notice.recipients]


def test_a_received_application_is_acknowledged_to_the_filer_with_its_provisional_number(
    context: NoticeContext,
) -> None:
    notice = only_notice(received(), context)
    assert notice.kind is NoticeKind.SUBMISSION_RECEIVED
    assert addresses(notice) == ["hanako@example.co.jp"]
    assert notice.variables["provisional_number"] == "P-20260511-0001"
    assert notice.application_id == APP


def test_the_acceptance_goes_to_filer_and_applicant_as_proof_of_a_pending_application(
    context: NoticeContext,
) -> None:
    notice = only_notice(accepted(), context)
    assert notice.kind is NoticeKind.APPLICATION_ACCEPTED
    assert addresses(notice) == ["hanako@example.co.jp", "an@example.com"]
    assert notice.variables["receipt_number"] == "R-20260512-0042"
    assert notice.variables["filed_on"] == date(2026, 5, 11)


def test_a_self_filer_receives_the_acceptance_once(context: NoticeContext) -> None:
    notice = only_notice(accepted(applicant_email="HANAKO@example.co.jp"), context)
    assert addresses(notice) == ["hanako@example.co.jp"]


def test_without_the_applicants_address_the_acceptance_goes_to_the_filer_alone(context: NoticeContext) -> None:
    assert addresses(only_notice(accepted(applicant_email=None), context)) == ["hanako@example.co.jp"]


def test_the_acceptance_of_an_extension_states_the_last_day_of_the_special_period(tariff: Tariff) -> None:
    variables = only_notice(accepted_with_its_dates(), NoticeContext(tariff=tariff)).variables
    assert variables["special_period"] is True
    assert variables["stay_expires_on"] == date(2026, 6, 30)
    assert variables["special_period_ends_on"] == date(2026, 8, 31)


def test_a_stay_of_30_days_or_less_has_no_special_period(tariff: Tariff) -> None:
    short = accepted_with_its_dates(
        special_period=SpecialPeriod(applies=False, short_stay=True), period_of_stay_days=30
    )
    variables = only_notice(short, NoticeContext(tariff=tariff)).variables
    assert variables["special_period"] is False
    assert variables["special_period_short_stay"] is True
    assert variables["special_period_ends_on"] is None


def test_a_certificate_of_eligibility_has_no_special_period(tariff: Tariff) -> None:
    coe = accepted_with_its_dates(
        Procedure.CERTIFICATE_OF_ELIGIBILITY, special_period=None, in_japan=False, period_of_stay_days=None
    )
    variables = only_notice(coe, NoticeContext(tariff=tariff)).variables
    assert variables["special_period"] is False
    assert variables["special_period_short_stay"] is False


def test_the_notice_states_intakes_finding_and_never_works_the_special_period_out_from_the_stay(
    tariff: Tariff,
) -> None:
    # The stay on the event (365 days, expiring 2026-06-30) would give a date; intake found the filing late.
    late = accepted_with_its_dates(special_period=SpecialPeriod(applies=False))
    variables = only_notice(late, NoticeContext(tariff=tariff)).variables
    assert (variables["special_period"], variables["special_period_short_stay"]) == (False, False)
    assert (variables["stay_expires_on"], variables["special_period_ends_on"]) == (None, None)


@pytest.mark.parametrize("with_contact", [False, True], ids=["alone", "with-the-receipt"])
def test_an_acceptance_without_intakes_finding_still_goes_out_and_states_no_special_period(
    tariff: Tariff, contact: ApplicationContact, with_contact: bool
) -> None:
    context = NoticeContext(tariff=tariff, contact=contact if with_contact else None)
    for event in (accepted(), accepted_with_its_dates(special_period=None)):
        variables = only_notice(event, context).variables
        assert (variables["special_period"], variables["special_period_short_stay"]) == (False, False)
        assert variables["special_period_ends_on"] is None
    assert only_notice(accepted(), context).variables["filed_on"] == (date(2026, 5, 11) if with_contact else None)


def test_not_eligible_lists_every_reason_in_both_languages(context: NoticeContext) -> None:
    notice = only_notice(not_eligible(), context)
    assert notice.kind is NoticeKind.NOT_ELIGIBLE
    assert addresses(notice) == ["hanako@example.co.jp"]
    reasons = notice.variables["reasons"]
    assert isinstance(reasons, tuple)
    assert reasons[0] == Bilingual(
        ja="在留期間の満了日当日はオンラインで申請できません。",
        en="Online filing is not possible on the expiry date itself.",
    )
    assert len(reasons) == 2


def test_a_request_for_documents_says_what_and_by_when(context: NoticeContext) -> None:
    notice = only_notice(documents_requested(), context)
    assert notice.kind is NoticeKind.DOCUMENTS_REQUESTED
    assert notice.variables["documents"] == ("在職証明書", "住民税の課税証明書")
    assert notice.variables["due_on"] == date(2026, 6, 1)


def test_a_request_for_documents_without_a_contact_asks_to_be_retried(tariff: Tariff) -> None:
    result = plan_notices(documents_requested(), "evt-1", NoticeContext(tariff=tariff))
    assert isinstance(result, MissingContact)
    assert result.application_id == APP
    assert result.event_type == "DocumentsRequested"


def test_the_filers_language_is_the_notices_first_language(context: NoticeContext) -> None:
    assert only_notice(not_eligible("en"), context).language == "en"
    assert only_notice(not_eligible("ja"), context).language == "ja"


def test_the_contact_keeps_what_was_filed_and_takes_the_receipt_number_at_acceptance() -> None:
    contact = contact_with_acceptance(contact_from_received(received()), accepted())
    assert contact.receipt_number == "R-20260512-0042"
    assert contact.accompanying == (Procedure.EXTRA_ACTIVITY_PERMISSION,)
    assert contact.filed_on == date(2026, 5, 11)


def test_an_acceptance_alone_is_enough_to_address_later_notices() -> None:
    contact = contact_with_acceptance(None, accepted())
    assert isinstance(contact, ApplicationContact)
    assert contact.parties.filer_email == "hanako@example.co.jp"
    assert contact.procedure is Procedure.EXTENSION_OF_STAY


def test_an_acceptance_carrying_its_dates_needs_no_contact_for_the_filing_date_and_special_period(
    tariff: Tariff,
) -> None:
    variables = only_notice(accepted_with_its_dates(), NoticeContext(tariff=tariff)).variables
    assert variables["filed_on"] == date(2026, 5, 11)
    assert variables["special_period"] is True
    assert variables["stay_expires_on"] == date(2026, 6, 30)
    assert variables["special_period_ends_on"] == date(2026, 8, 31)


def test_the_filing_date_an_acceptance_carries_wins_over_the_contacts(tariff: Tariff) -> None:
    older = contact_from_received(received()).model_copy(update={"filed_on": date(2026, 5, 1)})
    variables = only_notice(accepted_with_its_dates(), NoticeContext(tariff=tariff, contact=older)).variables
    assert variables["filed_on"] == date(2026, 5, 11)
