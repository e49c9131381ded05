"""On the real servers: a portal filing time far ahead of intake's clock or far back is refused with a reason
the portal can read; the records beside it are taken. (Over HTTP the filing time is intake's own clock.)"""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from contracts import cloudevents as ce
from contracts.topics import INTAKE_APPLICATION_RECEIVED, PORTAL_APPLICATION_SUBMITTED
from services.intake.domain.numbering import application_id_for
from services.intake.settings import IntakeSettings
from tests.running import running
from tests.servers import Servers

from .builders import an_application
from .support import end_offsets, header, intake_settings, isolated, keyed, private, private_topics, publish, read_after

FAR_AHEAD = datetime(9085, 1, 1, tzinfo=UTC)
FAR_BACK = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture
async def settings(
    kafka: str, servers: Servers, database: AsyncDatabase[dict[str, Any]]
) -> AsyncIterator[IntakeSettings]:
    """The test's intake with the filing window as shipped (the shared settings widen it for dated stories)."""
    defaults = IntakeSettings.model_fields
    configured = intake_settings(
        kafka,
        servers.mongodb_uri,
        database.name,
        submitted_at_max_ahead_seconds=defaults["submitted_at_max_ahead_seconds"].default,
        submitted_at_max_age_days=defaults["submitted_at_max_age_days"].default,
    )
    async with private_topics(configured):
        yield configured


async def test_portal_submissions_dated_far_ahead_or_far_back_are_dead_lettered_with_the_reason(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    run = uuid.uuid4().hex[:8]
    ahead, back, fine = f"ahead-{run}", f"back-{run}", f"fine-{run}"
    submitted = private(settings, PORTAL_APPLICATION_SUBMITTED)
    letters_from = await end_offsets(kafka, submitted.dlq)
    received_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_RECEIVED).name)
    events = [
        (submitted, an_application(ahead).model_copy(update={"submitted_at": FAR_AHEAD}), f"evt-{ahead}"),
        (submitted, an_application(back).model_copy(update={"submitted_at": FAR_BACK}), f"evt-{back}"),
        (submitted, an_application(fine).model_copy(update={"submitted_at": datetime.now(UTC)}), f"evt-{fine}"),
    ]

    async with running(await isolated(settings)):
        await publish(kafka, events)
        letters = await read_after(kafka, letters_from, keyed(ahead, back), 2, settle=0)
        await read_after(kafka, received_from, keyed(application_id_for(fine, "staff-1")), 1, settle=0)

    errors = {letter.key.decode(): header(letter, ce.DLQ_ERROR_HEADER) for letter in letters if letter.key}
    assert {header(letter, ce.DLQ_REASON_HEADER) for letter in letters} == {"failed"}
    assert errors[ahead] == (
        f"RejectedRecord: submitted_at_in_future: {application_id_for(ahead, 'staff-1')}: "
        "submitted_at is more than 5 minutes ahead of intake's clock"
    )
    assert errors[back] == (
        f"RejectedRecord: submitted_at_too_old: {application_id_for(back, 'staff-1')}: "
        "submitted_at is more than 30 days before intake received it"
    )
    stored = await database.applications.find({}).to_list()
    assert [document["_id"] for document in stored] == [application_id_for(fine, "staff-1")]
