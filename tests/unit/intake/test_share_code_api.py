"""Share codes over HTTP on fakes: the filer's routes, and a check that tells a third party nothing personal."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.intake.adapters.api.auth import TokenVerifier
from services.intake.adapters.api.rate_limit import RateLimiter
from services.intake.adapters.api.share_codes import ShareCodeDeps, share_code_router
from services.intake.domain.inputs import InputKind as K
from services.intake.domain.numbering import application_id_for
from services.intake.handlers.filer_access import FilerAccess
from services.intake.handlers.progress import Progress
from services.intake.handlers.share_codes import CheckShareCode, ShareCodeAccess

from .builders import an_input
from .share_code_fakes import FakeAttemptSlots, FakeShareCodes
from .test_api import PERSONAL
from .wiring import Intake, bearer, settings, submission_body

BORN, WRONG = "1995-04-01", "1995-04-02"
NEVER_IN_AN_ANSWER = (*PERSONAL, "P-2026", "ON-2026", "app-", "staff-1", "granted", "denied")


class World:
    def __init__(self) -> None:
        self.intake = Intake()
        self.codes, self.slots = FakeShareCodes(), FakeAttemptSlots()

    def app(self, **overrides: Any) -> FastAPI:
        config = settings(**overrides)
        access = FilerAccess(self.intake.applications, self.intake.progress, self.intake.clock)
        limits = config.share_check_limits()
        deps = ShareCodeDeps(
            settings=config,
            access=ShareCodeAccess(
                access, self.codes, self.slots, self.intake.clock, valid_for=timedelta(days=30), limits=limits
            ),
            check=CheckShareCode(self.intake.applications, self.codes, self.slots, self.intake.clock, limits),
            verifier=TokenVerifier(config),
            limiter=RateLimiter(self.intake.slots, config.rate_limits, self.intake.clock),
        )
        app = self.intake.api(**overrides)
        app.include_router(share_code_router(deps))
        return app


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    limits = {"share_code_lock_after_misses": 4, "share_check_misses_per_code": 3}
    app = world.app(**limits, share_check_client_header="X-Real-IP")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        yield client


async def accepted(client: httpx.AsyncClient, world: World) -> str:
    """An application of staff-1 that is accepted and under examination; its provisional number."""
    submitted = await client.post("/v1/applications", json=submission_body(), headers=bearer())
    app_id = application_id_for("sub-1", "staff-1")
    await assess(world, app_id, K.ASSESSED_ELIGIBLE)
    return str(submitted.json()["provisional_number"])


async def assess(world: World, app_id: str, *kinds: K) -> None:
    for n, kind in enumerate(kinds):
        await world.intake.progress([Progress(app_id, an_input(kind, f"evt-{kind}-{n}", 60 + n))])


async def share(client: httpx.AsyncClient, number: str, sub: str = "staff-1") -> httpx.Response:
    return await client.post(f"/v1/applications/{number}/share-codes", headers=bearer(sub))


async def check(client: httpx.AsyncClient, code: str, born: str = BORN, ip: str = "198.51.100.7") -> httpx.Response:
    return await client.post(
        "/v1/share-code-checks", json={"code": code, "date_of_birth": born}, headers={"X-Real-IP": ip}
    )


def tells_nothing_personal(response: httpx.Response) -> bool:
    return not any(value.lower() in response.text.lower() for value in NEVER_IN_AN_ANSWER)


async def test_a_third_party_with_the_code_and_date_of_birth_learns_only_that_the_application_is_pending(
    client: httpx.AsyncClient, world: World
) -> None:
    created = await share(client, await accepted(client, world))

    answer = await check(client, created.json()["code"].lower().replace("-", " "))

    assert created.status_code == 201
    assert created.json()["state"] == "active"
    assert answer.status_code == 200
    assert answer.json() == {"answer": "pending", "filed_on": "2026-03-02", "special_period_ends_on": "2026-08-31"}
    assert tells_nothing_personal(answer)


async def test_a_decided_application_is_told_decided_with_its_day_and_not_its_outcome(
    client: httpx.AsyncClient, world: World
) -> None:
    number = await accepted(client, world)
    await assess(world, application_id_for("sub-1", "staff-1"), K.DECISION_GRANTED)
    code = (await share(client, number)).json()["code"]

    answer = await check(client, code)

    assert answer.json() == {"answer": "decided", "decided_on": "2026-03-02"}
    assert tells_nothing_personal(answer)


async def test_a_wrong_date_of_birth_an_unknown_code_and_a_revoked_code_all_answer_no_match(
    client: httpx.AsyncClient, world: World
) -> None:
    number = await accepted(client, world)
    created = (await share(client, number)).json()
    revoked_code = (await share(client, number)).json()
    revoked = await client.post(
        f"/v1/applications/{number}/share-codes/{revoked_code['share_code_id']}/revoke", headers=bearer()
    )

    answers = [
        await check(client, created["code"], WRONG),
        await check(client, "0000-0000-0000-0000", ip="198.51.100.8"),
        await check(client, revoked_code["code"], ip="198.51.100.9"),
    ]

    assert revoked.json()["state"] == "revoked"
    assert [(a.status_code, a.json()) for a in answers] == [(200, {"answer": "no_match"})] * 3
    assert all(tells_nothing_personal(a) for a in answers)


async def test_a_code_locks_after_the_configured_misses_and_then_refuses_even_the_right_date(
    client: httpx.AsyncClient, world: World
) -> None:
    number = await accepted(client, world)
    created = (await share(client, number)).json()
    # Misses from several clients, in two windows, so that only the lock stops them.
    misses = [await check(client, created["code"], WRONG, ip=f"203.0.113.{n}") for n in range(3)]
    world.intake.clock.at += timedelta(minutes=15)
    misses.append(await check(client, created["code"], WRONG, ip="203.0.113.9"))

    locked = await check(client, created["code"], BORN, ip="203.0.113.10")
    listed = await client.get(f"/v1/applications/{number}/share-codes", headers=bearer())

    assert [m.json()["answer"] for m in misses] == ["no_match"] * 4
    assert (locked.status_code, locked.json()["code"]) == (423, "code_locked")
    assert listed.json()["share_codes"][0]["state"] == "locked"
    assert tells_nothing_personal(locked)


async def test_misses_are_limited_per_code_and_per_client_in_each_window_with_retry_after(world: World) -> None:
    app = world.app(
        share_check_misses_per_code=2,
        share_check_misses_per_client=3,
        share_check_window_seconds=600,
        share_check_client_header="X-Real-IP",
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
        number = await accepted(client, world)
        code = (await share(client, number)).json()["code"]
        per_code = [(await check(client, code, WRONG, ip=f"192.0.2.{n}")).status_code for n in range(3)]
        per_client = [(await check(client, f"{n}" * 16, ip="192.0.2.99")).status_code for n in range(4)]
        limited = await check(client, f"{5}" * 16, ip="192.0.2.99")
        right_elsewhere = await check(client, code, BORN, ip="192.0.2.50")

    assert per_code == [200, 200, 429]
    assert per_client == [200, 200, 200, 429]
    assert limited.headers["Retry-After"] == "600"
    assert limited.json()["code"] == "too_many_attempts"
    assert right_elsewhere.status_code == 429  # the code's window is spent, whoever asks


async def test_a_right_answer_is_not_a_miss(client: httpx.AsyncClient, world: World) -> None:
    code = (await share(client, await accepted(client, world))).json()["code"]

    answers = [(await check(client, code)).status_code for _ in range(10)]

    assert answers == [200] * 10


async def test_every_check_is_recorded_for_the_filer_with_when_and_what_came_of_it(
    client: httpx.AsyncClient, world: World
) -> None:
    number = await accepted(client, world)
    created = (await share(client, number)).json()
    await check(client, created["code"])
    await check(client, created["code"], WRONG)

    checks = await client.get(
        f"/v1/applications/{number}/share-codes/{created['share_code_id']}/checks", headers=bearer()
    )

    assert [c["outcome"] for c in checks.json()["checks"]] == ["pending", "wrong_date_of_birth"]
    assert BORN not in checks.text
    assert WRONG not in checks.text


async def test_another_filers_application_and_codes_answer_like_missing_ones(
    client: httpx.AsyncClient, world: World
) -> None:
    number = await accepted(client, world)
    share_code_id = (await share(client, number)).json()["share_code_id"]
    base = f"/v1/applications/{number}/share-codes"

    answers = [
        await share(client, number, "staff-2"),
        await client.get(base, headers=bearer("staff-2")),
        await client.post(f"{base}/{share_code_id}/revoke", headers=bearer("staff-2")),
        await client.get(f"{base}/{share_code_id}/checks", headers=bearer("staff-2")),
    ]

    assert [a.status_code for a in answers] == [404] * 4
    assert world.codes.codes[share_code_id].revoked_at is None


async def test_only_the_codes_hash_is_stored_and_the_listing_never_shows_a_code(
    client: httpx.AsyncClient, world: World
) -> None:
    number = await accepted(client, world)
    code = (await share(client, number)).json()["code"]

    listed = await client.get(f"/v1/applications/{number}/share-codes", headers=bearer())

    assert code not in repr(world.codes.codes)
    assert code.replace("-", "") not in repr(world.codes.codes)
    assert code not in listed.text
    assert "code_hash" not in listed.text


async def test_a_check_with_a_malformed_body_names_the_fields_and_echoes_nothing(client: httpx.AsyncClient) -> None:
    answer = await client.post("/v1/share-code-checks", json={"code": "ABC\n", "date_of_birth": "1995-04-31"})

    assert answer.status_code == 422
    assert {tuple(e["loc"]) for e in answer.json()["detail"]} == {("body", "code"), ("body", "date_of_birth")}
    assert "1995" not in answer.text
    assert "ABC" not in answer.text
