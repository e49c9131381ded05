"""Waiting out a transient failure: capped exponential backoff, for as long as the failure lasts.

A failure that time cures (a database, broker or mail server out of reach) must pause
the work, never end it: so there is no attempt budget here. Each wait doubles up to a
cap, with jitter, so that many consumers do not come back in step. Cancellation (a
shutdown) ends the wait at once.
"""

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import structlog

from chassis.errors import is_transient

T = TypeVar("T")
log = structlog.get_logger("chassis.backoff")


@dataclass(frozen=True, slots=True)
class Backoff:
    first_ms: int = 200
    max_ms: int = 5_000

    def delays(self) -> "Delays":
        return Delays(self)


class Delays:
    """The successive waits of one outage: first, twice that, ... up to the cap, each with ±20 % jitter."""

    def __init__(self, backoff: Backoff) -> None:
        self._next = backoff.first_ms / 1000
        self._cap = backoff.max_ms / 1000

    def __next__(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self._cap)
        return delay * random.uniform(0.8, 1.2)


async def persistently(
    operation: Callable[[], Awaitable[T]],
    backoff: Backoff,
    *,
    what: str,
    on_pause: Callable[[BaseException], None] | None = None,
    on_resume: Callable[[], None] | None = None,
) -> T:
    """Runs `operation` until it succeeds, waiting out transient failures; any other failure is raised.

    `on_pause` is told of each transient failure (readiness, metrics), `on_resume` once it succeeds
    after having paused.
    """
    delays = backoff.delays()
    paused = False
    while True:
        try:
            result = await operation()
        except Exception as error:  # sorted below: transient ones are waited out, the rest raised
            if not is_transient(error):
                raise
            delay = next(delays)
            if on_pause is not None:
                on_pause(error)
            log.warning(
                "transient failure; waiting", what=what, error=_describe(error), retry_in_seconds=round(delay, 2)
            )
            paused = True
            await asyncio.sleep(delay)
            continue
        if paused:
            log.info("resumed after a transient failure", what=what)
            if on_resume is not None:
                on_resume()
        return result


def _describe(error: BaseException) -> str:
    """The error's type and first line: enough for an operator, short enough never to hold a payload."""
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__
