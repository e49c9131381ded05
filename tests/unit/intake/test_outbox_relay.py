"""The relay publishes what a crashed writer left in the outbox, and leaves fresh entries to their writer."""

from datetime import timedelta

import pytest

from contracts.intake import Channel
from services.intake.adapters.publishing import DeferringFlush
from services.intake.handlers.submit import Submission, SubmitApplications

from .wiring import Intake, an_application


async def crashed_after_the_write(intake: Intake, *submission_ids: str) -> None:
    intake.publisher.failing = ConnectionError("broker down")
    for submission_id in submission_ids:
        with pytest.raises(ConnectionError):
            await intake.submit([Submission(an_application(submission_id), Channel.KAFKA, f"evt-{submission_id}")])
    intake.publisher.failing = None


async def test_the_relay_publishes_pending_events_once_the_grace_period_is_over() -> None:
    intake = Intake()
    await crashed_after_the_write(intake, "sub-1")
    left = [event.id for event in intake.applications.pending_events()]

    assert await intake.relay.sweep() == 0
    intake.clock.at += timedelta(seconds=3)
    assert await intake.relay.sweep() == 2

    assert [event.id for event in intake.publisher.published] == left
    assert intake.applications.pending_events() == []


async def test_the_relay_works_through_more_than_one_batch() -> None:
    intake = Intake()  # relay batch size 2
    await crashed_after_the_write(intake, "sub-1", "sub-2", "sub-3")
    intake.clock.at += timedelta(seconds=3)

    assert await intake.relay.sweep() == 6
    assert intake.applications.pending_events() == []


async def test_a_failed_relay_publish_leaves_everything_pending() -> None:
    intake = Intake()
    await crashed_after_the_write(intake, "sub-1")
    intake.clock.at += timedelta(seconds=3)
    intake.publisher.failing = ConnectionError("still down")

    with pytest.raises(ConnectionError):
        await intake.relay.sweep()
    assert len(intake.applications.pending_events()) == 2


def deferring_submit(intake: Intake) -> SubmitApplications:
    """Submission as the HTTP API wires it: the flush waits for the broker a bounded time."""
    return SubmitApplications(
        intake.applications,
        intake.numbers,
        intake.clock,
        DeferringFlush(intake.flush, 1.0),
        intake.locks,
        window=intake.window,
    )


async def test_the_http_side_answers_although_the_broker_is_down_and_leaves_the_events_to_the_relay() -> None:
    intake = Intake()
    intake.publisher.failing = ConnectionError("broker down")
    submit = deferring_submit(intake)

    [result] = await submit([Submission(an_application(), Channel.HTTP, "http:1")])

    assert result.state.provisional_number  # type: ignore[union-attr]
    assert len(intake.applications.pending_events()) == 2


async def test_the_http_side_does_not_hide_a_programming_error() -> None:
    intake = Intake()
    intake.publisher.failing = LookupError("topic not declared")
    submit = deferring_submit(intake)

    with pytest.raises(LookupError):
        await submit([Submission(an_application(), Channel.HTTP, "http:1")])
