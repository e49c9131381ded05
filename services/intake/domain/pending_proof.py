"""The proof of a pending application (domain rules §3), issued on request.

Online filers get no mark on their residence card, so the acceptance notice with
its receipt number is the proof. It states the receipt number, the filing date and,
where it applies, the last day of the special period (特例期間): a resident who filed
a change of status or an extension of stay by the expiry date, with a period of
stay longer than 30 days, may stay until the decision or until the end of the day
two months after expiry, whichever comes first. A proof exists only while no
decision is made, so the date it states is the two-month limit; the decision, when
it comes, ends the period earlier and the proof is refused from then on.

"Filed in time" counts the expiry day itself (the law says by the expiry date);
online filing on that day is refused by eligibility, but a counter-channel record
may carry it. The two months are counted by the Civil Code (arts. 140, 143), see
`end_of_months_after`: expiry 2026-12-31 → 2027-02-28, 2026-06-30 → 2026-08-31.
"""

from datetime import date
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from contracts.application import Procedure
from contracts.calendar import end_of_months_after
from contracts.intake import ApplicationStatus as S
from services.intake.domain.application import ApplicationState

SPECIAL_PERIOD_PROCEDURES: Final = frozenset({Procedure.CHANGE_OF_STATUS, Procedure.EXTENSION_OF_STAY})
SPECIAL_PERIOD_MONTHS: Final = 2
SHORTEST_STAY_WITH_SPECIAL_PERIOD_DAYS: Final = 31
"""A period of stay of 30 days or less has no special period."""


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
    return PendingProof(
        receipt_number=app.receipt_number,
        filing_date=app.filed_on,
        procedure=app.procedure,
        special_period_ends_on=special_period_ends_on(app),
    )


def special_period_ends_on(app: ApplicationState) -> date | None:
    """The last day of the special period should no decision come first, or None where none applies."""
    expires, days = app.stay_expires_on, app.period_of_stay_days
    if app.procedure not in SPECIAL_PERIOD_PROCEDURES or expires is None or days is None:
        return None
    if days < SHORTEST_STAY_WITH_SPECIAL_PERIOD_DAYS or app.filed_on > expires:
        return None
    return end_of_months_after(expires, SPECIAL_PERIOD_MONTHS)
