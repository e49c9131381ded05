"""On the real servers: intake's /metrics parses, counts requests to its API by route and status, tells the
outbox's backlog, and has a lag gauge for each partition of each topic it consumes."""

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.intake.settings import IntakeSettings
from tests.integration.kafka_helpers import eventually
from tests.integration.metrics_text import groups_with_lag, samples
from tests.running import running

from .support import isolated, name_of
from .test_http_submission import bearer, body


async def test_metrics_count_api_requests_and_tell_the_outbox_backlog_and_every_groups_lag(
    settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    # A write that never landed: its marker waits (the relay clears such markers only after 30 s).
    await database.outbox_pending.insert_one(
        {
            "_id": "app-x/1",
            "application_id": "app-x",
            "version": 1,
            "at": datetime.now(UTC) - timedelta(seconds=10),
            "events": 2,
        }
    )
    service = await isolated(settings)
    async with running(service) as client:
        first = await client.post("/v1/applications", json=body("sub-1"), headers=bearer("staff-1"))
        await client.post("/v1/applications", json=body("sub-2"), headers=bearer("staff-1"))
        await client.get("/v1/applications/no-such-number", headers=bearer("staff-1"))
        await eventually(lambda: _markers(database, 1))  # the submissions' own events are published
        text = (await client.get("/metrics")).text

    found = samples(text)
    assert first.status_code == 202
    posted = (("method", "POST"), ("route", "/v1/applications"), ("status", "202"))
    assert found["http_requests_total", posted] == 2
    read = (("method", "GET"), ("route", "/v1/applications/{number}"), ("status", "404"))
    assert found["http_requests_total", read] == 1
    assert found["outbox_pending_events", ()] == 2
    assert 10 <= found["outbox_oldest_pending_age_seconds", ()] < 60
    assert groups_with_lag(found) == {d.group_id for d in service.deliveries}
    assert all(d.group_id.startswith(name_of(settings)) for d in service.deliveries)
    assert found["service_ready", ()] == 1


async def _markers(database: AsyncDatabase[dict[str, Any]], count: int) -> bool:
    return await database.outbox_pending.count_documents({}) == count
