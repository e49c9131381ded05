"""The Kafka subscribers translate and delegate; what came early is raised to wait, what cannot be taken as refused."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chassis import errors
from chassis.cloudevents import Inbound
from contracts.application import Application
from contracts.eligibility import ApplicationAssessed
from contracts.examination import DecisionMade, Outcome
from contracts.intake import ApplicationStatus, Channel
from contracts.notification import NoticeSent
from contracts.topics import INTAKE_APPLICATION_RECEIVED
from services.intake.adapters.subscribers import (
    RejectedRecord,
    assessed,
    examination,
    notice_sent,
    on_progress,
    on_submitted,
)
from services.intake.domain.inputs import from_decision
from services.intake.handlers.submit import Received, Submission

from .wiring import Intake, an_application


def inbound(data: Any, event_id: str) -> Inbound[Any]:
    return Inbound(id=event_id, type="t", source="/tests", data=data, correlation_id="corr")


def notice(application_id: str | None, event_id: str = "evt-n") -> Inbound[NoticeSent]:
    data = NoticeSent(
        notice_id="n-1",
        kind="accepted",
        application_id=application_id,
        source_event_id="evt-a",
        message_id="<m@x>",
        recipient_count=2,
        sent_at=datetime(2026, 3, 2, 2, tzinfo=UTC),
    )
    return inbound(data, event_id)


def eligible(application_id: str) -> ApplicationAssessed:
    return ApplicationAssessed(
        application_id=application_id,
        eligible=True,
        ruleset_version="2026-01",
        rules_date=date(2026, 3, 2),
        assessed_at=datetime(2026, 3, 2, 3, tzinfo=UTC),
    )


def decided(application_id: str, event_id: str) -> Inbound[DecisionMade]:
    data = DecisionMade(
        application_id=application_id,
        receipt_number="ON-2026-000000001-00",
        outcome=Outcome.GRANTED,
        decided_on=date(2026, 3, 20),
        receipt_method="post",
    )
    return inbound(data, event_id)


async def stored(intake: Intake, *submission_ids: str) -> list[str]:
    results = await intake.submit([Submission(an_application(s), Channel.KAFKA, f"evt-{s}") for s in submission_ids])
    return [r.state.application_id for r in results if isinstance(r, Received)]


async def test_submissions_from_the_portal_are_received_over_kafka() -> None:
    intake = Intake()
    handle = on_submitted(intake.submit)

    await handle([inbound(an_application("sub-1"), "evt-1"), inbound(an_application("sub-2"), "evt-2")])

    assert len(intake.publisher.of_topic(INTAKE_APPLICATION_RECEIVED.name)) == 2
    assert all(e.data.channel == "kafka" for e in intake.publisher.of_topic(INTAKE_APPLICATION_RECEIVED.name))  # type: ignore[attr-defined]


async def test_a_reused_submission_id_is_raised_after_the_rest_of_the_batch_is_stored() -> None:
    intake = Intake()
    handle = on_submitted(intake.submit)
    await handle([inbound(an_application("sub-1"), "evt-1")])
    reused: Application = an_application("sub-1", name="SOMEONE ELSE")

    with pytest.raises(RejectedRecord, match="submission_id_reused") as raised:
        await handle([inbound(reused, "evt-2"), inbound(an_application("sub-3"), "evt-3")])

    assert "SOMEONE" not in str(raised.value)
    assert len(intake.applications.documents) == 2


async def test_a_filing_time_in_the_future_is_raised_with_the_reason_after_the_rest_of_the_batch_is_stored() -> None:
    intake = Intake()
    handle = on_submitted(intake.submit)
    ahead = an_application("sub-1").model_copy(update={"submitted_at": datetime(9085, 1, 1, tzinfo=UTC)})

    with pytest.raises(RejectedRecord) as raised:
        await handle([inbound(ahead, "evt-1"), inbound(an_application("sub-2"), "evt-2")])

    assert str(raised.value).startswith("submitted_at_in_future: app-")
    assert "more than 5 minutes ahead of intake's clock" in str(raised.value)
    assert "9085" not in str(raised.value)
    assert len(intake.applications.documents) == 1


async def test_a_filing_time_older_than_the_limit_is_raised_with_the_reason() -> None:
    intake = Intake()
    old = an_application("sub-1").model_copy(update={"submitted_at": intake.clock.at - timedelta(days=365)})

    with pytest.raises(RejectedRecord, match=r"submitted_at_too_old: app-\S+: submitted_at is more than 30 days"):
        await on_submitted(intake.submit)([inbound(old, "evt-1")])

    assert intake.applications.documents == {}


def test_a_rejected_record_is_an_expected_refusal_for_the_delivery_layer() -> None:
    assert issubclass(RejectedRecord, errors.Refused)


async def test_a_notice_about_an_application_is_noted_on_its_timeline() -> None:
    intake = Intake()
    [received] = await intake.submit([Submission(an_application(), Channel.KAFKA, "evt-1")])
    assert isinstance(received, Received)
    application_id = received.state.application_id

    await on_progress(intake.progress, notice_sent)([notice(application_id)])

    timeline = intake.applications.documents[application_id].state.timeline
    assert [(entry.kind, entry.note) for entry in timeline][-1] == ("notice_sent", "notice=accepted")


async def test_a_notice_about_no_application_is_not_intakes_concern() -> None:
    intake = Intake()

    await on_progress(intake.progress, notice_sent)([notice(None)])

    assert intake.applications.reads == 0


async def test_an_event_for_an_application_not_stored_yet_waits_for_it() -> None:
    intake = Intake()

    with pytest.raises(errors.Waiting) as raised:
        await on_progress(intake.progress, notice_sent)([notice("app-unknown")])

    assert raised.value.waiting == {"evt-n": "application app-unknown not stored yet"}


async def test_an_early_decision_waits_while_its_neighbours_in_the_batch_are_applied() -> None:
    intake = Intake()
    [early_id, examined_id] = await stored(intake, "sub-1", "sub-2")
    await on_progress(intake.progress, assessed)([inbound(eligible(examined_id), "evt-a")])

    with pytest.raises(errors.Waiting) as raised:
        await on_progress(intake.progress, examination(from_decision))(
            [decided(early_id, "evt-g1"), decided(examined_id, "evt-g2")]
        )

    assert raised.value.waiting == {
        "evt-g1": f"application {early_id} is submitted; decision_granted needs under_examination"
    }
    assert intake.applications.documents[early_id].state.status is ApplicationStatus.SUBMITTED
    assert intake.applications.documents[examined_id].state.status is ApplicationStatus.GRANTED
