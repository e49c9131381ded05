"""Fair use of the API: a limit per caller and route, shared by every instance through the database.

`RateLimiter.admit` spends a request's cost (1, or a batch's items) from the caller's
budget for the route's current window (`domain.rate_limit`), or refuses it with 429,
`Retry-After` (seconds until the window ends) and a problem body like every other
refusal. The budget is the window's slots in `adapters.rate_limit_slots`: a request
inserts as many slot documents as it costs, starting where this instance last saw the
window's slots end, and moves on past slots another instance took. A request refused
halfway (a batch larger than what is left) gives back the slots it took.

Two dependencies make it reusable on any router: `per_filer` limits an authenticated
route by the token's filer, `per_client` an open one by the client's address (as the
server sees it: behind a proxy, run uvicorn with `--forwarded-allow-ips` so that it is
the caller's, never a header a client could set on its own).
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from typing import Annotated, Any, Protocol

import structlog
from fastapi import Depends, Request

from services.intake.adapters.api.auth import Principal
from services.intake.adapters.api.errors import ApiProblem
from services.intake.domain.rate_limit import RateLimit, limit_for, retry_after, window_of
from services.intake.handlers.ports import Clock

Cost = Callable[[Request], Awaitable[int]]
log = structlog.get_logger("intake.api")


class Slots(Protocol):
    async def claim(self, window: str, slots: Iterable[int], expires_at: datetime) -> set[int]: ...
    async def release(self, window: str, slots: Iterable[int]) -> None: ...
    async def purge(self, now: datetime) -> int: ...


class RateLimiter:
    def __init__(self, slots: Slots, limits: Mapping[str, RateLimit], clock: Clock):
        self.slots, self.limits, self.clock = slots, dict(limits), clock
        # Window → (the first slot this instance has not seen taken, the window's end in ms): a hint that
        # saves round trips, never a count the limit relies on.
        self._next: dict[str, tuple[int, int]] = {}

    async def admit(self, caller: str, route: str, cost: int = 1) -> None:
        """Returns once the request may proceed; raises a 429 problem otherwise."""
        limit = limit_for(self.limits, route)
        if limit is None:
            return
        now = self.clock.now()
        window = window_of(limit, now)
        key = f"{caller}|{route}|{window.start_ms}"
        start, _ = self._next.get(key, (0, 0))
        claimed: list[int] = []
        tried = start
        while len(claimed) < cost and tried + cost - len(claimed) <= limit.burst:
            wanted = range(tried, tried + cost - len(claimed))
            taken = await self.slots.claim(key, wanted, window.end)
            claimed.extend(n for n in wanted if n not in taken)
            tried = wanted.stop
        end_ms = window.start_ms + window.length_ms
        if len(claimed) == cost:
            self._remember(key, tried, end_ms, max)
            return
        if claimed:
            await self.slots.release(key, claimed)
        self._remember(key, min(claimed, default=tried), end_ms, min)
        raise _too_many(limit, retry_after(window, now))

    def _remember(self, key: str, slot: int, end_ms: int, pick: Callable[[int, int], int]) -> None:
        # Requests of one window run concurrently here too: keep the furthest slot seen, or the first given back.
        known = self._next.get(key)
        self._next[key] = (pick(known[0], slot) if known else slot, end_ms)

    async def keep_clean(self, interval_seconds: float) -> None:
        """Deletes ended windows' slots and forgets their hints, every `interval_seconds`."""
        while True:
            now = self.clock.now()
            purged = await self.slots.purge(now)
            now_ms = int(now.timestamp() * 1000)
            self._next = {key: hint for key, hint in self._next.items() if hint[1] > now_ms}
            if purged:
                log.debug("rate-limit windows purged", slots=purged)
            await asyncio.sleep(interval_seconds)

    def per_filer(self, principal: Any, costs: Mapping[str, Cost] | None = None) -> Any:
        """A dependency limiting a route by the token's filer; `principal` is the router's own dependency
        (FastAPI runs it once per request). `costs` prices routes that count more than one request."""
        priced = dict(costs or {})

        async def fair_use(request: Request, caller: Annotated[Principal, Depends(principal)]) -> None:
            route = route_of(request)
            cost = await priced[route](request) if route in priced else 1
            await self.admit(f"filer:{caller.filer_id}", route, cost)

        return fair_use

    def per_client(self) -> Any:
        """A dependency limiting an open route by the client's address."""

        async def fair_use(request: Request) -> None:
            address = request.client.host if request.client else "unknown"
            await self.admit(f"client:{address}", route_of(request))

        return fair_use


def route_of(request: Request) -> str:
    """`<method> <path template>`, as `RATE_LIMITS` names routes: `GET /v1/applications/{number}`."""
    return f"{request.method} {request.scope['route'].path}"


def batch_items(max_items: int) -> Cost:
    """A batch costs its items (at most the configured maximum: a longer batch is refused whole)."""

    async def cost(request: Request) -> int:
        try:
            body = await request.json()  # already parsed for the route: Starlette keeps it
        except ValueError:
            return 1
        items = body.get("items") if isinstance(body, dict) else None
        return min(max(len(items), 1), max_items) if isinstance(items, list) else 1

    return cost


def _too_many(limit: RateLimit, seconds: int) -> ApiProblem:
    window = limit.window_ms / 1000
    detail = (
        f"Too many requests on this route: at most {limit.burst} in {window:g} seconds "
        f"({limit.rate:g} a second); retry after {seconds} seconds."
    )
    return ApiProblem(429, "rate_limited", detail, {"Retry-After": str(seconds)})
