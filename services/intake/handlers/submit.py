"""Receiving submissions, from the portal's topic and from the HTTP API alike, in batches.

The application id is derived from filer and submission id, so a submission is
stored at most once whatever the channel and however often it arrives. A batch is
inserted first and only what turned out to be stored already is read: new
submissions cost one number reservation for the whole batch, one insert, one
publish and one mark-sent. A submission id that comes back with a different
content is refused, not merged; the receiving time is not content (an HTTP retry
is received later). Numbers drawn for a submission that was stored already are
skipped: numbers are unique and never reused, not gapless.
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
from services.intake.domain.numbering import application_id_for, format_provisional_number, provisional_counter_key
from services.intake.handlers.concurrency import Writer, retrying
from services.intake.handlers.outputs import Outputs
from services.intake.handlers.ports import Contention, Stored

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


@dataclass(frozen=True, slots=True)
class Received:
    state: ApplicationState
    created: bool
    """False when the submission was already stored (a retry or a redelivery)."""


@dataclass(frozen=True, slots=True)
class Refused:
    application_id: str
    reason: Refusal


def attachments_total(application: Application) -> int:
    return sum(attachment.size_bytes for attachment in application.form.attachments)


def same_submission(a: Application, b: Application) -> bool:
    return a.model_dump(exclude={"submitted_at"}) == b.model_dump(exclude={"submitted_at"})


class SubmitApplications(Writer):
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
        fresh: dict[str, Submission] = {}
        for application_id, submission in zip(ids, submissions, strict=True):
            if _acceptable(submission):
                fresh.setdefault(application_id, submission)
        block = iter(await self.numbers.reserve(provisional_counter_key(japan_date(now)), len(fresh)))
        created = {i: _new(s, i, next(block), now) for i, s in fresh.items()}
        existed = await self.applications.insert(list(created.values()))
        existing = await self.applications.get_many(existed)
        if existing.keys() != existed:
            raise Contention("an application vanished between insert and read")
        for application_id in existed:
            del created[application_id]
        results: list[Received | Refused] = []
        announced: set[str] = set()
        for application_id, submission in zip(ids, submissions, strict=True):
            known = created.get(application_id) or existing.get(application_id)
            if known is None or not _acceptable(submission):
                results.append(Refused(application_id, Refusal.ATTACHMENTS_TOO_LARGE))
            elif not same_submission(known.application, submission.application):
                results.append(Refused(application_id, Refusal.SUBMISSION_ID_REUSED))
            else:
                first = application_id in created and application_id not in announced
                results.append(Received(known.state, created=first))
                announced.add(application_id)
        # A redelivered submission whose events never went out gets them published now.
        await self.flush([*created.values(), *(s for s in existing.values() if s.outbox)])
        return results


def _acceptable(submission: Submission) -> bool:
    return attachments_total(submission.application) <= ATTACHMENTS_TOTAL_LIMIT_BYTES


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
