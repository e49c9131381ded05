"""Receiving submissions: one application per filer and submission id, numbered, announced through the outbox."""

from datetime import UTC, datetime, timedelta

import pytest

from contracts.application import Attachment
from contracts.intake import ApplicationReceived, ApplicationStatus, ApplicationStatusChanged, Channel
from contracts.topics import INTAKE_APPLICATION_RECEIVED, INTAKE_APPLICATION_STATUS_CHANGED
from services.intake.domain.numbering import application_id_for
from services.intake.handlers.submit import Received, Refusal, Refused, Submission

from .fakes import NOW
from .wiring import Intake, an_application


def kafka(submission_id: str = "sub-1", event_id: str = "evt-1", **changes: str) -> Submission:
    return Submission(an_application(submission_id, **changes), Channel.KAFKA, event_id, "corr-1")


async def test_a_submission_becomes_one_application_with_a_provisional_number_and_two_events() -> None:
    intake = Intake()

    [result] = await intake.submit([kafka()])

    assert isinstance(result, Received)
    assert result.created
    assert result.state.application_id == application_id_for("sub-1", "staff-1")
    assert result.state.provisional_number == "P-20260302-00000001"  # 01:00 UTC is 10:00 in Japan
    assert result.state.status is ApplicationStatus.SUBMITTED
    [received] = intake.publisher.of_topic(INTAKE_APPLICATION_RECEIVED.name)
    [changed] = intake.publisher.of_topic(INTAKE_APPLICATION_STATUS_CHANGED.name)
    assert isinstance(received.data, ApplicationReceived)
    assert received.data.channel is Channel.KAFKA
    assert received.causation_id == "evt-1"
    assert received.correlation_id == "corr-1"
    assert isinstance(changed.data, ApplicationStatusChanged)
    assert (changed.data.status, changed.data.previous_status, changed.data.revision) == ("submitted", None, 1)
    assert intake.applications.pending_events() == []


async def test_a_redelivered_submission_changes_nothing_and_publishes_nothing_more() -> None:
    intake = Intake()
    [first] = await intake.submit([kafka()])

    [again] = await intake.submit([kafka(event_id="evt-2")])

    assert isinstance(first, Received)
    assert isinstance(again, Received)
    assert not again.created
    assert again.state == first.state
    assert len(intake.applications.documents) == 1
    assert len(intake.publisher.published) == 2


async def test_a_redelivery_publishes_events_a_crash_left_in_the_outbox_with_their_first_ids() -> None:
    intake = Intake()
    intake.publisher.failing = ConnectionError("broker down")
    with pytest.raises(ConnectionError):
        await intake.submit([kafka()])
    left = [event.id for event in intake.applications.pending_events()]
    intake.publisher.failing = None

    await intake.submit([kafka()])

    assert [event.id for event in intake.publisher.published] == left
    assert intake.applications.pending_events() == []


async def test_the_same_submission_over_http_and_kafka_is_one_application_with_the_same_event_ids() -> None:
    over_kafka, over_http = Intake(), Intake()

    await over_kafka.submit([kafka()])
    await over_http.submit([Submission(an_application(), Channel.HTTP, "http:cmd-1")])

    assert [e.id for e in over_kafka.publisher.published] == [e.id for e in over_http.publisher.published]


async def test_a_batch_draws_all_its_numbers_with_one_reservation_and_writes_once() -> None:
    intake = Intake()

    results = await intake.submit([kafka(f"sub-{i}", f"evt-{i}") for i in range(5)])

    numbers = [r.state.provisional_number for r in results if isinstance(r, Received)]
    assert numbers == [f"P-20260302-{i:08d}" for i in range(1, 6)]
    assert intake.numbers.calls == [("provisional:20260302", 5)]
    assert (intake.applications.reads, intake.applications.writes) == (0, 1)  # new ones need no read


