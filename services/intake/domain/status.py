"""The application status machine (domain rules §5): one total function over the tables in `transitions`.

Rules, in the order `advance` applies them:

1. An input whose `source_event_id` is already in the timeline is a duplicate and
   changes nothing, not even the timeline (redelivery is routine under Kafka).
2. `PATHS` names the statuses an input leads to, in order. Steps the application has
   already reached or passed (by `RANK`) are skipped; every remaining step must be
   allowed by `TRANSITIONS` from the status before it, or the input moves nothing.
   So a late or out-of-order event never moves a status backwards or twice.
3. Inside the documents loop (requested ⇄ submitted, equal rank) the steps move back
   and forth, so there an input that occurred before the current status was entered
   is stale and moves nothing.
4. An input that is not allowed now but would be from a status the application can
   still reach is early (`paths.applies_from`): `advance` returns `NotYet` and records
   nothing, so that the same input can be handed in again once the application got
   there (the consumer parks it meanwhile). One that can never apply (a second
   decision, an ineligible assessment after acceptance), one whose target is reached
   or passed, and anything after a final status are ignored: nothing waits for what
   cannot come.
5. An event that moves nothing (and is not early) is still recorded as a note
   ("ignored:<reason>"), for the audit trail and so that its redelivery is recognised
   as a duplicate. A refused withdrawal is not recorded: it is answered (HTTP 409),
   not stored; a withdrawal is never early (it is allowed from every status before
   a decision, and from none after).

Choices: examination starts on acceptance, so an eligible assessment moves
submitted → accepted → under_examination at once (two moves, two revisions). A card
posted (CardDispatched) is a delivery; ResultDelivered closes the case, passing
through delivered if no dispatch came first. Documents submitted before any request
wait for it; if a decision comes first, they are passed and so ignored when handed in
again. A decision may come from any examination status, with or without a documents
round; one that comes before acceptance waits for it.
"""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from contracts.calendar import as_aware
from contracts.intake import ApplicationStatus as S
from services.intake.domain.application import ApplicationState, TimelineEntry
from services.intake.domain.inputs import InputKind as K
from services.intake.domain.inputs import StatusInput
from services.intake.domain.paths import ahead, allowed, applies_from
from services.intake.domain.transitions import PATHS, RANK, TRANSITIONS, WITHDRAW_REFUSALS, WithdrawRefusal

__all__ = [
    "Advance",
    "IgnoredReason",
    "Move",
    "NotYet",
    "Outcome",
    "WithdrawRefusal",
    "WithdrawRefused",
    "advance",
]


class Outcome(StrEnum):
    MOVED = "moved"
    NOTED = "noted"
    IGNORED = "ignored"
    DUPLICATE = "duplicate"


class IgnoredReason(StrEnum):
    FINAL = "final"
    ALREADY_PASSED = "already_passed"
    NOT_ALLOWED = "not_allowed"
    STALE = "stale"


class Move(BaseModel):
    """One status move: the adapter publishes one ApplicationStatusChanged per move."""

    model_config = ConfigDict(frozen=True)

    previous_status: S
    status: S
    revision: int
    at: datetime


class Advance(BaseModel):
    model_config = ConfigDict(frozen=True)

    state: ApplicationState
    outcome: Outcome
    entries: tuple[TimelineEntry, ...] = ()
    """What was appended to the timeline: one entry per move, or one note, or nothing."""
    moves: tuple[Move, ...] = ()
    ignored_reason: IgnoredReason | None = None

    @property
    def moved(self) -> bool:
        return bool(self.moves)


class WithdrawRefused(BaseModel):
    model_config = ConfigDict(frozen=True)

    reason: WithdrawRefusal


class NotYet(BaseModel):
    """The input comes early: it applies only from a status the application has not reached yet.

    Nothing is recorded; handed in again once the application got there, it moves it
    exactly as it would have, had it come in order.
    """

    model_config = ConfigDict(frozen=True)

    status: S
    """Where the application is now."""
    needs: tuple[S, ...]
    """The nearest statuses (by rank) from which the input applies."""


def advance(app: ApplicationState, status_input: StatusInput) -> Advance | WithdrawRefused | NotYet:
    """Apply one input to an application. Total: never raises, whatever the order of inputs."""
    if app.has_seen(status_input.source_event_id):
        return Advance(state=app, outcome=Outcome.DUPLICATE)
    path = PATHS.get(status_input.kind)
    if path is None:
        return _record(app, status_input, Outcome.NOTED, status_input.details, None)
    steps = ahead(app.status, path)
    reason = _why_not(app, status_input, steps)
    if reason is None:
        return _move(app, status_input, steps)
    if status_input.kind is K.WITHDRAW_REQUESTED:
        return WithdrawRefused(reason=WITHDRAW_REFUSALS.get(app.status, WithdrawRefusal.ALREADY_DECIDED))
    if reason is IgnoredReason.NOT_ALLOWED and (needs := applies_from(app.status, path)):
        return NotYet(status=app.status, needs=needs)
    return _record(app, status_input, Outcome.IGNORED, f"ignored:{reason.value}", reason)


def _why_not(app: ApplicationState, given: StatusInput, steps: tuple[S, ...]) -> IgnoredReason | None:
    if not TRANSITIONS[app.status]:
        return IgnoredReason.FINAL
    if not steps:
        return IgnoredReason.ALREADY_PASSED
    if not allowed(app.status, steps):
        return IgnoredReason.NOT_ALLOWED
    if RANK[steps[0]] == RANK[app.status] and _entered_after(app, given.occurred_at):
        return IgnoredReason.STALE
    return None


def _entered_after(app: ApplicationState, moment: datetime) -> bool:
    """Whether the current status was entered after `moment`."""
    entered = next((entry.at for entry in reversed(app.timeline) if entry.status is not None), None)
    return entered is not None and as_aware(entered) > as_aware(moment)


def _move(app: ApplicationState, given: StatusInput, steps: tuple[S, ...]) -> Advance:
    entries: list[TimelineEntry] = []
    moves: list[Move] = []
    previous, revision = app.status, app.revision
    for step in steps:
        revision += 1
        note = given.details if not entries else None
        entries.append(_entry(given, step, note, revision))
        moves.append(Move(previous_status=previous, status=step, revision=revision, at=given.occurred_at))
        previous = step
    state = app.model_copy(update={"status": previous, "revision": revision, "timeline": (*app.timeline, *entries)})
    return Advance(state=state, outcome=Outcome.MOVED, entries=tuple(entries), moves=tuple(moves))


def _record(
    app: ApplicationState,
    given: StatusInput,
    outcome: Outcome,
    note: str | None,
    reason: IgnoredReason | None,
) -> Advance:
    entry = _entry(given, None, note, app.revision)
    state = app.model_copy(update={"timeline": (*app.timeline, entry)})
    return Advance(state=state, outcome=outcome, entries=(entry,), ignored_reason=reason)


def _entry(given: StatusInput, status: S | None, note: str | None, revision: int) -> TimelineEntry:
    return TimelineEntry(
        at=given.occurred_at,
        kind=given.kind,
        source_event_id=given.source_event_id,
        status=status,
        note=note,
        revision=revision,
    )
