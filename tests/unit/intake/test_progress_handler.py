"""Moving applications on upstream events: receipt numbers at acceptance, one guarded write per application."""

from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.eligibility import ApplicationAssessed, Reason
from contracts.examination import DecisionMade, DocumentsRequested, Outcome
from contracts.intake import ApplicationAccepted, ApplicationNotEligible, ApplicationStatus, Channel, SpecialPeriod
from contracts.topics import (
    INTAKE_APPLICATION_ACCEPTED,
    INTAKE_APPLICATION_NOT_ELIGIBLE,
    INTAKE_APPLICATION_STATUS_CHANGED,
)
from services.intake.domain import inputs
from services.intake.domain.numbering import is_valid_receipt_number
from services.intake.domain.status import NotYet
from services.intake.domain.status import Outcome as Moved
from services.intake.handlers.ports import Contention
from services.intake.handlers.progress import Applied, NotStored, Progress
from services.intake.handlers.submit import Received, Submission

from .fakes import NOW
from .wiring import Intake, an_application

LATER = NOW + timedelta(hours=1)
REASON = Reason(code="stay_expired", message_ja="在留期限が過ぎています", message_en="The period of stay has ended")


async def submitted(intake: Intake, *submission_ids: str) -> list[str]:
    results = await intake.submit([Submission(an_application(s), Channel.KAFKA, f"evt-{s}") for s in submission_ids])
    intake.publisher.published.clear()
    return [r.state.application_id for r in results if isinstance(r, Received)]


def assessment(application_id: str, event_id: str, eligible: bool = True) -> Progress:
    event = ApplicationAssessed(
        application_id=application_id,
        eligible=eligible,
        reasons=() if eligible else (REASON,),
        ruleset_version="2026-01",
        rules_date=date(2026, 3, 2),
        assessed_at=LATER,
    )
    return Progress(application_id, inputs.from_assessment(event, event_id), "corr", event.reasons)


def decision(application_id: str, event_id: str) -> Progress:
    event = DecisionMade(
        application_id=application_id,
        receipt_number="ON-2026-000000001-00",
        outcome=Outcome.GRANTED,
        decided_on=date(2026, 3, 20),
        receipt_method="post",
    )
    return Progress(application_id, inputs.from_decision(event, event_id), "corr-g")


def documents_requested(application_id: str, event_id: str, at: datetime = LATER) -> Progress:
    event = DocumentsRequested(
        application_id=application_id,
        receipt_number="ON-2026-000000001-00",
        documents=("tax certificate",),
        due_on=date(2026, 4, 1),
        requested_at=at,
    )
    return Progress(application_id, inputs.from_documents_requested(event, event_id))


async def test_an_eligible_assessment_accepts_with_a_receipt_number_and_starts_examination() -> None:
    intake = Intake()
    [application_id] = await submitted(intake, "sub-1")

    [result] = await intake.progress([assessment(application_id, "evt-a")])

    assert isinstance(result, Applied)
    assert result.status is ApplicationStatus.UNDER_EXAMINATION
    state = intake.applications.documents[application_id].state
    assert state.receipt_number is not None
    assert is_valid_receipt_number(state.receipt_number)
    [accepted] = intake.publisher.of_topic(INTAKE_APPLICATION_ACCEPTED.name)
    assert isinstance(accepted.data, ApplicationAccepted)
    assert accepted.data.receipt_number == state.receipt_number
    assert accepted.data.parties.applicant_name == "NGUYEN VAN AN"
    # The dates its notice needs travel with it, so a consumer needs no earlier event to write it.
    filed = an_application("sub-1")
    assert accepted.data.submitted_at == filed.submitted_at
    assert accepted.data.period_of_stay_days == filed.applicant.period_of_stay_days
    assert accepted.data.stay_expires_on == filed.applicant.stay_expires_on
    # So does the special period, decided here once: the notice states what intake's proof states.
    assert accepted.data.special_period == SpecialPeriod(applies=True, ends_on=date(2026, 8, 31))
    changes = intake.publisher.of_topic(INTAKE_APPLICATION_STATUS_CHANGED.name)
    assert [(c.data.status, c.data.revision) for c in changes] == [("accepted", 2), ("under_examination", 3)]  # type: ignore[attr-defined]
    assert all(c.causation_id == "evt-a" for c in intake.publisher.published)


async def test_an_ineligible_assessment_is_announced_with_every_reason() -> None:
    intake = Intake()
    [application_id] = await submitted(intake, "sub-1")

    await intake.progress([assessment(application_id, "evt-a", eligible=False)])

    [refused] = intake.publisher.of_topic(INTAKE_APPLICATION_NOT_ELIGIBLE.name)
    assert isinstance(refused.data, ApplicationNotEligible)
    assert refused.data.reasons == (REASON,)
    assert intake.applications.documents[application_id].state.receipt_number is None


async def test_a_redelivered_event_changes_nothing_and_publishes_nothing() -> None:
    intake = Intake()
    [application_id] = await submitted(intake, "sub-1")
    await intake.progress([assessment(application_id, "evt-a")])
    before = intake.applications.documents[application_id]
    published = len(intake.publisher.published)

    [result] = await intake.progress([assessment(application_id, "evt-a")])

    assert isinstance(result, Applied)
    assert result.outcome is Moved.DUPLICATE
    assert intake.applications.documents[application_id] == before
    assert len(intake.publisher.published) == published


