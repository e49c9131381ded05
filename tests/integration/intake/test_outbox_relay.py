"""On the real servers: what a crash left in an application's outbox goes out when the service starts again."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from contracts.intake import Channel
from contracts.topics import INTAKE_APPLICATION_RECEIVED, INTAKE_APPLICATION_STATUS_CHANGED
from services.intake.adapters.repository import MongoApplications
from services.intake.domain.application import new_application
from services.intake.domain.numbering import application_id_for
from services.intake.handlers.outputs import Outputs
from services.intake.handlers.ports import Stored
from services.intake.settings import IntakeSettings
from tests.integration.kafka_helpers import eventually
from tests.running import running

from .builders import an_application
from .support import end_offsets, header, isolated, keyed, private, read_after


class LongAgo:
    def now(self) -> datetime:
        return datetime.now(UTC) - timedelta(minutes=5)


def written_before_a_crash(submission_id: str) -> Stored:
    """What the submission handler writes, as it was when the process died before publishing."""
    application = an_application(submission_id)
    application_id = application_id_for(submission_id, "staff-1")
    state = new_application(
        application,
        application_id=application_id,
        provisional_number="P-20260302-99000001",
        channel=Channel.KAFKA,
        source_event_id="evt-crash",
    )
    outputs = Outputs(state, application, "evt-crash", None)
    now = datetime.now(UTC)
    return Stored(state, application, now, 1, (outputs.received(now), outputs.status_changed(None)))


async def test_events_left_pending_by_a_crash_are_published_at_start_up_with_their_ids(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    stored = written_before_a_crash(f"sub-{uuid.uuid4().hex[:8]}")
    application_id = stored.state.application_id
    await MongoApplications(database, LongAgo()).insert([stored])
    received_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_RECEIVED).name)
    changed_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_STATUS_CHANGED).name)

    async with running(await isolated(settings)):
        [received] = await read_after(kafka, received_from, keyed(application_id), 1)
        [changed] = await read_after(kafka, changed_from, keyed(application_id), 1)
        await eventually(lambda: pending(database), timeout=10)

    assert header(received, "ce_id") == stored.outbox[0].id
    assert header(changed, "ce_id") == stored.outbox[1].id
    assert received.value == stored.outbox[0].data.model_dump_json().encode()


async def pending(database: AsyncDatabase[dict[str, Any]]) -> bool:
    return await database.outbox_pending.count_documents({}) == 0
