"""Bureau events into approvals: apply the domain, store state and outbox together, publish.

One batch comes from one bureau topic. Every approval it names is read once; its events are
applied in order on top of each other; each changed approval is written once, as the next
version after the one read (see adapters/approvals.py). A guard miss means another writer (another topic's handler, the
scheduler, another instance) got there first: the batch raises `Conflict`, the subscriber
turns that into a transient error, and the whole batch is read and applied again. The
domain's transitions are idempotent, so what this batch already wrote changes nothing then.

Events before the grant: the bureau's topics are not ordered against each other, so a staff
or report event may arrive before its approval's grant. The handler applies the rest of the
batch and then raises `AwaitingGrant` naming those events; the subscriber turns that into the
chassis's `Waiting`, and the chassis parks the records (`parked_records`) and hands them to this
handler again, soon at first and then every few seconds, until the grant is there. They are
then applied like any other event; after the chassis's wait limit (7 days) they are
dead-lettered as `prerequisite_missing`.

The "second look" this replaces: reporting used to park such events itself and apply them in
whichever batch next found the approval, so an event parked while its grant was being written
(each batch missing the other's write) could have stayed parked for good; it therefore read the
approval again after parking. The chassis needs no such look: it keeps handing a parked record
back until the grant is found, so a record that raced its grant is applied at the next release.

Order of one approval's events: on one topic they are in offset order, and the chassis keeps
it (a later record of an approval with records parked queues behind them, and only the head of
the queue is handed back). Across the bureau's topics the chassis hands records back oldest
production time first; where two topics' events of one approval are released in different
rounds, the approval's state does not depend on their order: staff events commute, reports come
a period apart, and a revocation is final. Only the order of the published changes can differ.
"""

from collections.abc import Sequence
from datetime import datetime

from services.reporting.domain.approval import Approval, Unchanged
from services.reporting.domain.approvals import BureauEvent, apply
from services.reporting.domain.validity import ValidityRules
from services.reporting.handlers.outbox import Outbox, pending
from services.reporting.handlers.ports import (
    ApprovalStore,
    AwaitingGrant,
    Clock,
    Conflict,
    PendingChange,
    Received,
    StoredApproval,
)


class Workset:
    """The approvals a batch touches: as read (to guard the write) and as changed so far."""

    def __init__(self, now: datetime, rules: ValidityRules) -> None:
        self._now = now
        self._rules = rules
        self._read: dict[str, StoredApproval] = {}
        self._current: dict[str, Approval] = {}
        self._new: dict[str, list[PendingChange]] = {}

    def add(self, stored: dict[str, StoredApproval]) -> None:
        for approval_id, item in stored.items():
            if approval_id not in self._current:
                self._read[approval_id] = item
                self._current[approval_id] = item.approval

    def apply(self, event: BureauEvent, cause: str, correlation_id: str | None) -> bool:
        """False when the approval is not known yet (the event must wait for its grant)."""
        outcome = apply(self._current.get(event.approval_id), event, self._now, rules=self._rules)
        if outcome.unchanged is Unchanged.UNKNOWN_APPROVAL or outcome.approval is None:
            return False
        if outcome.changes:
            self._current[event.approval_id] = outcome.approval
            new = pending(outcome.changes, cause=cause, correlation_id=correlation_id)
            self._new.setdefault(event.approval_id, []).extend(new)
        return True

    async def save(self, store: ApprovalStore) -> tuple[list[StoredApproval], list[str]]:
        """Writes each changed approval once, with its new changes as the version's outbox; returns
        what was written and the approvals another writer got to first."""
        written: list[StoredApproval] = []
        conflicts: list[str] = []
        for approval_id, new in self._new.items():
            read = self._read.get(approval_id, StoredApproval(self._current[approval_id]))
            approval = self._current[approval_id]
            if await store.save(approval, expected_version=read.version, outbox=new):
                written.append(StoredApproval(approval, tuple(new), read.version + 1))
            else:
                conflicts.append(approval_id)
        return written, conflicts


class BureauHandler:
    def __init__(self, store: ApprovalStore, outbox: Outbox, rules: ValidityRules, clock: Clock) -> None:
        self._store = store
        self._outbox = outbox
        self._rules = rules
        self._clock = clock

    async def handle(self, events: Sequence[Received[BureauEvent]]) -> None:
        work = Workset(self._clock.now(), self._rules)
        work.add(await self._store.load({e.payload.approval_id for e in events}))
        early = [e for e in events if not work.apply(e.payload, e.event_id, e.correlation_id)]
        written, conflicts = await work.save(self._store)
        await self._outbox.flush(written)  # what was written goes out now, conflict or not
        if conflicts:
            # Before AwaitingGrant: the whole batch is read and applied again, the early events with it.
            raise Conflict(f"approvals {', '.join(conflicts)} were written by another writer first")
        if early:
            raise AwaitingGrant({e.event_id: f"the grant of approval {e.payload.approval_id}" for e in early})
