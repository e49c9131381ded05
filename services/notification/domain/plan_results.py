"""Notices about the result: how to receive it (counter or post), the electronic COE, dispatch.

Reading of §4 kept deliberately simple:
- A denial is always heard at the counter, whatever receipt method was chosen: the
  postal kit (current card, fee stamp, return envelope) only makes sense for a grant,
  and the wording stays neutral so the result is explained in person.
- A grant received by e-mail gets no decision notice: the electronic COE notice that
  follows (`CoeIssued`) is the result.
- Amounts are those in force on the decision date; the fee is the online one (filed online).
"""

from contracts.application import Procedure, ReceiptMethod
from contracts.examination import CardDispatched, CoeIssued, DecisionMade, Outcome
from services.notification.domain import addressing
from services.notification.domain.contacts import ApplicationContact
from services.notification.domain.dates import coe_valid_until
from services.notification.domain.labels import procedure_label, status_label
from services.notification.domain.model import Bilingual, NoticeKind, Planned, PlanResult, TemplateValue
from services.notification.domain.postage import Rates, Tariff

CURRENT_CARD_PROCEDURES = frozenset({Procedure.CHANGE_OF_STATUS, Procedure.EXTENSION_OF_STAY})
"""The applicant holds a card that the new one replaces; it is handed in or posted."""

_NEW_CARD = Bilingual(ja="新しい在留カード", en="the new residence card")
RESULT_ITEMS: dict[Procedure, Bilingual] = {
    Procedure.CERTIFICATE_OF_ELIGIBILITY: Bilingual(ja="在留資格認定証明書", en="the Certificate of Eligibility"),
    Procedure.CHANGE_OF_STATUS: _NEW_CARD,
    Procedure.EXTENSION_OF_STAY: _NEW_CARD,
    Procedure.ACQUISITION_OF_STATUS: _NEW_CARD,
    Procedure.EMPLOYMENT_CERTIFICATE: Bilingual(ja="就労資格証明書", en="the certificate of authorized employment"),
    Procedure.REENTRY_PERMIT: Bilingual(ja="再入国許可", en="the re-entry permit"),
    Procedure.EXTRA_ACTIVITY_PERMISSION: Bilingual(
        ja="資格外活動許可書", en="the permission document for activity other than that permitted"
    ),
}


def _extra_activity_document(contact: ApplicationContact, rates: Rates) -> bool:
    """Since 2024-01 a posted extra-activity permission is a separate document, not a passport sticker."""
    return Procedure.EXTRA_ACTIVITY_PERMISSION in contact.accompanying and rates.extra_activity_document


def _common(contact: ApplicationContact) -> dict[str, TemplateValue]:
    return {
        "procedure": procedure_label(contact.procedure),
        "applicant_name": contact.parties.applicant_name,
        "result_item": RESULT_ITEMS[contact.procedure],
    }


def plan_decision(
    event: DecisionMade, source_event_id: str, contact: ApplicationContact | None, tariff: Tariff
) -> PlanResult:
    found = addressing.require_contact(event.application_id, contact, "DecisionMade")
    if not isinstance(found, ApplicationContact):
        return found
    granted = event.outcome is Outcome.GRANTED
    if granted and event.receipt_method is ReceiptMethod.EMAIL:
        return Planned(notices=(), skipped="a grant received by e-mail is told by the coe_issued notice")
    rates = tariff.on(event.decided_on)
    variables: dict[str, TemplateValue] = {
        **_common(found),
        "receipt_number": event.receipt_number,
        "decided_on": event.decided_on,
        "fee_yen": rates.fee(found.procedure) if granted else None,
        "current_card": found.procedure in CURRENT_CARD_PROCEDURES,
    }
    if granted and event.receipt_method is ReceiptMethod.POST:
        kind = NoticeKind.DECISION_POST
        postage = rates.postage
        variables |= {
            "return_envelope_yen": postage.return_envelope,
            "standard_letter_yen": postage.standard_letter,
            "registered_surcharge_yen": postage.registered_surcharge,
            "letterpack_plus_yen": postage.letterpack_plus,
            "extra_activity_document": _extra_activity_document(found, rates),
        }
    else:
        kind = NoticeKind.DECISION_COUNTER
        variables |= {
            "granted": granted,
            "collection_deadline": event.collection_deadline,
            "bring_passport": found.procedure is not Procedure.CERTIFICATE_OF_ELIGIBILITY,
        }
    notice = addressing.new_notice(
        kind,
        source_event_id,
        addressing.filer(found.parties),
        found.parties.language,
        variables,
        application_id=event.application_id,
    )
    return Planned(notices=(notice,))


def plan_coe_issued(event: CoeIssued, source_event_id: str, contact: ApplicationContact | None) -> PlanResult:
    """Worded so the filer can forward it to the person abroad, who shows it at the embassy and landing."""
    found = addressing.require_contact(event.application_id, contact, "CoeIssued")
    if not isinstance(found, ApplicationContact):
        return found
    notice = addressing.new_notice(
        NoticeKind.COE_ISSUED,
        source_event_id,
        addressing.filer(found.parties),
        found.parties.language,
        {
            "receipt_number": found.receipt_number,
            "certificate_number": event.certificate_number,
            "holder_name": event.holder_name,
            "status": status_label(event.status),
            "issued_on": event.issued_on,
            "valid_until": coe_valid_until(event.issued_on),
            "registration_url": event.registration_url,
            # The contract admits only https addresses (HttpsUrl); the check stays so that nothing
            # else can become a link, should an event ever be built without validation.
            "registration_link": event.registration_url if event.registration_url.startswith("https://") else None,
        },
        application_id=event.application_id,
    )
    return Planned(notices=(notice,))


def plan_card_dispatched(
    event: CardDispatched, source_event_id: str, contact: ApplicationContact | None, tariff: Tariff
) -> PlanResult:
    found = addressing.require_contact(event.application_id, contact, "CardDispatched")
    if not isinstance(found, ApplicationContact):
        return found
    notice = addressing.new_notice(
        NoticeKind.CARD_DISPATCHED,
        source_event_id,
        addressing.filer(found.parties),
        found.parties.language,
        {
            **_common(found),
            "receipt_number": found.receipt_number,
            "dispatched_on": event.dispatched_on,
            "tracking_number": event.tracking_number,
            "extra_activity_document": _extra_activity_document(found, tariff.on(event.dispatched_on)),
        },
        application_id=event.application_id,
    )
    return Planned(notices=(notice,))
