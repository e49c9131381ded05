"""On the real database: two intake instances behind one address share each filer's rate limit."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import FixedClock
from services.intake.app import build
from services.intake.settings import IntakeSettings
from tests.running import running

from .support import intake_settings, name_of, prefix_of
from .test_http_submission import bearer

BURST = 10


async def test_two_instances_admit_no_more_than_the_burst_together_and_answer_the_rest_429(
    settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    route = {"GET /v1/applications/{number}": {"rate": 5, "burst": BURST}}
    uri = settings.mongodb_uri.get_secret_value()
    limited = intake_settings(settings.kafka_bootstrap_servers, uri, database.name, rate_limits=route)
    clock = FixedClock(datetime.now(UTC))  # one window for the whole burst, wherever it falls on the real clock
    # Two instances of one intake (one name, one database), as `deploy/services.sh start intake-2` runs them.
    name, prefix = name_of(settings), prefix_of(settings)
    first, second = (build(limited, clock=clock, name=name, topic_prefix=prefix) for _ in range(2))

    async with running(first) as one, running(second) as two:
        answers = await asyncio.gather(*(burst(client) for _ in range(20) for client in (one, two)))

    admitted = [a for a in answers if a.status_code != 429]
    refused = [a for a in answers if a.status_code == 429]
    assert len(admitted) == BURST
    assert {a.status_code for a in admitted} == {404}
    assert len(refused) == 40 - BURST
    assert {(a.headers["content-type"], a.json()["code"]) for a in refused} == {("application/json", "rate_limited")}
    assert {a.headers["Retry-After"] for a in refused} <= {"1", "2"}  # the rest of a 2-second window, rounded up
    assert await database.rate_limit_slots.count_documents({}) == BURST


async def burst(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get("/v1/applications/P-20260302-99999999", headers=bearer("staff-burst"))
