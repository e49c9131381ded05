"""On the real servers: a portal's submission becomes one stored application and one ApplicationReceived."""

import uuid
from datetime import UTC, datetime
from typing import Any

from cloudevents.core.bindings import kafka as sdk_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pymongo.asynchronous.database import AsyncDatabase

from chassis.delivery import group_id
from contracts import cloudevents as ce
from contracts.intake import ApplicationReceived
from contracts.topics import INTAKE_APPLICATION_RECEIVED, PORTAL_APPLICATION_SUBMITTED
from services.intake.domain.numbering import application_id_for
from services.intake.settings import IntakeSettings
from tests.integration.kafka_helpers import produce
from tests.running import running

from .builders import an_application
from .support import end_offsets, header, isolated, keyed, name_of, private, publish, read_after


async def test_an_upstream_submission_becomes_one_application_and_one_event_even_when_repeated(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    submission_id = f"sub-{uuid.uuid4().hex[:8]}"
    application_id = application_id_for(submission_id, "staff-1")
    submitted = private(settings, PORTAL_APPLICATION_SUBMITTED)
    received_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_RECEIVED).name)
    event = (submitted, an_application(submission_id), f"evt-{submission_id}")

    async with running(await isolated(settings)):
        await publish(kafka, [event])
        [record] = await read_after(kafka, received_from, keyed(application_id), 1)
        await publish(kafka, [event])  # the same event again, as a redelivery would bring it
        await publish(kafka, [(submitted, an_application(submission_id), "evt-resent")])
        repeats = await read_after(kafka, received_from, keyed(application_id), 1, settle=3.0)

    received = ApplicationReceived.model_validate_json(record.value)
    assert received.application_id == application_id
    assert received.channel == "kafka"
    assert header(record, "ce_causationid") == f"evt-{submission_id}"
    assert [r.offset for r in repeats] == [record.offset]
    stored = await database.applications.find({}).to_list()
    assert [(s["_id"], s["provisional_number"]) for s in stored] == [(application_id, received.provisional_number)]
    assert await database.outbox_pending.count_documents({}) == 0


async def test_a_record_that_is_not_a_submission_is_dead_lettered_with_the_reason(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    key = f"bad-{uuid.uuid4().hex[:8]}"
    submitted = private(settings, PORTAL_APPLICATION_SUBMITTED)
    letters_from = await end_offsets(kafka, submitted.dlq)
    bad = b'{"submission_id": "x"}'
    headers = [
        (f"ce_{a}", v.encode())
        for a, v in {
            "specversion": "1.0",
            "id": key,
            "source": "/portal",
            "type": submitted.event_type,
        }.items()
    ]

    async with running(await isolated(settings)):
        await produce(kafka, [(submitted.name, key.encode(), bad, headers)])
        [letter] = await read_after(kafka, letters_from, keyed(key), 1, settle=0)

    assert header(letter, ce.DLQ_CONSUMER_GROUP_HEADER) == group_id(name_of(settings), submitted)
    assert header(letter, ce.DLQ_REASON_HEADER) == "malformed"
    assert "filer: Field required" in header(letter, ce.DLQ_ERROR_HEADER)
    assert await database.applications.count_documents({}) == 0


async def test_a_submission_in_structured_mode_as_the_cloudevents_sdk_writes_it_becomes_an_application(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    submission_id = f"sub-{uuid.uuid4().hex[:8]}"
    application_id = application_id_for(submission_id, "staff-1")
    submitted = private(settings, PORTAL_APPLICATION_SUBMITTED)
    received_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_RECEIVED).name)
    event = CloudEvent(
        attributes={
            "specversion": "1.0",
            "id": f"evt-{submission_id}",
            "source": "/portal/example",
            "type": submitted.event_type,
            "time": datetime.now(UTC),
            "datacontenttype": "application/json",
            "partitionkey": submission_id,  # the SDK keys the record by it
            "correlationid": f"corr-{submission_id}",
        },
        data=an_application(submission_id).model_dump(mode="json"),
    )
    message = sdk_kafka.to_structured(event, JSONFormat())
    key = message.key.encode() if isinstance(message.key, str) else message.key
    headers = [(name, value) for name, value in message.headers.items()]
    assert dict(headers)["content-type"].startswith(b"application/cloudevents+json")

    async with running(await isolated(settings)):
        await produce(kafka, [(submitted.name, key, message.value, headers)])
        [record] = await read_after(kafka, received_from, keyed(application_id), 1)

    received = ApplicationReceived.model_validate_json(record.value)
    assert received.application_id == application_id
    assert received.application.submission_id == submission_id
    assert header(record, "ce_causationid") == f"evt-{submission_id}"
    assert header(record, "ce_correlationid") == f"corr-{submission_id}"
    assert header(record, "content-type") == "application/json"  # what we write stays binary
    assert await database.applications.count_documents({"_id": application_id}) == 1
