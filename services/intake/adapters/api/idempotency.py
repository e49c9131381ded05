"""Runs an HTTP command at most once per Idempotency-Key, and answers retries with the first answer.

`domain.idempotency.compare` decides; this does the I/O around it: claim the key
before the work, store the answer after, replay it byte for byte (status code and
body) to a retry. The same key on a different request is a 422; a retry while the
first request is still running is a 409. Work that fails without an answer (a
server error) frees the key, so the client's retry runs it again.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import JsonValue

from services.intake.adapters.api.errors import ApiProblem
from services.intake.adapters.idempotency_store import Claimed
from services.intake.domain.idempotency import (
    Conflict,
    IdempotencyRecord,
    InProgress,
    New,
    Replay,
    StoredResult,
    compare,
)
from services.intake.handlers.ports import Clock

Work = Callable[[], Awaitable[tuple[int, JsonValue]]]


class IdempotencyKeys(Protocol):
    async def get(self, scope: str, key: str) -> Claimed | None: ...
    async def claim(self, scope: str, record: IdempotencyRecord, now: datetime) -> bool: ...
    async def take_over(self, scope: str, stale: Claimed, now: datetime) -> bool: ...
    async def complete(self, scope: str, key: str, result: StoredResult) -> None: ...
    async def release(self, scope: str, key: str) -> None: ...


class Idempotency:
    def __init__(self, keys: IdempotencyKeys, clock: Clock, lease: timedelta):
        self.keys = keys
        self.clock = clock
        self.lease = lease

    async def run(self, scope: str, key: str | None, fingerprint: str, work: Work) -> JSONResponse:
        if key is None:
            return _respond(*await work())
        replay = await self._claim(scope, key, fingerprint)
        if replay is not None:
            return _respond(replay.status_code, replay.body)
        try:
            status_code, body = await work()
        except ApiProblem as problem:
            status_code, body = problem.status_code, problem.problem.model_dump()
        except BaseException:
            await self.keys.release(scope, key)
            raise
        await self.keys.complete(scope, key, StoredResult(status_code=status_code, body=body))
        return _respond(status_code, body)

    async def _claim(self, scope: str, key: str, fingerprint: str) -> StoredResult | None:
        """None once this request holds the key; the stored answer for a retry; raises otherwise."""
        for _ in range(3):
            stored = await self.keys.get(scope, key)
            decision = compare(stored.record if stored else None, key, fingerprint)
            now = self.clock.now()
            if isinstance(decision, Replay):
                return decision.result
            if isinstance(decision, Conflict):
                raise _key_reused()
            if isinstance(decision, New):
                if await self.keys.claim(scope, decision.record, now):
                    return None
                continue
            if isinstance(decision, InProgress) and stored is not None:
                if now - stored.claimed_at < self.lease:
                    raise _in_progress()
                if await self.keys.take_over(scope, stored, now):
                    return None
        raise _in_progress()


def _in_progress() -> ApiProblem:
    return ApiProblem(409, "request_in_progress", "A request with this Idempotency-Key is still running.")


def _key_reused() -> RequestValidationError:
    message = "This Idempotency-Key was already used for a different request; use a new key for a new request."
    return RequestValidationError([{"loc": ("header", "Idempotency-Key"), "msg": message, "type": "key_reused"}])


def _respond(status_code: int, body: JsonValue) -> JSONResponse:
    return JSONResponse(body, status_code=status_code)
