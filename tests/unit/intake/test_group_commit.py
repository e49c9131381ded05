"""Concurrent HTTP submissions share one commit, and each is answered as if it had run alone."""

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from pymongo.errors import AutoReconnect

from services.intake.handlers.ports import OutboxEvent, Stored

from .fakes import FakeApplications, FakePublisher
from .wiring import Intake, bearer, submission_body


class HeldPublisher(FakePublisher):
    """Holds every publish until `release` is set: the first commit stays in flight while others arrive."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.held = 0

    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        self.held += 1
        await self.release.wait()
        await super().publish(events)


class Unreachable(FakeApplications):
    """A database that refuses every insert, as one out of reach does."""

    async def insert(self, applications: Sequence[Stored]) -> set[str]:
        self.writes += 1
        raise AutoReconnect("connection refused")


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("never happened")


def client_of(intake: Intake, **settings: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=intake.api(**settings))
    return httpx.AsyncClient(transport=transport, base_url="http://intake")


async def post(client: httpx.AsyncClient, submission_id: str, **headers: str) -> httpx.Response:
    body = submission_body(submission_id)
    return await client.post("/v1/applications", json=body, headers={**bearer(), **headers})


async def test_requests_arriving_while_a_commit_runs_are_stored_and_published_in_one_more() -> None:
    publisher = HeldPublisher()
    intake = Intake(publisher=publisher)
    async with client_of(intake, api_commits_in_flight=1) as client:
        first = asyncio.create_task(post(client, "sub-0"))
        await until(lambda: publisher.held == 1)
        rest = [asyncio.create_task(post(client, f"sub-{n}")) for n in range(1, 5)]
        await until(lambda: intake.group.waiting == 4)
        publisher.release.set()
        answers = [await first, *await asyncio.gather(*rest)]

    assert [a.status_code for a in answers] == [202] * 5
    assert (intake.applications.writes, publisher.held) == (2, 2)  # one insert and one publish per commit
    assert [count for _, count in intake.numbers.calls] == [1, 4]
    by_id = {s.state.application_id: s.state.provisional_number for s in intake.applications.documents.values()}
    assert {a.json()["application_id"]: a.json()["provisional_number"] for a in answers} == by_id
    assert len(publisher.published) == 10  # received and status-changed, for each


async def test_a_failed_shared_commit_answers_every_request_of_it_as_a_lone_request_is_answered() -> None:
    async with client_of(Intake(applications=Unreachable())) as client:
        alone = await post(client, "sub-0")
    intake = Intake(applications=Unreachable(), publisher=HeldPublisher())
    async with client_of(intake, api_commits_in_flight=1) as client:
        first = asyncio.create_task(post(client, "sub-held", **{"Idempotency-Key": "key-held"}))
        await until(lambda: intake.applications.writes == 1)  # the first commit fails on its own
        answers = [await first]
        held = [asyncio.create_task(post(client, f"sub-{n}", **{"Idempotency-Key": f"key-{n}"})) for n in range(3)]
        answers += await asyncio.gather(*held)

    assert alone.status_code == 503
    assert [(a.status_code, a.json(), a.headers["retry-after"]) for a in answers] == [
        (alone.status_code, alone.json(), alone.headers["retry-after"])
    ] * 4
    assert intake.keys.records == {}  # every key is free again: each client's retry runs anew


async def test_when_a_shared_publish_fails_every_request_of_the_group_gets_the_same_answer() -> None:
    publisher = HeldPublisher()
    intake = Intake(publisher=publisher)
    async with client_of(intake, api_commits_in_flight=1) as client:
        first = asyncio.create_task(post(client, "sub-0"))
        await until(lambda: publisher.held == 1)
        rest = [asyncio.create_task(post(client, f"sub-{n}")) for n in range(1, 4)]
        await until(lambda: intake.group.waiting == 3)
        publisher.failing = ConnectionError("broker down")
        publisher.release.set()
        answers = [await first, *await asyncio.gather(*rest)]

    assert {(a.status_code, a.content) for a in answers} == {(answers[0].status_code, answers[0].content)}
    assert answers[0].status_code >= 500
    assert (intake.applications.writes, publisher.held) == (2, 2)


async def test_idempotent_replays_of_grouped_requests_get_their_first_answers_and_store_nothing_more() -> None:
    publisher = HeldPublisher()
    intake = Intake(publisher=publisher)
    async with client_of(intake, api_commits_in_flight=1) as client:
        first = asyncio.create_task(post(client, "sub-0", **{"Idempotency-Key": "key-0"}))
        await until(lambda: publisher.held == 1)
        rest = [asyncio.create_task(post(client, f"sub-{n}", **{"Idempotency-Key": f"key-{n}"})) for n in (1, 2)]
        await until(lambda: intake.group.waiting == 2)
        publisher.release.set()
        answers = [await first, *await asyncio.gather(*rest)]
        replays = [await post(client, f"sub-{n}", **{"Idempotency-Key": f"key-{n}"}) for n in (0, 1, 2)]

    assert [(r.status_code, r.content) for r in replays] == [(a.status_code, a.content) for a in answers]
    assert len(intake.applications.documents) == 3
    assert len(publisher.published) == 6
