"""Keeping eligibility's projection of organisations' approvals, from reporting's `ApprovalChanged`.

Each event carries an approval's whole state and a revision, so the projection is
"newest revision wins". Per batch: one read of the records the batch touches, every
event applied in order in memory (stale and repeated revisions change nothing), and
one guarded write per approval that moved, which never puts an older revision over a
newer one even when another instance wrote in between (after a rebalance, say). The
save is called even when nothing moved, so the store can mark its projection changed
again after a crash (see `adapters.approvals`).

The projection is read by every assessment that follows. Approvals and their staff are
judged as they stood on each filing's date (`ApprovalRecord.in_force_on`, `standing_on`),
so a lapse, a revocation or a departure refuses filings dated from its date on, whenever
they are assessed.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from contracts.organisations import ApprovalChanged
from services.eligibility.domain import ApprovalRecord, apply_change
from services.eligibility.handlers.ports import ApprovalStore


@dataclass(frozen=True, slots=True)
class Projected:
    written: tuple[ApprovalRecord, ...]
    unchanged: tuple[str, ...]
    """Approvals of the batch left as they were: every event for them was stale or repeated."""


class ProjectApprovals:
    def __init__(self, approvals: ApprovalStore) -> None:
        self._approvals = approvals

    async def __call__(self, events: Sequence[ApprovalChanged]) -> Projected:
        current: dict[str, ApprovalRecord | None] = dict.fromkeys(e.approval_id for e in events)
        current.update(await self._approvals.load(list(current)))
        moved: dict[str, ApprovalRecord] = {}
        for event in events:
            before = current[event.approval_id]
            after = apply_change(before, event)
            if after is not before:
                current[event.approval_id] = moved[event.approval_id] = after
        # Saved even when nothing moved: the store then marks its projection changed all the same, which
        # a repeat after a crash between its writes and that mark needs (adapters.approvals).
        stale = set(await self._approvals.save(list(moved.values())))
        written = tuple(r for r in moved.values() if r.approval_id not in stale)
        return Projected(written, tuple(sorted(current.keys() - {r.approval_id for r in written})))
