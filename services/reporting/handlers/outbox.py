"""The outbox of each approval: changes are written with the state, published, then marked sent.

There are no multi-document transactions on our MongoDB-protocol server, so an approval's
new state and the `ApprovalChanged` events describing it are written in ONE document write
(one version, see adapters/approvals.py). Its writer publishes them at once and then marks the
version sent. A crash (or a stall longer than the grace period) in between leaves the version
unsent, and a relay publishes it: late, possibly after newer versions (`revision` orders them),
never zero times, and always with the same id (`change_id` derives it from what caused the
change, the change and the revision), so consumers can deduplicate the rare second copy (a
writer that was only slow). Every instance runs a relay; a claim decides which one sends.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from contracts.organisations import ApprovalChange, ApprovalChanged
from services.reporting.handlers.ports import ApprovalStore, ChangePublisher, PendingChange, StoredApproval

_NAMESPACE: Final = uuid.UUID("7d1c4a52-3f0e-4b8a-9a55-0b7c1f6e2d10")


def change_id(cause: str, change: ApprovalChange, revision: int) -> str:
    """The event id of a change: the same cause, change and revision always give the same id."""
    return str(uuid.uuid5(_NAMESPACE, f"{cause}|{change}|{revision}"))


def pending(
    changes: Sequence[ApprovalChanged], *, cause: str, correlation_id: str | None = None
) -> tuple[PendingChange, ...]:
    """Outbox entries for `changes`; `cause` is the consumed event's id, or the schedule slot."""
    return tuple(
        PendingChange(
            event_id=change_id(cause, change.change, change.revision),
            change=change,
            correlation_id=correlation_id,
            causation_id=cause,
        )
        for change in changes
    )


class Outbox:
    def __init__(self, store: ApprovalStore, publisher: ChangePublisher, *, page: int = 200) -> None:
        self._store = store
        self._publisher = publisher
        self._page = page

    async def flush(self, written: Sequence[StoredApproval]) -> int:
        """Publishes every pending change of `written` (revision order per approval), then marks them sent."""
        with_events = [stored for stored in written if stored.outbox]
        changes = [change for stored in with_events for change in stored.outbox]
        if changes:
            await self._publisher.publish(changes)
            await self._store.mark_sent(with_events)
        return len(changes)

    async def sweep(self, written_before: datetime) -> int:
        """The relay: publishes outboxes left unsent since before `written_before`."""
        published = 0
        while True:
            leftovers = await self._store.unsent(written_before, self._page)
            # Every instance runs a relay: the claim keeps two of them from sending one version twice.
            claimed = [item for item in leftovers if await self._store.claim_for_relay(item)]
            published += await self.flush(claimed)
            if len(leftovers) < self._page or not claimed:
                return published
