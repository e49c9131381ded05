"""Share codes: a third party confirms that an application is pending or decided, and sees nothing else.

As with the UK's right-to-work check and Australia's VEVO, the filer gives an employer a
code; the employer presents it with the applicant's date of birth and learns only one of:
pending (filed on D, with the special period until E where intake finds one), decided
(on D), or no match. Never a name, a number, a nationality or the decision's outcome.

A code is 16 characters of Crockford's base-32 alphabet (80 random bits), shown in groups
of four. Only its SHA-256 is stored: the code is random enough that no salt or slow hash
is needed, and what is stored cannot be presented. Reading it back forgives what people
get wrong when they copy a code: case, spaces, hyphens, O for 0 and I or L for 1.

Wrong attempts are bounded by budgets of misses (`Budget`): per code in a window, per
client in a window, and per code for ever (the lock). Each attempt takes a slot of every
budget before the date of birth is compared, and gives it back if it was right, so the
number of misses can never exceed a budget, however many instances answer at once.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from contracts.calendar import as_aware, japan_date
from contracts.intake import ApplicationStatus as S
from services.intake.domain.application import ApplicationState
from services.intake.domain.pending_proof import PendingProof, ProofRefusal, pending_proof

ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand survives."""
CODE_LENGTH: Final = 16
_READ_AS: Final = str.maketrans({"O": "0", "I": "1", "L": "1"})
_DECISIONS: Final = frozenset({S.GRANTED, S.DENIED})


def code_from_bits(bits: int) -> str:
    """The code spelled from `5 * CODE_LENGTH` random bits, in groups of four (`7KQ2-...`)."""
    symbols = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(CODE_LENGTH))
    return "-".join(symbols[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalised(presented: str) -> str | None:
    """The code as it was issued, or None if what was presented cannot be one."""
    code = presented.upper().replace("-", "").replace(" ", "").translate(_READ_AS)
    return code if len(code) == CODE_LENGTH and all(c in ALPHABET for c in code) else None


def code_hash(presented: str) -> str:
    """What is stored and looked up. A presentation that cannot be a code still gets a hash, so that its
    misses are counted like any other's."""
    code = normalised(presented)
    return hashlib.sha256((code if code is not None else f"invalid:{presented}").encode()).hexdigest()


class ShareCodeState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    LOCKED = "locked"


class ShareCode(BaseModel):
    """A share code as stored: its id (for the filer), the application, never the code itself."""

    model_config = ConfigDict(frozen=True)

    share_code_id: str
    code_hash: str
    application_id: str
    filer_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def state(self, now: datetime, *, locked: bool) -> ShareCodeState:
        if self.revoked_at is not None:
            return ShareCodeState.REVOKED
        if as_aware(now) >= as_aware(self.expires_at):
            return ShareCodeState.EXPIRED
        return ShareCodeState.LOCKED if locked else ShareCodeState.ACTIVE


class Answer(StrEnum):
    """What a third party is told."""

    PENDING = "pending"
    DECIDED = "decided"
    NO_MATCH = "no_match"


class CheckAnswer(BaseModel):
    model_config = ConfigDict(frozen=True)

    answer: Answer
    filed_on: date | None = None
    special_period_ends_on: date | None = None
    decided_on: date | None = None


NO_MATCH: Final = CheckAnswer(answer=Answer.NO_MATCH)


def check_answer(app: ApplicationState) -> CheckAnswer:
    """What a third party holding the right code and date of birth learns of the application.

    Pending is what the proof of a pending application says it is (accepted, with a receipt
    number, not decided); decided is a decision made, whatever came after it. Anything else
    (not accepted yet, not eligible online, withdrawn) is no match: the third party learns
    nothing it could not learn from a wrong code.
    """
    proof = pending_proof(app)
    if isinstance(proof, PendingProof):
        return CheckAnswer(
            answer=Answer.PENDING, filed_on=proof.filing_date, special_period_ends_on=proof.special_period_ends_on
        )
    if proof.reason is ProofRefusal.DECIDED:
        decided = next((e.at for e in app.timeline if e.status in _DECISIONS), None)
        if decided is not None:
            return CheckAnswer(answer=Answer.DECIDED, decided_on=japan_date(decided))
    return NO_MATCH


class CheckOutcome(StrEnum):
    """What the filer is shown of each check of its code (the third party saw only pending, decided or no match)."""

    PENDING = "pending"
    DECIDED = "decided"
    NOTHING_TO_TELL = "nothing_to_tell"
    """The right date of birth, but the application is neither pending nor decided: answered no match."""
    WRONG_DATE_OF_BIRTH = "wrong_date_of_birth"
    EXPIRED = "expired"
    REVOKED = "revoked"
    TOO_MANY_MISSES = "too_many_misses"
    LOCKED = "locked"


OUTCOMES: Final = {Answer.PENDING: CheckOutcome.PENDING, Answer.DECIDED: CheckOutcome.DECIDED}


@dataclass(frozen=True, slots=True)
class Budget:
    """At most `misses` wrong attempts of one `scope` per `window` (for ever if None)."""

    scope: str
    misses: int
    window: timedelta | None = None

    def slots(self, now: datetime) -> list[str]:
        """The ids of this budget's slots at `now`: one inserted document each, unique, so that two instances
        can never both take the last one."""
        return [f"{self.period(now)}#{n}" for n in range(1, self.misses + 1)]

    def period(self, now: datetime) -> str:
        if self.window is None:
            return self.scope
        return f"{self.scope}#{int(as_aware(now).timestamp() // self.window.total_seconds())}"

    def retry_after(self, now: datetime) -> int | None:
        """Whole seconds until the window ends and the budget is whole again; None for a lock."""
        if self.window is None:
            return None
        seconds = self.window.total_seconds()
        return max(1, math.ceil(seconds - as_aware(now).timestamp() % seconds))


@dataclass(frozen=True, slots=True)
class MissLimits:
    """How many wrong attempts are allowed: per code and per client in each window, and per code in all."""

    lock_after: int
    per_code: int
    per_client: int
    window: timedelta

    def budgets(self, code_hash: str, client: str) -> tuple[Budget, ...]:
        """The lock first, so that a locked code says so whatever the window. The client is kept as a hash:
        an address is the third party's personal data, and only needs to be told apart."""
        client_hash = hashlib.sha256(client.encode()).hexdigest()
        return (
            self.lock(code_hash),
            Budget(f"code#{code_hash}", self.per_code, self.window),
            Budget(f"client#{client_hash}", self.per_client, self.window),
        )

    def lock(self, code_hash: str) -> Budget:
        return Budget(f"lock#{code_hash}", self.lock_after)