async def test_events_of_one_application_in_one_batch_apply_in_order_in_one_write() -> None:
    intake = Intake()
    [application_id] = await submitted(intake, "sub-1")
    writes = intake.applications.writes
    decision = DecisionMade(
        application_id=application_id,
        receipt_number="ON-2026-000000001-00",
        outcome=Outcome.GRANTED,
        decided_on=date(2026, 3, 20),
        receipt_method="post",
    )

    results = await intake.progress(
        [
            assessment(application_id, "evt-a"),
            documents_requested(application_id, "evt-d", LATER + timedelta(hours=1)),
            Progress(application_id, inputs.from_decision(decision, "evt-g")),
        ]
    )

    assert [r.status for r in results if isinstance(r, Applied)] == [
        "under_examination",
        "documents_requested",
        "granted",
    ]
    assert intake.applications.writes == writes + 1
    assert intake.applications.documents[application_id].state.revision == 5
    assert intake.numbers.calls[-1] == ("receipt:ON:2026", 1)


async def test_receipt_numbers_of_a_batch_come_from_one_reservation() -> None:
    intake = Intake()
    ids = await submitted(intake, "sub-1", "sub-2", "sub-3")

    await intake.progress([assessment(i, f"evt-{i}") for i in ids])

    receipts = sorted(intake.applications.documents[i].state.receipt_number or "" for i in ids)
    assert [r.split("-")[2] for r in receipts] == ["000000001", "000000002", "000000003"]
    assert intake.numbers.calls[-1] == ("receipt:ON:2026", 3)


async def test_an_event_for_an_application_not_stored_yet_is_answered_so_and_the_rest_applied() -> None:
    intake = Intake()
    [application_id] = await submitted(intake, "sub-1")

    not_stored, applied = await intake.progress([assessment("app-nope", "evt-x"), assessment(application_id, "evt-a")])

    assert not_stored == NotStored("app-nope")
    assert isinstance(applied, Applied)


async def test_an_early_decision_changes_nothing_and_publishes_nothing_and_its_neighbours_are_applied() -> None:
    intake = Intake()
    [early_id, examined_id] = await submitted(intake, "sub-1", "sub-2")
    await intake.progress([assessment(examined_id, "evt-a")])
    before = intake.applications.documents[early_id]
    published = len(intake.publisher.published)

    early, applied = await intake.progress([decision(early_id, "evt-g1"), decision(examined_id, "evt-g2")])

    assert early == NotYet(status=ApplicationStatus.SUBMITTED, needs=(ApplicationStatus.UNDER_EXAMINATION,))
    assert intake.applications.documents[early_id] == before
    assert isinstance(applied, Applied)
    assert applied.status is ApplicationStatus.GRANTED
    assert {e.data.application_id for e in intake.publisher.published[published:]} == {examined_id}  # type: ignore[attr-defined]


async def test_a_decision_applied_after_waiting_publishes_exactly_what_it_would_have_in_order() -> None:
    in_order, waited = Intake(), Intake()
    [application_id] = await submitted(in_order, "sub-1")
    assert await submitted(waited, "sub-1") == [application_id]

    await in_order.progress([assessment(application_id, "evt-a")])
    await in_order.progress([decision(application_id, "evt-g")])
    [early] = await waited.progress([decision(application_id, "evt-g")])
    await waited.progress([assessment(application_id, "evt-a")])
    await waited.progress([decision(application_id, "evt-g")])

    assert isinstance(early, NotYet)
    assert waited.publisher.published == in_order.publisher.published
    assert waited.applications.documents[application_id] == in_order.applications.documents[application_id]
    granted = waited.publisher.of_topic(INTAKE_APPLICATION_STATUS_CHANGED.name)[-1]
    assert (granted.data.status, granted.causation_id, granted.correlation_id) == ("granted", "evt-g", "corr-g")  # type: ignore[attr-defined]


async def test_a_write_that_loses_a_race_reads_again_and_applies_once() -> None:
    intake = Intake()
    [application_id] = await submitted(intake, "sub-1")
    intake.applications.conflicts_to_raise = 1

    await intake.progress([assessment(application_id, "evt-a")])

    assert intake.applications.documents[application_id].state.status is ApplicationStatus.UNDER_EXAMINATION
    assert len(intake.publisher.of_topic(INTAKE_APPLICATION_ACCEPTED.name)) == 1


async def test_a_race_that_never_settles_is_raised_for_the_delivery_layer_to_retry() -> None:
    intake = Intake()
    [application_id] = await submitted(intake, "sub-1")
    intake.applications.conflicts_to_raise = 10

    with pytest.raises(Contention):
        await intake.progress([assessment(application_id, "evt-a")])


async def test_a_stale_documents_request_is_noted_but_moves_nothing() -> None:
    intake = Intake()
    [application_id] = await submitted(intake, "sub-1")
    await intake.progress([assessment(application_id, "evt-a"), documents_requested(application_id, "evt-d1")])
    submitted_docs = inputs.StatusInput(
        kind=inputs.InputKind.DOCUMENTS_SUBMITTED, source_event_id="evt-s", occurred_at=LATER + timedelta(hours=2)
    )
    await intake.progress([Progress(application_id, submitted_docs)])
    published = len(intake.publisher.published)

    [result] = await intake.progress([documents_requested(application_id, "evt-d0", datetime(2026, 3, 1, tzinfo=UTC))])

    assert isinstance(result, Applied)
    assert result.outcome is Moved.IGNORED
    assert intake.applications.documents[application_id].state.status is ApplicationStatus.DOCUMENTS_SUBMITTED
    assert len(intake.publisher.published) == published
