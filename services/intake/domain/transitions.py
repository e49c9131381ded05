"""The status machine's tables: allowed moves, how far along each status is, where inputs lead.

Data, not code, so that the rules read as one page and a test can check them whole
(no move lowers the rank; withdrawal only before a decision). `LATER` is derived
from `TRANSITIONS`, never written by hand. `status.advance` applies them; its
docstring says how.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from contracts.intake import ApplicationStatus as S
from services.intake.domain.inputs import InputKind as K

TRANSITIONS: Final[Mapping[S, frozenset[S]]] = {
    S.SUBMITTED: frozenset({S.ACCEPTED, S.NOT_ELIGIBLE, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.UNDER_EXAMINATION, S.WITHDRAWN}),
    S.UNDER_EXAMINATION: frozenset({S.DOCUMENTS_REQUESTED, S.GRANTED, S.DENIED, S.WITHDRAWN}),
    S.DOCUMENTS_REQUESTED: frozenset({S.DOCUMENTS_SUBMITTED, S.GRANTED, S.DENIED, S.WITHDRAWN}),
    S.DOCUMENTS_SUBMITTED: frozenset({S.DOCUMENTS_REQUESTED, S.GRANTED, S.DENIED, S.WITHDRAWN}),
    S.GRANTED: frozenset({S.DELIVERED}),
    S.DENIED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.CLOSED}),
    S.NOT_ELIGIBLE: frozenset(),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
"""Allowed moves. A status with no moves out is final."""

RANK: Final[Mapping[S, int]] = {
    S.SUBMITTED: 0, S.ACCEPTED: 1, S.UNDER_EXAMINATION: 2,
    S.DOCUMENTS_REQUESTED: 3, S.DOCUMENTS_SUBMITTED: 3,
    S.GRANTED: 4, S.DENIED: 4, S.DELIVERED: 5,
    S.CLOSED: 6, S.NOT_ELIGIBLE: 6, S.WITHDRAWN: 6,
}  # fmt: skip
"""How far along a status is; no allowed move lowers it."""

PATHS: Final[Mapping[K, tuple[S, ...]]] = {
    K.ASSESSED_ELIGIBLE: (S.ACCEPTED, S.UNDER_EXAMINATION),
    K.ASSESSED_NOT_ELIGIBLE: (S.NOT_ELIGIBLE,),
    K.DOCUMENTS_REQUESTED: (S.DOCUMENTS_REQUESTED,),
    K.DOCUMENTS_SUBMITTED: (S.DOCUMENTS_SUBMITTED,),
    K.DOCUMENTS_SUBMITTED_ONLINE: (S.DOCUMENTS_SUBMITTED,),
    K.DECISION_GRANTED: (S.GRANTED,),
    K.DECISION_DENIED: (S.DENIED,),
    K.CARD_DISPATCHED: (S.DELIVERED,),
    K.RESULT_DELIVERED: (S.DELIVERED, S.CLOSED),
    K.WITHDRAW_REQUESTED: (S.WITHDRAWN,),
}
"""Where each input leads. Kinds not listed (notices sent, COE issued) are timeline notes only."""


def _later(status: S) -> frozenset[S]:
    reached: set[S] = set()
    frontier = set(TRANSITIONS[status])
    while frontier:
        reached |= frontier
        frontier = {after for before in frontier for after in TRANSITIONS[before]} - reached
    return frozenset(reached - {status})


LATER: Final[Mapping[S, frozenset[S]]] = {status: _later(status) for status in S}
"""Every other status an application may still reach from each one, by one or more allowed moves.

What tells an early input (it applies from a status still ahead) from one that never will."""


class WithdrawRefusal(StrEnum):
    ALREADY_DECIDED = "already_decided"
    ALREADY_WITHDRAWN = "already_withdrawn"
    NOT_ELIGIBLE = "not_eligible"


WITHDRAW_REFUSALS: Final[Mapping[S, WithdrawRefusal]] = {
    S.GRANTED: WithdrawRefusal.ALREADY_DECIDED,
    S.DENIED: WithdrawRefusal.ALREADY_DECIDED,
    S.DELIVERED: WithdrawRefusal.ALREADY_DECIDED,
    S.CLOSED: WithdrawRefusal.ALREADY_DECIDED,
    S.WITHDRAWN: WithdrawRefusal.ALREADY_WITHDRAWN,
    S.NOT_ELIGIBLE: WithdrawRefusal.NOT_ELIGIBLE,
}
