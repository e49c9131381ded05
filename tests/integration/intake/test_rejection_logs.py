"""On the real servers: each record intake rejects is one log line an operator can read, with its reason and
ids, and no traceback; what the record held never reaches the log."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from contracts import cloudevents as ce
from contracts.topics import INTAKE_APPLICATION_RECEIVED, PORTAL_APPLICATION_SUBMITTED
from services.intake.domain.numbering import application_id_for
from services.intake.settings import IntakeSettings
from tests.integration.kafka_helpers import cloudevent, produce
from tests.log_capture import captured_log
from tests.running import running

from .builders import an_application
from .support import end_offsets, isolated, keyed, private, read_after

FAR_AHEAD = datetime(9085, 1, 1, tzinfo=UTC)
TOPICS_NOT_CREATED = "Auto create topics is disabled. Make sure the topics exist."
"""FastStream's note at start-up, once per subscription: topics are provisioned on purpose (chassis.provision)."""
PERSONAL = ("NGUYEN VAN AN", "1890-01-01", "an@example.com", "担当 太郎", "tanto@example.co.jp")


async def test_a_malformed_an_invalid_and_a_refused_submission_are_one_line_each_with_the_reason_and_no_traceback(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    run = uuid.uuid4().hex[:8]
    junk, invalid, ahead, fine = f"junk-{run}", f"invalid-{run}", f"ahead-{run}", f"fine-{run}"
    submitted = private(settings, PORTAL_APPLICATION_SUBMITTED)
    letters_from = await end_offsets(kafka, submitted.dlq)
    received_from = await end_offsets(kafka, private(settings, INTAKE_APPLICATION_RECEIVED).name)

    def headers(event_id: str) -> list[tuple[str, bytes]]:
        attributes = {"specversion": "1.0", "id": event_id, "source": "/portal", "type": submitted.event_type}
        return [(f"ce_{name}", value.encode()) for name, value in attributes.items()]

    # The applicant's name and a date of birth before 1900, where the contract wants neither.
    personal = an_application(invalid).model_dump(mode="json")
    personal["applicant"].update(nationality=None, date_of_birth="born 1890-01-01")
    refused = an_application(ahead).model_copy(update={"submitted_at": FAR_AHEAD})

    with captured_log("intake") as log:
        async with running(await isolated(settings)):
            await produce(
                kafka,
                [
                    (submitted.name, junk.encode(), b"NGUYEN VAN AN, 1890-01-01", headers(f"evt-{junk}")),
                    (submitted.name, invalid.encode(), _json(personal), headers(f"evt-{invalid}")),
                    cloudevent(submitted, refused, f"evt-{ahead}"),
                    cloudevent(submitted, an_application(fine).model_copy(update={"submitted_at": datetime.now(UTC)})),
                ],
            )
            await read_after(kafka, letters_from, keyed(junk, invalid, ahead), 3, settle=0)
            await read_after(kafka, received_from, keyed(application_id_for(fine, "staff-1")), 1, settle=0.5)

    about = {key: [line for line in log.lines() if key in str(line.get("key"))] for key in (junk, invalid, ahead)}
    assert {key: len(lines) for key, lines in about.items()} == {junk: 1, invalid: 1, ahead: 1}, log.text
    [junk_line], [invalid_line], [ahead_line] = about.values()
    for line in (junk_line, invalid_line, ahead_line):
        assert line["event"] == "record dead-lettered"
        assert line["level"] == "warning"
        assert line["topic"] == submitted.name
        assert line["service"] == "intake"
    assert junk_line["dlq_reason"] == ce.DLQ_REASON_MALFORMED
    assert junk_line["reason"] == "invalid data: <root>: json_invalid"
    assert invalid_line["dlq_reason"] == ce.DLQ_REASON_MALFORMED
    # An unreadable record is named by its coordinates: its event id may be what could not be read.
    assert invalid_line["event_id"] == f"{submitted.name}/{invalid_line['partition']}/{invalid_line['offset']}"
    assert invalid_line["reason"] == (
        "invalid data: applicant.nationality: string_type; applicant.date_of_birth: date_from_datetime_parsing"
    )
    assert ahead_line["dlq_reason"] == ce.DLQ_REASON_FAILED
    assert ahead_line["event_id"] == f"evt-{ahead}"
    assert ahead_line["reason"].startswith(
        f"RejectedRecord: submitted_at_in_future: {application_id_for(ahead, 'staff-1')}"
    )
    assert "Traceback" not in log.text
    # Nothing else is worth a warning: no line per attempt, none without the record's ids.
    notable = [line for line in log.lines() if line["level"] != "info" and line["event"] != TOPICS_NOT_CREATED]
    assert sorted(line.get("key") for line in notable) == sorted([junk, invalid, ahead]), log.text
    for value in PERSONAL:
        assert value not in log.text, value


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()
