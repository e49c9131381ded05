"""The proof of a pending application (domain rules §3), issued on request.

Online filers get no mark on their residence card, so the acceptance notice with
its receipt number is the proof. It states the receipt number, the filing date and,
where it applies, the last day of the special period (特例期間, `special_period`).
A proof exists only while no decision is made, so the date it states is the
two-month limit; the decision, when it comes, ends the period earlier and the proof
is refused from then on.
"""

from datetime import date
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from contracts.application import Procedure
from contracts.intake import ApplicationStatus as S
from services.intake.domain.application import ApplicationState
from services.intake.domain.special_period import special_period


class PendingProof(BaseModel):
    model_config = ConfigDict(frozen=True)

    receipt_number: str
    filing_date: date
    procedure: Procedure
    special_period_ends_on: date | None


class ProofRefusal(StrEnum):
    NO_RECEIPT_NUMBER = "no_receipt_number"
    NOT_ELIGIBLE = "not_eligible"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


class ProofRefused(BaseModel):
    model_config = ConfigDict(frozen=True)

    reason: ProofRefusal


_REFUSALS: Final = {
    S.SUBMITTED: ProofRefusal.NO_RECEIPT_NUMBER,
    S.NOT_ELIGIBLE: ProofRefusal.NOT_ELIGIBLE,
    S.GRANTED: ProofRefusal.DECIDED,
    S.DENIED: ProofRefusal.DECIDED,
    S.DELIVERED: ProofRefusal.DECIDED,
    S.CLOSED: ProofRefusal.DECIDED,
    S.WITHDRAWN: ProofRefusal.WITHDRAWN,
}


def pending_proof(app: ApplicationState) -> PendingProof | ProofRefused:
    refusal = _REFUSALS.get(app.status)
    if refusal is not None:
        return ProofRefused(reason=refusal)
    if app.receipt_number is None:
        return ProofRefused(reason=ProofRefusal.NO_RECEIPT_NUMBER)
    found = special_period(app)
    return PendingProof(
        receipt_number=app.receipt_number,
        filing_date=app.filed_on,
        procedure=app.procedure,
        special_period_ends_on=found.ends_on if found is not None else None,
    )
