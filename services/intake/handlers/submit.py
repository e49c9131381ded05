"""Receiving submissions, from the portal's topic and from the HTTP API alike, in batches.

The application id is derived from filer and submission id, so a submission is
stored at most once whatever the channel and however often it arrives. A batch is
inserted first and only what turned out to be stored already is read: new
submissions cost one number reservation for the whole batch, one insert, one
publish and one mark-sent. A submission id that comes back with a different
content is refused, not merged; the receiving time is not content (an HTTP retry
is received later). Numbers drawn for a submission that was stored already are
skipped: numbers are unique and never reused, not gapless.

A filing time outside the window (`domain/filing_window.py`) is refused, unless the
submission was stored before: a redelivery after the window (a topic replayed) is
the same application, answered as such.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from contracts.application import Application
from contracts.calendar import japan_date
from contracts.intake import Channel
from services.intake.domain.application import ApplicationState, new_application
from services.intake.domain.filing_window import FilingWindow
from services.intake.domain.numbering import application_id_for, format_provisional_number, provisional_counter_key
from services.intake.handlers.concurrency import ApplicationLocks, Writer, retrying
from services.intake.handlers.outputs import Outputs
from services.intake.handlers.ports import Applications, Clock, Contention, Flush, Numbers, Stored

ATTACHMENTS_TOTAL_LIMIT_BYTES: Final = 25 * 1024 * 1024
"""The real system's limit for all attachments of one application together."""


@dataclass(frozen=True, slots=True)
class Submission:
    application: Application
    channel: Channel
    source_event_id: str
    """The CloudEvents id of the portal's record, or the HTTP request's command id."""
    correlation_id: str | None = None


class Refusal(StrEnum):
    SUBMISSION_ID_REUSED = "submission_id_reused"
    ATTACHMENTS_TOO_LARGE = "attachments_too_large"
    SUBMITTED_AT_IN_FUTURE = "submitted_at_in_future"
    SUBMITTED_AT_TOO_OLD = "submitted_at_too_old"


_TIME_REFUSALS = frozenset({Refusal.SUBMITTED_AT_IN_FUTURE, Refusal.SUBMITTED_AT_TOO_OLD})


@dataclass(frozen=True, slots=True)
class Received:
    state: ApplicationState
    created: bool
    """False when the submission was already stored (a retry or a redelivery)."""


@dataclass(frozen=True, slots=True)
class Refused:
    application_id: str
    reason: Refusal
    detail: str | None = None
    """What the filer must know beyond the reason (the limit broken); never a value sent."""


def attachments_total(application: Application) -> int:
    return sum(attachment.size_bytes for attachment in application.form.attachments)


def same_submission(a: Application, b: Application) -> bool:
    return a.model_dump(exclude={"submitted_at"}) == b.model_dump(exclude={"submitted_at"})


class SubmitApplications(Writer):
    def __init__(
        self,
        applications: Applications,
        numbers: Numbers,
        clock: Clock,
        flush: Flush,
        locks: ApplicationLocks,
        *,
        window: FilingWindow,
        attempts: int = 3,
    ):
        super().__init__(applications, numbers, clock, flush, locks, attempts)
        self.window = window

    async def __call__(self, submissions: Sequence[Submission]) -> list[Received | Refused]:
        """One result per submission, in order. Raises Contention only if the races never settle."""
        ids = [application_id_for(s.application.submission_id, s.application.filer.filer_id) for s in submissions]

        async def attempt() -> list[Received | Refused]:
            async with self.locks.hold(ids):
                return await self._once(ids, submissions)

        return await retrying(self.attempts, attempt)

    async def _once(self, ids: list[str], submissions: Sequence[Submission]) -> list[Received | Refused]:
        """Insert first, read only what turned out to exist: a batch of new submissions costs no read."""
        now = self.clock.now()
        refusals = [self._refusal(application_id, s, now) for application_id, s in zip(ids, submissions, strict=True)]
        fresh: dict[str, Submission] = {}
        for application_id, submission, refusal in zip(ids, submissions, refusals, strict=True):
            if refusal is None:
                fresh.setdefault(application_id, submission)
        block = iter(await self.numbers.reserve(provisional_counter_key(japan_date(now)), len(fresh)))
        created = {i: _new(s, i, next(block), now) for i, s in fresh.items()}
        existed = await self.applications.insert(list(created.values()))
        # A filing time refused now may belong to an application stored in time: read those too.
        late = {r.application_id for r in refusals if r is not None and r.reason in _TIME_REFUSALS} - created.keys()
        existing = await self.applications.get_many(existed | late)
        if not existed <= existing.keys():
            raise Contention("an application vanished between insert and read")
        for application_id in existed:
            del created[application_id]
        results = _answers(ids, submissions, refusals, created, existing)
        # A redelivered submission whose events never went out gets them published now.
        await self.flush([*created.values(), *(s for s in existing.values() if s.outbox)])
        return results

    def _refusal(self, application_id: str, submission: Submission, now: datetime) -> Refused | None:
        """Why the submission cannot become an application, judged on what it says alone."""
        if attachments_total(submission.application) > ATTACHMENTS_TOTAL_LIMIT_BYTES:
            return Refused(application_id, Refusal.ATTACHMENTS_TOO_LARGE)
        if (refused := self.window.judge(submission.application.submitted_at, now)) is not None:
            return Refused(application_id, Refusal(refused.problem.value), refused.explanation)
        return None


def _answers(
    ids: list[str],
    submissions: Sequence[Submission],
    refusals: list[Refused | None],
    created: dict[str, Stored],
    existing: dict[str, Stored],
) -> list[Received | Refused]:
    results: list[Received | Refused] = []
    announced: set[str] = set()
    for application_id, submission, refusal in zip(ids, submissions, refusals, strict=True):
        known = created.get(application_id) or existing.get(application_id)
        if known is None or (refusal is not None and refusal.reason not in _TIME_REFUSALS):
            assert refusal is not None, "a submission not refused was inserted or found"
            results.append(refusal)
        elif not same_submission(known.application, submission.application):
            results.append(Refused(application_id, Refusal.SUBMISSION_ID_REUSED))
        else:  # new, or stored before (a refused filing time then only means it came back late)
            first = refusal is None and application_id in created and application_id not in announced
            results.append(Received(known.state, created=first))
            announced.add(application_id)
    return results


def _new(submission: Submission, application_id: str, seq: int, now: datetime) -> Stored:
    state = new_application(
        submission.application,
        application_id=application_id,
        provisional_number=format_provisional_number(japan_date(now), seq),
        channel=submission.channel,
        source_event_id=submission.source_event_id,
    )
    outputs = Outputs(state, submission.application, submission.source_event_id, submission.correlation_id)
    return Stored(
        state=state,
        application=submission.application,
        received_at=now,
        version=1,
        outbox=(outputs.received(now), outputs.status_changed(None)),
    )
