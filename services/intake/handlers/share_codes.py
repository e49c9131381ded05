"""Share codes: the filer creates, lists and revokes them and reads their checks; anyone checks with one.

The filer reaches only the share codes of its own applications (another's answers like a
missing one, as in `filer_access`). A check answers from the application as it is now
(`domain.share_codes.check_answer`), takes a slot of every miss budget before it compares
the date of birth, and is recorded for the filer when the code exists.
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.intake.domain.share_codes import (
    NO_MATCH,
    OUTCOMES,
    CheckAnswer,
    CheckOutcome,
    MissLimits,
    ShareCode,
    ShareCodeState,
    check_answer,
    code_from_bits,
    code_hash,
)
from services.intake.handlers.filer_access import FilerAccess
from services.intake.handlers.ports import Applications, AttemptSlots, Clock, ShareCodes

Check = tuple[datetime, CheckOutcome]
_NOBODY_BORN = b"0000-00-00"
"""Compared against when there is no application to compare with, so that a wrong code takes as long."""


@dataclass(frozen=True, slots=True)
class Created:
    code: str
    """Shown once, in the answer to its creation; intake keeps only its hash."""
    share_code: ShareCode


@dataclass(frozen=True, slots=True)
class Listed:
    share_code: ShareCode
    state: ShareCodeState


@dataclass(frozen=True, slots=True)
class Refused:
    """Too many misses: no comparison was made."""

    outcome: CheckOutcome
    retry_after: int | None


class ShareCodeAccess:
    def __init__(
        self,
        access: FilerAccess,
        codes: ShareCodes,
        slots: AttemptSlots,
        clock: Clock,
        *,
        valid_for: timedelta,
        limits: MissLimits,
    ):
        self.access, self.codes, self.slots, self.clock = access, codes, slots, clock
        self.valid_for, self.limits = valid_for, limits

    async def create(self, number: str, filer_id: str) -> Created | None:
        stored = await self.access.get(number, filer_id)
        if stored is None:
            return None
        code, now = code_from_bits(secrets.randbits(80)), self.clock.now()
        share_code = ShareCode(
            share_code_id=f"sc-{secrets.token_hex(8)}",
            code_hash=code_hash(code),
            application_id=stored.state.application_id,
            filer_id=filer_id,
            created_at=now,
            expires_at=now + self.valid_for,
        )
        await self.codes.add(share_code)
        return Created(code, share_code)

    async def all(self, number: str, filer_id: str) -> list[Listed] | None:
        stored = await self.access.get(number, filer_id)
        if stored is None:
            return None
        return [await self._listed(c) for c in await self.codes.of_application(stored.state.application_id)]

    async def revoke(self, number: str, filer_id: str, share_code_id: str) -> Listed | None:
        found = await self._own(number, filer_id, share_code_id)
        if found is None:
            return None
        if found.revoked_at is None:
            at = self.clock.now()
            await self.codes.revoke(share_code_id, at)
            found = found.model_copy(update={"revoked_at": at})
        return await self._listed(found)

    async def checks(self, number: str, filer_id: str, share_code_id: str) -> list[Check] | None:
        found = await self._own(number, filer_id, share_code_id)
        return None if found is None else list(await self.codes.checks(share_code_id))

    async def _own(self, number: str, filer_id: str, share_code_id: str) -> ShareCode | None:
        stored = await self.access.get(number, filer_id)
        found = await self.codes.by_id(share_code_id) if stored is not None else None
        return found if found and stored and found.application_id == stored.state.application_id else None

    async def _listed(self, code: ShareCode) -> Listed:
        locked = await self.slots.all_taken(self.limits.lock(code.code_hash).slots(self.clock.now()))
        return Listed(code, code.state(self.clock.now(), locked=locked))


class CheckShareCode:
    def __init__(
        self, applications: Applications, codes: ShareCodes, slots: AttemptSlots, clock: Clock, limits: MissLimits
    ):
        self.applications, self.codes, self.slots, self.clock, self.limits = applications, codes, slots, clock, limits

    async def __call__(self, presented: str, date_of_birth: date, client: str) -> CheckAnswer | Refused:
        now, hashed = self.clock.now(), code_hash(presented)
        share_code = await self.codes.by_hash(hashed)
        taken: list[str] = []
        for budget in self.limits.budgets(hashed, client):
            slot = await self.slots.take(budget.slots(now), now)
            if slot is None:
                await self.slots.give_back(taken)
                refused = Refused(
                    CheckOutcome.LOCKED if budget.window is None else CheckOutcome.TOO_MANY_MISSES,
                    budget.retry_after(now),
                )
                await self._record(share_code, refused.outcome)
                return refused
            taken.append(slot)
        answer, outcome = await self._compare(share_code, date_of_birth)
        if answer is not NO_MATCH or outcome is CheckOutcome.NOTHING_TO_TELL:
            await self.slots.give_back(taken)  # a right answer is not a miss
        await self._record(share_code, outcome)
        return answer

    async def _compare(self, share_code: ShareCode | None, date_of_birth: date) -> tuple[CheckAnswer, CheckOutcome]:
        found = await self.applications.get_many([share_code.application_id]) if share_code else {}
        stored = found.get(share_code.application_id) if share_code else None
        known = stored.application.applicant.date_of_birth.isoformat().encode() if stored else _NOBODY_BORN
        right = hmac.compare_digest(date_of_birth.isoformat().encode(), known)
        if share_code is None or stored is None:
            return NO_MATCH, CheckOutcome.WRONG_DATE_OF_BIRTH
        state = share_code.state(self.clock.now(), locked=False)
        if state is not ShareCodeState.ACTIVE:
            return NO_MATCH, CheckOutcome(state.value)
        if not right:
            return NO_MATCH, CheckOutcome.WRONG_DATE_OF_BIRTH
        answer = check_answer(stored.state)
        return answer, OUTCOMES.get(answer.answer, CheckOutcome.NOTHING_TO_TELL)

    async def _record(self, share_code: ShareCode | None, outcome: CheckOutcome) -> None:
        if share_code is not None:
            await self.codes.record_check(share_code.share_code_id, self.clock.now(), outcome)
