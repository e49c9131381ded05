from datetime import date

import pytest

from contracts.application import Procedure, ReceiptMethod
from contracts.examination import CardDispatched, CoeIssued, DecisionMade, DocumentsRequested, Outcome
from services.notification.domain.contacts import ApplicationContact, NoticeContext
from services.notification.domain.model import Bilingual
from services.notification.domain.notices import MissingContact, NoticeKind, Planned, plan_notices
from services.notification.domain.postage import Tariff

from .samples import APP, card_dispatched, coe_issued, decision, documents_requested, only_notice


@pytest.mark.parametrize(
    ("decided_on", "envelope", "letter", "registered", "letterpack"),
    [
        (date(2023, 9, 30), 404, 84, 320, 520),
        (date(2023, 10, 1), 434, 84, 350, 520),
        (date(2024, 9, 30), 434, 84, 350, 520),
        (date(2024, 10, 1), 460, 110, 350, 600),
    ],
)
def test_a_grant_by_post_quotes_the_postage_in_force_on_the_decision_date(
    context: NoticeContext, decided_on: date, envelope: int, letter: int, registered: int, letterpack: int
) -> None:
    notice = only_notice(decision(decided_on=decided_on), context)
    assert notice.kind is NoticeKind.DECISION_POST
    v = notice.variables
    assert (v["return_envelope_yen"], v["standard_letter_yen"]) == (envelope, letter)
    assert (v["registered_surcharge_yen"], v["letterpack_plus_yen"]) == (registered, letterpack)


@pytest.mark.parametrize(("decided_on", "fee"), [(date(2025, 3, 31), 4000), (date(2025, 4, 1), 5500)])
def test_a_grant_of_an_extension_asks_for_the_fee_in_force_on_the_decision_date(
    context: NoticeContext, decided_on: date, fee: int
) -> None:
    notice = only_notice(decision(decided_on=decided_on), context)
    assert notice.variables["fee_yen"] == fee
    assert notice.variables["current_card"] is True


def test_a_certificate_of_eligibility_by_post_needs_no_card_and_no_fee(
    context: NoticeContext, contact: ApplicationContact
) -> None:
    coe = contact.model_copy(update={"procedure": Procedure.CERTIFICATE_OF_ELIGIBILITY, "accompanying": ()})
    notice = only_notice(decision(), context.model_copy(update={"contact": coe}))
    assert notice.variables["fee_yen"] is None
    assert notice.variables["current_card"] is False
    assert notice.variables["result_item"] == Bilingual(ja="在留資格認定証明書", en="the Certificate of Eligibility")


@pytest.mark.parametrize(("decided_on", "separate"), [(date(2023, 12, 28), False), (date(2024, 1, 4), True)])
def test_an_extra_activity_permission_by_post_is_a_separate_document_since_2024(
    context: NoticeContext, decided_on: date, separate: bool
) -> None:
    assert only_notice(decision(decided_on=decided_on), context).variables["extra_activity_document"] is separate


def test_a_grant_at_the_counter_gives_the_collection_deadline(context: NoticeContext) -> None:
    notice = only_notice(decision(method=ReceiptMethod.COUNTER), context)
    assert notice.kind is NoticeKind.DECISION_COUNTER
    assert notice.variables["granted"] is True
    assert notice.variables["collection_deadline"] == date(2026, 6, 24)
    assert notice.variables["fee_yen"] == 5500


@pytest.mark.parametrize("method", list(ReceiptMethod))
def test_a_denial_is_always_heard_at_the_counter_and_asks_for_no_fee(
    context: NoticeContext, method: ReceiptMethod
) -> None:
    notice = only_notice(decision(Outcome.DENIED, method), context)
    assert notice.kind is NoticeKind.DECISION_COUNTER
    assert notice.variables["granted"] is False
    assert notice.variables["fee_yen"] is None


def test_a_grant_received_by_email_waits_for_the_coe_notice(context: NoticeContext) -> None:
    result = plan_notices(decision(method=ReceiptMethod.EMAIL), "evt-1", context)
    assert isinstance(result, Planned)
    assert result.notices == ()
    assert result.skipped is not None


def test_the_electronic_coe_notice_carries_what_the_embassy_and_landing_need(context: NoticeContext) -> None:
    notice = only_notice(coe_issued(), context)
    v = notice.variables
    assert notice.kind is NoticeKind.COE_ISSUED
    assert [r.address for r in notice.recipients] == ["hanako@example.co.jp"]
    assert v["certificate_number"] == "COE-2026-000123"
    assert v["holder_name"] == "Maria Santos"
    assert v["status"] == Bilingual(
        ja="技術・人文知識・国際業務", en="Engineer/Specialist in Humanities/International Services"
    )
    assert (v["issued_on"], v["valid_until"]) == (date(2026, 11, 30), date(2027, 2, 28))
    assert v["registration_link"] == v["registration_url"]


def test_a_registration_address_that_is_not_https_is_shown_but_not_linked(context: NoticeContext) -> None:
    event = coe_issued().model_copy(update={"registration_url": "javascript:alert(1)"})
    variables = only_notice(event, context).variables
    assert variables["registration_link"] is None
    assert variables["registration_url"] == "javascript:alert(1)"


def test_the_dispatch_notice_carries_the_tracking_number(context: NoticeContext) -> None:
    notice = only_notice(card_dispatched(), context)
    assert notice.kind is NoticeKind.CARD_DISPATCHED
    assert notice.variables["tracking_number"] == "1234-5678-9012"
    assert notice.variables["receipt_number"] == "R-20260512-0042"


EVENTS_NEEDING_A_CONTACT: list[DocumentsRequested | DecisionMade | CoeIssued | CardDispatched] = [
    documents_requested(),
    decision(),
    coe_issued(),
    card_dispatched(),
]


@pytest.mark.parametrize("event", EVENTS_NEEDING_A_CONTACT, ids=lambda e: type(e).__name__)
def test_an_examination_event_without_a_contact_is_a_missing_contact_not_an_error(
    tariff: Tariff, event: DocumentsRequested | DecisionMade | CoeIssued | CardDispatched
) -> None:
    result = plan_notices(event, "evt-1", NoticeContext(tariff=tariff))
    assert isinstance(result, MissingContact)
    assert (result.application_id, result.event_type) == (APP, type(event).__name__)
    assert APP in result.reason


def test_a_contact_for_another_application_is_a_wiring_mistake(
    context: NoticeContext, contact: ApplicationContact
) -> None:
    other = context.model_copy(update={"contact": contact.model_copy(update={"application_id": "app-other"})})
    with pytest.raises(ValueError, match="app-other"):
        plan_notices(decision(), "evt-1", other)
