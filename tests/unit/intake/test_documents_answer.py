"""The filer's online answer to a documents request: when it is allowed, and what it moves."""

from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.examination import DocumentsRequested, DocumentsSubmitted
from contracts.intake import ApplicationStatus as S
from services.intake.domain.application import with_receipt_number
from services.intake.domain.documents import (
    DocumentsRefusal,
    DocumentsRefused,
    DocumentsRequest,
    latest_request,
    may_answer,
)
from services.intake.domain.inputs import InputKind as K
from services.intake.domain.inputs import documents_command, from_documents_requested, from_documents_submitted
from services.intake.domain.status import Advance, IgnoredReason, Outcome, advance

from .builders import T0, a_submitted_application, moved

REQUESTED_AT = T0 + timedelta(days=1)
DUE = date(2026, 3, 20)


def under_examination():
    return with_receipt_number(moved(a_submitted_application(), K.ASSESSED_ELIGIBLE), "ON-2026-000000042-00")


def requested(app=None, *, event_id="evt-req", at=REQUESTED_AT, due=DUE):
    event = DocumentsRequested(
        application_id="app-1", receipt_number="ON-2026-000000042-00", documents=("x",), due_on=due, requested_at=at
    )
    result = advance(app or under_examination(), from_documents_requested(event, event_id))
    assert isinstance(result, Advance)
    assert result.outcome is Outcome.MOVED
    return result.state


def test_an_open_request_may_be_answered_up_to_and_including_its_last_day_in_japan():
    app = requested()
    last_moment = datetime(2026, 3, 20, 14, 59, tzinfo=UTC)  # 23:59 in Japan

    assert may_answer(app, last_moment) == DocumentsRequest(requested_at=REQUESTED_AT, due_on=DUE)


def test_the_day_after_the_deadline_in_japan_is_refused():
    app = requested()
    first_moment_after = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)  # 00:00 on the 21st in Japan

    assert may_answer(app, first_moment_after) == DocumentsRefused(reason=DocumentsRefusal.DEADLINE_PASSED)


@pytest.mark.parametrize("kinds", [(), (K.ASSESSED_ELIGIBLE,)])
def test_without_a_request_there_is_nothing_to_answer(kinds):
    app = moved(a_submitted_application(), *kinds)

    assert may_answer(app, REQUESTED_AT) == DocumentsRefused(reason=DocumentsRefusal.NO_OPEN_REQUEST)


def test_a_request_answered_already_is_not_open_any_more():
    app = requested()
    answered = advance(app, documents_command("cmd-1", REQUESTED_AT + timedelta(hours=1), 2))
    assert isinstance(answered, Advance)

    assert answered.state.status is S.DOCUMENTS_SUBMITTED
    assert may_answer(answered.state, REQUESTED_AT + timedelta(hours=2)) == DocumentsRefused(
        reason=DocumentsRefusal.NO_OPEN_REQUEST
    )


def test_the_answer_moves_the_application_once_and_notes_only_how_many_documents():
    app = requested()
    first = advance(app, documents_command("cmd-1", REQUESTED_AT + timedelta(hours=1), 2))
    assert isinstance(first, Advance)

    assert [(m.previous_status, m.status) for m in first.moves] == [(S.DOCUMENTS_REQUESTED, S.DOCUMENTS_SUBMITTED)]
    assert first.entries[0].kind is K.DOCUMENTS_SUBMITTED_ONLINE
    assert first.entries[0].note == "attachments=2"
    again = advance(first.state, documents_command("cmd-1", REQUESTED_AT + timedelta(hours=1), 2))
    assert isinstance(again, Advance)
    assert again.outcome is Outcome.DUPLICATE


def test_examinations_own_record_after_an_online_answer_is_a_note_and_moves_nothing():
    answered = advance(requested(), documents_command("cmd-1", REQUESTED_AT + timedelta(hours=1), 1))
    assert isinstance(answered, Advance)
    record = DocumentsSubmitted(application_id="app-1", submitted_at=REQUESTED_AT + timedelta(hours=2))
    result = advance(answered.state, from_documents_submitted(record, "evt-exam-sub"))

    assert isinstance(result, Advance)
    assert result.outcome is Outcome.IGNORED
    assert result.ignored_reason is IgnoredReason.ALREADY_PASSED
    assert result.state.status is S.DOCUMENTS_SUBMITTED


def test_a_second_request_is_the_one_answered_with_its_own_deadline():
    first = requested()
    answered = advance(first, documents_command("cmd-1", REQUESTED_AT + timedelta(hours=1), 1))
    assert isinstance(answered, Advance)
    later = REQUESTED_AT + timedelta(days=3)
    second = requested(answered.state, event_id="evt-req-2", at=later, due=date(2026, 4, 10))

    assert latest_request(second) == DocumentsRequest(requested_at=later, due_on=date(2026, 4, 10))
    assert may_answer(second, later + timedelta(days=20)) == DocumentsRequest(
        requested_at=later, due_on=date(2026, 4, 10)
    )
