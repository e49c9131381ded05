"""End to end: the real service process is killed between storing applications and publishing their events.

The first process is intake with a test adapter (`held_intake.py`) whose every
publish waits before it starts, so both an HTTP submission and a portal
submission are stored with their events in their outbox markers, and then the process is
SIGKILLed. A second process, started normally, publishes them: each event goes out
at least once, always with the id it was stored with, and each application exists once.
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from contracts.topics import (
    INTAKE_APPLICATION_RECEIVED,
    INTAKE_APPLICATION_STATUS_CHANGED,
    PORTAL_APPLICATION_SUBMITTED,
)
from services.intake.domain.numbering import application_id_for
from services.intake.settings import IntakeSettings
from services.intake.tokens import issue
from tests.integration.intake.builders import an_application
from tests.integration.intake.support import (
    SECRET,
    end_offsets,
    header,
    intake_settings,
    keyed,
    name_of,
    prefix_of,
    private,
    private_topics,
    publish,
    read_after,
)
from tests.integration.kafka_helpers import eventually
from tests.servers import Servers

REPO = Path(__file__).resolve().parents[3]
TOKEN = {
    "sub": "staff-1",
    "category": "organisation_staff",
    "name": "担当 太郎",
    "email": "tanto@example.co.jp",
    "iss": "residence-online",
    "aud": "intake",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def service_env(settings: IntakeSettings, port: int) -> dict[str, str]:
    """The environment of a service process that is the test's copy: its database and port (its name and topics
    are `private_intake`'s arguments)."""
    return {
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "MONGODB_URI": settings.mongodb_uri.get_secret_value(),
        "MONGODB_DATABASE": str(settings.mongodb_database),
        "JWT_SECRET": SECRET,
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "warning",
        "OUTBOX_GRACE_SECONDS": "0.5",
        "OUTBOX_RELAY_INTERVAL_SECONDS": "0.2",
        "PUBLISH_TIMEOUT_SECONDS": "1",
        "SUBMITTED_AT_MAX_AGE_DAYS": str(settings.submitted_at_max_age_days),
    }


@contextmanager
def service_process(
    settings: IntakeSettings, env: dict[str, str], log: Path, module: str = "tests.e2e.intake.private_intake"
) -> Iterator[subprocess.Popen[bytes]]:
    """`uv run python -m <module> <name> <topic prefix>` (the test's copy of intake) in its own process group,
    so that a kill reaches the service itself and not only `uv`; its log goes to `log`."""
    process = subprocess.Popen(
        ["uv", "run", "python", "-m", module, name_of(settings), prefix_of(settings)],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kill(process)


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to `uv` and the service under it: no shutdown, no flush, as in a crash."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@asynccontextmanager
async def client_of(port: int) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:

        async def ready() -> bool:
            try:
                return (await client.get("/health/ready")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(ready, timeout=60)
        yield client


async def test_a_kill_between_store_and_publish_loses_nothing_and_doubles_nothing(
    kafka: str, servers: Servers, database: AsyncDatabase[dict[str, Any]], tmp_path: Path
) -> None:
    settings = intake_settings(kafka, servers.mongodb_uri, database.name)
    async with private_topics(settings):  # its own topics: nothing else reacts to what it publishes
        await crash_and_recover(settings, database, tmp_path)


async def crash_and_recover(settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]], logs: Path) -> None:
    kafka = settings.kafka_bootstrap_servers
    port = free_port()
    env = service_env(settings, port)
    portal_submission = f"sub-{uuid.uuid4().hex[:8]}"
    http_submission = f"sub-{uuid.uuid4().hex[:8]}"
    ids = [application_id_for(s, "staff-1") for s in (portal_submission, http_submission)]
    received_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_RECEIVED).name)
    changed_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_STATUS_CHANGED).name)
    submitted = private(settings, PORTAL_APPLICATION_SUBMITTED)

    with service_process(settings, env, logs / "first.log", module="tests.e2e.intake.held_intake") as doomed:
        async with client_of(port) as client:
            await publish(kafka, [(submitted, an_application(portal_submission), "evt-e2e")])
            answer = await client.post(
                "/v1/applications",
                json={
                    "submission_id": http_submission,
                    "form": {"procedure": "certificate_of_eligibility"},
                    "applicant": {"name": "NGUYEN VAN AN", "nationality": "VNM", "date_of_birth": "1995-04-01"},
                },
                headers={"Authorization": f"Bearer {issue(TOKEN, secret=SECRET)}"},
            )
            assert answer.status_code == 202  # stored: the answer does not wait for a broker that hangs
            await eventually(lambda: both_pending(database, ids), timeout=30)
            kill(doomed)
    # The events still to publish, as their markers hold them.
    left = {m["application_id"]: list(json.loads(m["outbox"])) async for m in database.outbox_pending.find({})}
    assert await published(kafka, received_from, ids) == []  # nothing went out before the kill

    with service_process(settings, env, logs / "second.log"):
        async with client_of(port):
            received = await read_after(kafka, received_from, keyed(*ids), 2, settle=2.0)
            changed = await read_after(kafka, changed_from, keyed(*ids), 2, settle=0)
            await eventually(lambda: nothing_pending(database), timeout=20)

    for application_id in ids:
        ids_out = {header(r, "ce_id") for r in received + changed if r.key == application_id.encode()}
        assert ids_out == set(left[application_id])
    assert sorted([doc["_id"] async for doc in database.applications.find({})]) == sorted(ids)


async def both_pending(database: AsyncDatabase[dict[str, Any]], ids: list[str]) -> bool:
    stored = await database.applications.count_documents({})
    return stored == 2 and await database.outbox_pending.count_documents({"application_id": {"$in": ids}}) == 2


async def nothing_pending(database: AsyncDatabase[dict[str, Any]]) -> bool:
    return await database.outbox_pending.count_documents({}) == 0


async def published(kafka: str, start: Any, ids: list[str]) -> list[Any]:
    await asyncio.sleep(0.5)
    try:
        return await read_after(kafka, start, keyed(*ids), 1, timeout=1.0, settle=0)
    except AssertionError:
        return []
