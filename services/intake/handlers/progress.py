"""Moving applications along their lifecycle: eligibility's assessment, examination's steps, sent
notices and the filer's withdrawal, a whole batch at a time.

One read for the batch; the status machine runs in memory, in order, so an
application that appears several times moves step by step; one counter increment
for all the receipt numbers the batch gives out; one bulk write of version-guarded
updates, each carrying the new state and its events; then one publish. Duplicates
change nothing (the status machine knows them by their event id), but if their
application still has events pending those are published again.

An input for an application not stored yet (`NotStored`), or one the status machine
finds early (`NotYet`), changes nothing and is answered as such: the caller hands it
in again later, and it is then applied exactly as it would have been in order.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from contracts.application import Attachment
from contracts.calendar import japan_date
from contracts.eligibility import Reason
from contracts.intake import ApplicationStatus
from services.intake.domain.application import with_receipt_number
from services.intake.domain.documents import latest_request
from services.intake.domain.inputs import InputKind, StatusInput
from services.intake.domain.numbering import format_receipt_number, receipt_counter_key
from services.intake.domain.status import Advance, NotYet, Outcome, WithdrawRefused, advance
from services.intake.handlers.concurrency import Writer, retrying
from services.intake.handlers.outputs import Outputs
from services.intake.handlers.ports import (
    Change,
    OutboxEvent,
    Stored,
)


@dataclass(frozen=True, slots=True)
class Progress:
    application_id: str
    input: StatusInput
    correlation_id: str | None = None
    reasons: tuple[Reason, ...] = ()
    """Why an application may not be filed online (assessments only)."""
    documents: tuple[Attachment, ...] = ()
    """What the filer sent in answer to a documents request (online answers only)."""


@dataclass(frozen=True, slots=True)
class Applied:
    application_id: str
    outcome: Outcome
    status: ApplicationStatus
    advance: Advance


@dataclass(frozen=True, slots=True)
class NotStored:
    """No application by this id is stored (yet): its submission may still be on its way."""

    application_id: str


Result = Applied | NotStored | NotYet | WithdrawRefused


class ApplyProgress(Writer):
    async def __call__(self, items: Sequence[Progress]) -> list[Result]:
        """One result per item, in order. Raises Contention only if the races never settle."""

        async def attempt() -> list[Result]:
            async with self.locks.hold(item.application_id for item in items):
                return await self._once(items)

        return await retrying(self.attempts, attempt)

    async def _once(self, items: Sequence[Progress]) -> list[Result]:
        found = await self.applications.get_many({item.application_id for item in items})
        current = dict(found)
        results: list[Result] = []
        moved: list[tuple[Progress, Advance]] = []
        for item in items:
            stored = current.get(item.application_id)
            if stored is None:
                results.append(NotStored(item.application_id))
                continue
            result = advance(stored.state, item.input)
            if isinstance(result, WithdrawRefused | NotYet):
                results.append(result)
                continue
            results.append(Applied(item.application_id, result.outcome, result.state.status, result))
            if result.outcome is not Outcome.DUPLICATE:
                current[item.application_id] = replace(stored, state=result.state)
                moved.append((item, result))
        await self._give_receipt_numbers(current, moved)
        for item, result in moved:
            stored = current[item.application_id]
            current[item.application_id] = replace(stored, outbox=(*stored.outbox, *_events(stored, item, result)))
        changes = [
            Change(before=found[i], after=replace(current[i], version=found[i].version + 1))
            for i in dict.fromkeys(item.application_id for item, _ in moved)
        ]
        await self.applications.update(changes)
        changed = {change.before.state.application_id for change in changes}
        untouched = [s for i, s in found.items() if s.outbox and i not in changed]
        await self.flush([*(change.after for change in changes), *untouched])
        return results

    async def _give_receipt_numbers(self, current: dict[str, Stored], moved: list[tuple[Progress, Advance]]) -> None:
        """Accepted applications get their receipt numbers from one block reserved for the whole batch."""
        accepted = dict.fromkeys(
            item.application_id
            for item, result in moved
            if any(move.status is ApplicationStatus.ACCEPTED for move in result.moves)
        )
        needing = [i for i in accepted if current[i].state.receipt_number is None]
        if not needing:
            return
        year = japan_date(self.clock.now()).year
        block = await self.numbers.reserve(receipt_counter_key(year), len(needing))
        for application_id, seq in zip(needing, block, strict=True):
            stored = current[application_id]
            numbered = with_receipt_number(stored.state, format_receipt_number(year, seq))
            current[application_id] = replace(stored, state=numbered)


def _events(stored: Stored, item: Progress, result: Advance) -> list[OutboxEvent]:
    """Per move: its status change, and the fact it announces where it has one of its own."""
    outputs = Outputs(stored.state, stored.application, item.input.source_event_id, item.correlation_id)
    events: list[OutboxEvent] = []
    for move in result.moves:
        events.append(outputs.status_changed(move))
        if move.status is ApplicationStatus.ACCEPTED:
            events.append(outputs.accepted(move.at))
        elif move.status is ApplicationStatus.NOT_ELIGIBLE:
            events.append(outputs.not_eligible(move.at, item.reasons))
        elif move.status is ApplicationStatus.WITHDRAWN:
            events.append(outputs.withdrawn(move.at))
        elif (
            move.status is ApplicationStatus.DOCUMENTS_SUBMITTED
            and item.input.kind is InputKind.DOCUMENTS_SUBMITTED_ONLINE
        ):
            # The request answered is the last one before this move: the move itself was allowed only from it.
            request = latest_request(result.state)
            assert request is not None, "an online answer moves only an application with an open request"
            events.append(outputs.documents_submitted(move, request, item.documents))
    return events
