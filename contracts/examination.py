"""Events from the examination system, where officers examine the case (upstream of us)."""

from datetime import date, datetime
from enum import StrEnum

from contracts.application import HttpsUrl, Identifier, ReceiptMethod, ShortText, StatusOfResidence
from contracts.base import Payload


class Outcome(StrEnum):
    GRANTED = "granted"
    DENIED = "denied"


class DocumentsRequested(Payload):
    """More documents are needed (資料提出通知)."""

    application_id: Identifier
    receipt_number: Identifier
    documents: tuple[ShortText, ...]
    due_on: date
    requested_at: datetime


class DocumentsSubmitted(Payload):
    """The filer sent the documents asked for."""

    application_id: Identifier
    submitted_at: datetime


class DecisionMade(Payload):
    """The examination is complete."""

    application_id: Identifier
    receipt_number: Identifier
    outcome: Outcome
    decided_on: date
    receipt_method: ReceiptMethod
    collection_deadline: date | None = None
    """For results collected at the counter: the last day to collect."""


class CoeIssued(Payload):
    """An electronic Certificate of Eligibility was issued (receipt method e-mail)."""

    application_id: Identifier
    certificate_number: Identifier
    holder_name: ShortText
    status: StatusOfResidence
    issued_on: date
    registration_url: HttpsUrl
    """Where the receipt is registered; printed and linked in the notice, so https only."""


class CardDispatched(Payload):
    """The residence card or permission document was posted to the filer."""

    application_id: Identifier
    dispatched_on: date
    tracking_number: Identifier | None = None


class ResultDelivered(Payload):
    """The result reached the applicant (COE registered, card collected or received); the case closes."""

    application_id: Identifier
    delivered_on: date