async def test_a_submission_id_reused_for_other_content_is_refused() -> None:
    intake = Intake()
    await intake.submit([kafka()])

    [result] = await intake.submit([kafka(event_id="evt-9", name="SOMEONE ELSE")])

    assert isinstance(result, Refused)
    assert result.reason is Refusal.SUBMISSION_ID_REUSED


async def test_the_same_submission_twice_in_one_batch_is_stored_once() -> None:
    intake = Intake()

    first, second = await intake.submit([kafka(event_id="evt-1"), kafka(event_id="evt-2")])

    assert isinstance(first, Received)
    assert first.created
    assert isinstance(second, Received)
    assert not second.created
    assert len(intake.applications.documents) == 1


async def test_attachments_over_25_mb_in_total_are_refused() -> None:
    intake = Intake()
    big = Attachment(document_type="passport", file_name="p.pdf", size_bytes=13 * 1024 * 1024, sha256="a" * 64)
    application = an_application()
    form = application.form.model_copy(update={"attachments": (big, big)})
    application = application.model_copy(update={"form": form})

    [result] = await intake.submit([Submission(application, Channel.KAFKA, "evt-1")])

    assert isinstance(result, Refused)
    assert result.reason is Refusal.ATTACHMENTS_TOO_LARGE
    assert intake.applications.documents == {}


async def test_a_submission_another_instance_stored_first_is_answered_with_that_application() -> None:
    intake = Intake()
    other = Intake(applications=intake.applications)
    [theirs] = await other.submit([kafka()])
    intake.numbers.counters = {"provisional:20260302": 7}  # this instance draws other numbers

    [result] = await intake.submit([kafka(event_id="evt-2")])

    assert isinstance(theirs, Received)
    assert isinstance(result, Received)
    assert result.state.provisional_number == theirs.state.provisional_number
    assert len(intake.applications.documents) == 1


@pytest.mark.parametrize(
    ("submitted_at", "reason"),
    [
        pytest.param(datetime(9085, 1, 1, tzinfo=UTC), Refusal.SUBMITTED_AT_IN_FUTURE, id="far-future"),
        pytest.param(NOW + timedelta(minutes=6), Refusal.SUBMITTED_AT_IN_FUTURE, id="beyond-the-skew"),
        pytest.param(datetime(2000, 1, 1, tzinfo=UTC), Refusal.SUBMITTED_AT_TOO_OLD, id="far-past"),
        pytest.param(NOW - timedelta(days=31), Refusal.SUBMITTED_AT_TOO_OLD, id="older-than-the-limit"),
    ],
)
async def test_a_filing_time_outside_the_window_is_refused_and_nothing_is_stored(
    submitted_at: datetime, reason: Refusal
) -> None:
    intake = Intake()
    application = an_application().model_copy(update={"submitted_at": submitted_at})

    [result] = await intake.submit([Submission(application, Channel.KAFKA, "evt-1")])

    assert isinstance(result, Refused)
    assert result.reason is reason
    assert result.detail is not None
    assert "submitted_at" in result.detail
    assert intake.applications.documents == {}
    assert intake.publisher.published == []


async def test_a_filing_time_late_but_inside_the_window_is_the_filing_date() -> None:
    intake = Intake()
    application = an_application().model_copy(update={"submitted_at": NOW - timedelta(days=29)})

    [result] = await intake.submit([Submission(application, Channel.KAFKA, "evt-1")])

    assert isinstance(result, Received)
    assert result.state.filed_on.isoformat() == "2026-02-01"
    assert result.state.provisional_number == "P-20260302-00000001"  # numbered on the day intake received it


async def test_a_submission_stored_in_time_and_redelivered_after_the_window_is_a_duplicate_not_a_refusal() -> None:
    intake = Intake()
    [first] = await intake.submit([kafka()])
    intake.clock.at = NOW + timedelta(days=40)  # a replay of the topic, long after

    [again] = await intake.submit([kafka()])

    assert isinstance(first, Received)
    assert isinstance(again, Received)
    assert not again.created
    assert again.state == first.state
