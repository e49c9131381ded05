from datetime import datetime

import pytest

from contracts.intake import ApplicationStatus as S
from services.intake.domain.application import ApplicationState
from services.intake.domain.inputs import InputKind as K
from services.intake.domain.status import (
    Advance,
    IgnoredReason,
    Outcome,
    WithdrawRefusal,
    WithdrawRefused,
    advance,
)
from services.intake.domain.transitions import RANK, TRANSITIONS

from .builders import a_submitted_application, an_input, moved, status_entries

JOURNEY = (
    K.ASSESSED_ELIGIBLE,
    K.DOCUMENTS_REQUESTED,
    K.DOCUMENTS_SUBMITTED,
    K.DOCUMENTS_REQUESTED,
    K.DOCUMENTS_SUBMITTED,
    K.DECISION_GRANTED,
    K.CARD_DISPATCHED,
    K.RESULT_DELIVERED,
)
PRE_DECISION = (S.SUBMITTED, S.ACCEPTED, S.UNDER_EXAMINATION, S.DOCUMENTS_REQUESTED, S.DOCUMENTS_SUBMITTED)


def an_application_in(status: S) -> ApplicationState:
    """An application brought to `status` by the ordinary path there.

    Nothing rests in accepted (examination starts at once), so that one is set directly,
    as a store written by an older version might hold it.
    """
    if status is S.ACCEPTED:
        return a_submitted_application().model_copy(update={"status": S.ACCEPTED, "revision": 2})
    paths = {
        S.SUBMITTED: (),
        S.UNDER_EXAMINATION: (K.ASSESSED_ELIGIBLE,),
        S.DOCUMENTS_REQUESTED: (K.ASSESSED_ELIGIBLE, K.DOCUMENTS_REQUESTED),
        S.DOCUMENTS_SUBMITTED: (K.ASSESSED_ELIGIBLE, K.DOCUMENTS_REQUESTED, K.DOCUMENTS_SUBMITTED),
        S.GRANTED: (K.ASSESSED_ELIGIBLE, K.DECISION_GRANTED),
        S.DENIED: (K.ASSESSED_ELIGIBLE, K.DECISION_DENIED),
        S.DELIVERED: (K.ASSESSED_ELIGIBLE, K.DECISION_GRANTED, K.CARD_DISPATCHED),
        S.CLOSED: (K.ASSESSED_ELIGIBLE, K.DECISION_GRANTED, K.RESULT_DELIVERED),
        S.NOT_ELIGIBLE: (K.ASSESSED_NOT_ELIGIBLE,),
        S.WITHDRAWN: (K.WITHDRAW_REQUESTED,),
    }
    app = moved(a_submitted_application(), *paths[status])
    assert app.status is status
    return app


def test_a_full_journey_passes_every_status_once_except_the_documents_loop_and_ends_closed():
    app = moved(a_submitted_application(), *JOURNEY)

    assert status_entries(app) == [
        S.SUBMITTED, S.ACCEPTED, S.UNDER_EXAMINATION,
        S.DOCUMENTS_REQUESTED, S.DOCUMENTS_SUBMITTED, S.DOCUMENTS_REQUESTED, S.DOCUMENTS_SUBMITTED,
        S.GRANTED, S.DELIVERED, S.CLOSED,
    ]  # fmt: skip
    assert app.status is S.CLOSED
    assert app.revision == 10


def test_an_eligible_assessment_accepts_and_starts_examination_in_two_moves():
    result = advance(a_submitted_application(), an_input(K.ASSESSED_ELIGIBLE, "evt-a"))

    assert isinstance(result, Advance)
    assert [(m.previous_status, m.status, m.revision) for m in result.moves] == [
        (S.SUBMITTED, S.ACCEPTED, 2),
        (S.ACCEPTED, S.UNDER_EXAMINATION, 3),
    ]
    assert [entry.source_event_id for entry in result.entries] == ["evt-a", "evt-a"]


def test_a_result_delivered_without_a_dispatch_passes_through_delivered_to_closed():
    result = advance(an_application_in(S.DENIED), an_input(K.RESULT_DELIVERED, "evt-d"))

    assert isinstance(result, Advance)
    assert [m.status for m in result.moves] == [S.DELIVERED, S.CLOSED]


def test_a_decision_may_come_without_any_documents_round():
    app = moved(a_submitted_application(), K.ASSESSED_ELIGIBLE, K.DECISION_DENIED)

    assert app.status is S.DENIED


def test_an_application_not_eligible_online_is_final_and_later_events_are_only_noted():
    app = an_application_in(S.NOT_ELIGIBLE)
    result = advance(app, an_input(K.ASSESSED_ELIGIBLE, "evt-late", 99))

    assert isinstance(result, Advance)
    assert result.state.status is S.NOT_ELIGIBLE
    assert result.outcome is Outcome.IGNORED
    assert result.ignored_reason is IgnoredReason.FINAL
    assert result.entries[0].note == "ignored:final"


