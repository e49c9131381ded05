"""Fair use of the API: how many requests a caller may make on one route, in fixed windows.

A limit is a sustained `rate` (requests a second) and a `burst`: the burst is spent
freely within a window of `burst / rate` seconds, and the window's budget is whole
again in the next one. Windows are aligned on the epoch, so every instance that
reads the same clock agrees on which window a moment falls in without asking
another. A fixed window lets a caller spend two bursts around a boundary; that is
the price of a limit whose whole state is one window's count.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RateLimit(BaseModel):
    model_config = ConfigDict(frozen=True)

    rate: float = Field(gt=0)
    """Requests a second, sustained (a batch counts each of its items)."""
    burst: int = Field(ge=1)
    """Requests a caller may make at once, and the most one window admits."""

    @property
    def window_ms(self) -> int:
        return max(1, round(self.burst * 1000 / self.rate))


@dataclass(frozen=True, slots=True)
class Window:
    start_ms: int
    """Milliseconds since the epoch; a multiple of the window's length, so it names the window."""
    length_ms: int

    @property
    def end(self) -> datetime:
        return EPOCH + timedelta(milliseconds=self.start_ms + self.length_ms)


def window_of(limit: RateLimit, now: datetime) -> Window:
    """The window `now` falls in (a moment on a boundary opens the next window)."""
    elapsed_ms = (now - EPOCH) // timedelta(milliseconds=1)
    length = limit.window_ms
    return Window(start_ms=elapsed_ms // length * length, length_ms=length)


def retry_after(window: Window, now: datetime) -> int:
    """Whole seconds until the window ends (what `Retry-After` says): rounded up, and at least one."""
    return max(1, math.ceil((window.end - now).total_seconds()))


def limit_for(limits: dict[str, RateLimit], route: str) -> RateLimit | None:
    """The route's own limit (`"POST /v1/applications:batch"`), else the default (`"*"`), else none."""
    return limits.get(route, limits.get("*"))
