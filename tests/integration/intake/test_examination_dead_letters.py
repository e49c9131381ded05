"""On the real servers: an examination event whose text could mislead a person is dead-lettered, naming the field."""

import uuid
from datetime import date
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from contracts import cloudevents as ce
from contracts.application import StatusOfResidence
from contracts.examination import CoeIssued
from contracts.topics import EXAMINATION_COE_ISSUED
from services.intake.settings import IntakeSettings
from tests.running import running

from .support import end_offsets, header, isolated, keyed, private, publish, read_after


async def test_a_coe_with_a_javascript_registration_url_is_dead_lettered_naming_the_field(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    application_id = f"app-{uuid.uuid4().hex[:8]}"
    issued = private(settings, EXAMINATION_COE_ISSUED)
    letters_from = await end_offsets(kafka, issued.dlq)
    coe = CoeIssued(
        application_id=application_id,
        certificate_number="COE-2026-000123",
        holder_name="Maria Santos",
        status=StatusOfResidence(code="engineer_humanities_international"),
        issued_on=date(2026, 11, 30),
        registration_url="https://example.go.jp/coe/register",
    )
    # As a faulty or hostile upstream would send it: the contract refuses to build such an event.
    hostile = coe.model_copy(update={"registration_url": "javascript:alert(document.cookie)"})

    async with running(await isolated(settings)):
        await publish(kafka, [(issued, hostile, f"evt-{application_id}")])
        [letter] = await read_after(kafka, letters_from, keyed(application_id), 1, settle=0)

    assert header(letter, ce.DLQ_REASON_HEADER) == ce.DLQ_REASON_MALFORMED
    error = header(letter, ce.DLQ_ERROR_HEADER)
    assert error.startswith("invalid data: registration_url: String should match pattern '^https://"), error
    assert "javascript" not in error
    assert await database.parked_records.count_documents({}) == 0