def test_a_notice_sent_is_a_timeline_note_that_moves_nothing():
    app = an_application_in(S.UNDER_EXAMINATION)
    notice = an_input(K.NOTICE_SENT, "evt-n").model_copy(update={"details": "notice=accepted"})
    result = advance(app, notice)

    assert isinstance(result, Advance)
    assert result.outcome is Outcome.NOTED
    assert not result.moved
    assert result.state.revision == app.revision
    assert result.state.timeline[-1].note == "notice=accepted"


@pytest.mark.parametrize("status", PRE_DECISION)
def test_the_filer_may_withdraw_before_a_decision(status):
    result = advance(an_application_in(status), an_input(K.WITHDRAW_REQUESTED, "cmd-w", 99))

    assert isinstance(result, Advance)
    assert result.state.status is S.WITHDRAWN
    assert result.moves[0].previous_status is status


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (S.GRANTED, WithdrawRefusal.ALREADY_DECIDED),
        (S.DENIED, WithdrawRefusal.ALREADY_DECIDED),
        (S.DELIVERED, WithdrawRefusal.ALREADY_DECIDED),
        (S.CLOSED, WithdrawRefusal.ALREADY_DECIDED),
        (S.NOT_ELIGIBLE, WithdrawRefusal.NOT_ELIGIBLE),
        (S.WITHDRAWN, WithdrawRefusal.ALREADY_WITHDRAWN),
    ],
)
def test_a_withdrawal_after_a_decision_or_a_final_status_is_refused_with_a_reason(status, reason):
    result = advance(an_application_in(status), an_input(K.WITHDRAW_REQUESTED, "cmd-late", 99))

    assert result == WithdrawRefused(reason=reason)


def test_a_retried_withdrawal_command_is_a_duplicate_not_a_refusal():
    once = advance(an_application_in(S.UNDER_EXAMINATION), an_input(K.WITHDRAW_REQUESTED, "cmd-w"))
    assert isinstance(once, Advance)

    again = advance(once.state, an_input(K.WITHDRAW_REQUESTED, "cmd-w"))

    assert again == Advance(state=once.state, outcome=Outcome.DUPLICATE)


def test_a_redelivered_event_changes_nothing_not_even_the_timeline():
    app = an_application_in(S.DOCUMENTS_REQUESTED)
    last = app.timeline[-1]

    result = advance(app, an_input(last.kind, last.source_event_id, 500))

    assert isinstance(result, Advance)
    assert result.outcome is Outcome.DUPLICATE
    assert result.state is app


def test_a_late_documents_request_after_the_decision_is_recorded_but_moves_nothing():
    app = an_application_in(S.GRANTED)
    result = advance(app, an_input(K.DOCUMENTS_REQUESTED, "evt-late", 99))

    assert isinstance(result, Advance)
    assert result.state.status is S.GRANTED
    assert result.state.revision == app.revision
    assert result.ignored_reason is IgnoredReason.ALREADY_PASSED
    assert result.state.timeline[-1].source_event_id == "evt-late"


def test_documents_submitted_before_any_request_are_ignored():
    result = advance(an_application_in(S.UNDER_EXAMINATION), an_input(K.DOCUMENTS_SUBMITTED, "evt-s", 99))

    assert isinstance(result, Advance)
    assert result.state.status is S.UNDER_EXAMINATION
    assert result.ignored_reason is IgnoredReason.NOT_ALLOWED


def test_a_documents_submission_older_than_the_request_it_would_answer_is_stale():
    app = an_application_in(S.DOCUMENTS_REQUESTED)
    result = advance(app, an_input(K.DOCUMENTS_SUBMITTED, "evt-old", minutes=-60))

    assert isinstance(result, Advance)
    assert result.state.status is S.DOCUMENTS_REQUESTED
    assert result.ignored_reason is IgnoredReason.STALE


def test_a_second_decision_never_moves_the_status_again():
    result = advance(an_application_in(S.GRANTED), an_input(K.DECISION_DENIED, "evt-2", 99))

    assert isinstance(result, Advance)
    assert result.state.status is S.GRANTED
    assert result.ignored_reason is IgnoredReason.NOT_ALLOWED


def test_naive_and_aware_times_are_compared_without_raising():
    app = an_application_in(S.DOCUMENTS_REQUESTED)
    naive = an_input(K.DOCUMENTS_SUBMITTED, "evt-naive").model_copy(update={"occurred_at": datetime(2030, 1, 1)})

    result = advance(app, naive)

    assert isinstance(result, Advance)
    assert result.state.status is S.DOCUMENTS_SUBMITTED


def test_the_table_has_a_row_for_every_status_and_no_move_lowers_the_rank():
    assert set(TRANSITIONS) == set(S) == set(RANK)
    for before, afters in TRANSITIONS.items():
        for after in afters:
            assert RANK[after] >= RANK[before]
            if RANK[after] == RANK[before]:
                assert {before, after} == {S.DOCUMENTS_REQUESTED, S.DOCUMENTS_SUBMITTED}


def test_withdrawal_is_in_the_table_exactly_for_the_statuses_before_a_decision():
    assert {status for status, afters in TRANSITIONS.items() if S.WITHDRAWN in afters} == set(PRE_DECISION)
