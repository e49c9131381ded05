"""Fair use: fixed windows on an injected clock, the limiter's slots, and its 429 answers."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from pydantic import ValidationError

from services.intake.adapters.api.errors import ApiProblem, limited_route
from services.intake.adapters.api.rate_limit import RateLimiter
from services.intake.domain.rate_limit import RateLimit, limit_for, retry_after, window_of
from services.intake.settings import IntakeSettings

from .fakes import NOW, Clock, FakeSlots
from .wiring import Intake, bearer, settings, submission_body

TEN_A_SECOND = RateLimit(rate=10, burst=20)  # windows of 2 s


def at(seconds: float) -> datetime:
    return datetime(2026, 3, 2, 1, 0, tzinfo=UTC) + timedelta(seconds=seconds)


def test_windows_are_aligned_on_the_epoch_and_last_burst_over_rate_seconds() -> None:
    window = window_of(TEN_A_SECOND, at(0.5))

    assert (window.length_ms, window.start_ms % 2000) == (2000, 0)
    assert window.end == at(2)
    assert window_of(TEN_A_SECOND, at(1.999)) == window


def test_a_moment_on_a_boundary_opens_the_next_window() -> None:
    assert window_of(TEN_A_SECOND, at(2)).start_ms == window_of(TEN_A_SECOND, at(0)).start_ms + 2000


def test_retry_after_rounds_the_rest_of_the_window_up_to_whole_seconds_and_is_never_zero() -> None:
    window = window_of(RateLimit(rate=1, burst=10), at(0))

    assert retry_after(window, at(0)) == 10
    assert retry_after(window, at(0.2)) == 10
    assert retry_after(window, at(9.0)) == 1
    assert retry_after(window, at(9.999)) == 1


def test_a_route_without_its_own_limit_has_the_default_and_none_without_a_default() -> None:
    own = RateLimit(rate=1, burst=5)
    limits = {"*": TEN_A_SECOND, "POST /v1/applications:batch": own}

    assert limit_for(limits, "POST /v1/applications:batch") == own
    assert limit_for(limits, "GET /v1/applications/{number}") == TEN_A_SECOND
    assert limit_for({"POST /x": own}, "GET /y") is None


async def refused(limiter: RateLimiter, caller: str = "filer:a", route: str = "GET /r", cost: int = 1) -> int | None:
    """The Retry-After of a refusal, or None if admitted."""
    try:
        await limiter.admit(caller, route, cost)
    except ApiProblem as problem:
        refusal = problem
    else:
        return None
    assert (refusal.status_code, refusal.problem.code) == (429, "rate_limited")
    return int((refusal.headers or {})["Retry-After"])


async def test_a_caller_gets_the_burst_in_a_window_then_429_until_the_next() -> None:
    clock = Clock(at(0.5))
    limiter = RateLimiter(FakeSlots(), {"*": TEN_A_SECOND}, clock)

    answers = [await refused(limiter) for _ in range(21)]
    clock.at = at(2)
    next_window = await refused(limiter)

    assert answers[:20] == [None] * 20
    assert answers[20] == 2  # 1.5 s left, rounded up
    assert next_window is None


async def test_callers_and_routes_have_budgets_of_their_own() -> None:
    limiter = RateLimiter(FakeSlots(), {"*": RateLimit(rate=1, burst=1)}, Clock(at(0)))

    assert await refused(limiter, "filer:a", "GET /r") is None
    assert await refused(limiter, "filer:a", "GET /r") is not None
    assert await refused(limiter, "filer:b", "GET /r") is None
    assert await refused(limiter, "filer:a", "POST /r") is None


async def test_a_batch_costs_its_items_and_one_refused_gives_its_slots_back() -> None:
    slots = FakeSlots()
    limiter = RateLimiter(slots, {"*": RateLimit(rate=1, burst=10)}, Clock(at(0)))

    assert await refused(limiter, cost=7) is None
    assert await refused(limiter, cost=4) == 10
    assert len(slots.held) == 7
    assert [await refused(limiter) for _ in range(4)] == [None, None, None, 10]


async def test_two_instances_on_one_store_admit_no_more_than_the_burst_together() -> None:
    slots, clock = FakeSlots(), Clock(at(0))
    first, second = (RateLimiter(slots, {"*": TEN_A_SECOND}, clock) for _ in range(2))

    answers = [await refused(limiter) for _ in range(15) for limiter in (first, second)]

    assert answers.count(None) == 20
    assert len(slots.held) == 20


async def test_a_refusal_once_the_window_is_known_full_asks_the_store_nothing() -> None:
    slots = FakeSlots()
    limiter = RateLimiter(slots, {"*": RateLimit(rate=1, burst=2)}, Clock(at(0)))
    for _ in range(3):
        await refused(limiter)
    claims = slots.claims

    assert await refused(limiter) is not None
    assert slots.claims == claims


async def test_ended_windows_are_purged_and_forgotten() -> None:
    slots, clock = FakeSlots(), Clock(at(0))
    limiter = RateLimiter(slots, {"*": RateLimit(rate=1, burst=2)}, clock)
    await refused(limiter)
    clock.at = at(2)
    await refused(limiter)
    clock.at = at(3)

    assert await slots.purge(clock.now()) == 1
    assert len(slots.held) == 1


def test_a_batch_limit_whose_burst_cannot_hold_the_largest_batch_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="must hold API_MAX_BATCH_ITEMS"):
        settings(api_max_batch_items=50, rate_limits={"*": {"rate": 10, "burst": 20}})


def test_the_default_limits_are_ten_a_second_per_route_and_hold_a_whole_batch() -> None:
    defaults = IntakeSettings(kafka_bootstrap_servers="unused:9092", mongodb_uri="mongodb://unused").rate_limits

    assert defaults["*"] == RateLimit(rate=10, burst=20)
    assert defaults["POST /v1/applications:batch"] == RateLimit(rate=10, burst=100)


@pytest.fixture
def intake() -> Intake:
    return Intake(clock=Clock(NOW))


async def api_client(intake: Intake, **limits: Any) -> httpx.AsyncClient:
    app = intake.api(rate_limits={"POST /v1/applications:batch": {"rate": 1, "burst": 3}, **limits})
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake")


async def test_the_api_answers_429_with_retry_after_and_a_problem_once_a_filer_is_over_the_limit(
    intake: Intake,
) -> None:
    async with await api_client(intake, **{"*": {"rate": 1, "burst": 2}}) as client:
        answers = [await client.get("/v1/applications/P-20260302-00000009", headers=bearer()) for _ in range(3)]
        other_filer = await client.get("/v1/applications/P-20260302-00000009", headers=bearer("staff-2"))

    assert [a.status_code for a in answers] == [404, 404, 429]
    assert answers[2].headers["Retry-After"] == "2"
    assert answers[2].headers["content-type"] == "application/json"
    assert answers[2].json()["code"] == "rate_limited"
    assert other_filer.status_code == 404


async def test_a_batch_counts_its_items_against_the_batch_route(intake: Intake) -> None:
    limits = {"POST /v1/applications:batch": {"rate": 1, "burst": 4}}
    batch = {"items": [submission_body(f"sub-{i}") for i in range(3)]}
    async with await api_client(intake, **limits) as client:
        first = await client.post("/v1/applications:batch", json=batch, headers=bearer())
        second = await client.post("/v1/applications:batch", json=batch, headers=bearer())
        one = await client.post("/v1/applications:batch", json={"items": batch["items"][:1]}, headers=bearer())

    assert (first.status_code, second.status_code, one.status_code) == (200, 429, 200)


async def test_requests_without_a_valid_token_spend_no_filers_budget(intake: Intake) -> None:
    async with await api_client(intake, **{"*": {"rate": 1, "burst": 1}}) as client:
        anonymous = [await client.get("/v1/applications/P-1") for _ in range(3)]
        mine = await client.get("/v1/applications/P-1", headers=bearer())

    assert {a.status_code for a in anonymous} == {401}
    assert mine.status_code == 404


@pytest.fixture
async def open_route() -> AsyncIterator[httpx.AsyncClient]:
    """An open route limited by the client's address, as a public endpoint would be."""
    limiter = RateLimiter(FakeSlots(), {"GET /check": RateLimit(rate=1, burst=2)}, Clock(NOW))
    app = FastAPI()
    app.router.route_class = limited_route(4096)

    @app.get("/check", dependencies=[Depends(limiter.per_client())])
    async def check() -> dict[str, str]:
        return {"answer": "no match"}

    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        yield client


async def test_an_open_route_is_limited_by_the_clients_address(open_route: httpx.AsyncClient) -> None:
    answers = [await open_route.get("/check") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].headers["Retry-After"] == "2"
