from datetime import datetime

import pytest

from contracts.intake import ApplicationStatus as S
from services.intake.domain.application import ApplicationState
from services.intake.domain.inputs import InputKind as K
from services.intake.domain.status import (
    Advance,
    IgnoredReason,
    NotYet,
    Outcome,
    WithdrawRefusal,
    WithdrawRefused,
    advance,
)
from services.intake.domain.transitions import LATER, PATHS, RANK, TRANSITIONS

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
FINAL = (S.NOT_ELIGIBLE, S.WITHDRAWN, S.CLOSED)
COMMANDS = (K.WITHDRAW_REQUESTED, K.DOCUMENTS_SUBMITTED_ONLINE)
"""The filer's commands: answered at once, never parked (a documents answer is checked by `documents.may_answer`)."""
EVENTS = tuple(kind for kind in PATHS if kind not in COMMANDS)
"""Every upstream event that may move a status (the withdrawal is the filer's command)."""


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


def test_documents_submitted_before_any_request_wait_for_the_request():
    result = advance(an_application_in(S.UNDER_EXAMINATION), an_input(K.DOCUMENTS_SUBMITTED, "evt-s", 99))

    assert result == NotYet(status=S.UNDER_EXAMINATION, needs=(S.DOCUMENTS_REQUESTED,))


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


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED])
@pytest.mark.parametrize("decision", [K.DECISION_GRANTED, K.DECISION_DENIED])
def test_a_decision_before_the_examination_started_waits_for_it(status, decision):
    result = advance(an_application_in(status), an_input(decision, "evt-g", 99))

    assert result == NotYet(status=status, needs=(S.UNDER_EXAMINATION,))


@pytest.mark.parametrize("delivery", [K.CARD_DISPATCHED, K.RESULT_DELIVERED])
@pytest.mark.parametrize("status", PRE_DECISION)
def test_a_result_delivered_or_a_card_dispatched_before_the_decision_waits_for_the_decision(delivery, status):
    result = advance(an_application_in(status), an_input(delivery, "evt-c", 99))

    assert result == NotYet(status=status, needs=(S.DENIED, S.GRANTED))


def test_an_early_event_records_nothing_and_moves_as_in_order_once_handed_in_again():
    decision = an_input(K.DECISION_GRANTED, "evt-g", 99)
    submitted = a_submitted_application()
    assert isinstance(advance(submitted, decision), NotYet)
    accepted = moved(submitted, K.ASSESSED_ELIGIBLE)

    later = advance(accepted, decision)

    assert isinstance(later, Advance)
    assert later.outcome is Outcome.MOVED
    assert [(m.previous_status, m.status, m.revision, m.at) for m in later.moves] == [
        (S.UNDER_EXAMINATION, S.GRANTED, 4, decision.occurred_at)
    ]
    assert later.entries[0].source_event_id == "evt-g"


def test_an_ineligible_assessment_after_acceptance_outranks_the_status_but_can_never_apply_so_is_ignored():
    app = an_application_in(S.UNDER_EXAMINATION)
    assert RANK[S.NOT_ELIGIBLE] > RANK[app.status]

    result = advance(app, an_input(K.ASSESSED_NOT_ELIGIBLE, "evt-late", 99))

    assert isinstance(result, Advance)
    assert result.ignored_reason is IgnoredReason.NOT_ALLOWED
    assert result.state.timeline[-1].note == "ignored:not_allowed"


def test_documents_submitted_for_a_granted_application_are_ignored_not_kept_waiting():
    result = advance(an_application_in(S.GRANTED), an_input(K.DOCUMENTS_SUBMITTED, "evt-s", 99))

    assert isinstance(result, Advance)
    assert result.ignored_reason is IgnoredReason.ALREADY_PASSED


@pytest.mark.parametrize("kind", EVENTS)
@pytest.mark.parametrize("status", FINAL)
def test_nothing_waits_on_a_final_application(status, kind):
    result = advance(an_application_in(status), an_input(kind, "evt-late", 99))

    assert isinstance(result, Advance)
    assert result.ignored_reason is IgnoredReason.FINAL


WAITING = {
    S.SUBMITTED: {K.DOCUMENTS_REQUESTED, K.DOCUMENTS_SUBMITTED, K.DECISION_GRANTED, K.DECISION_DENIED,
                  K.CARD_DISPATCHED, K.RESULT_DELIVERED},
    S.ACCEPTED: {K.DOCUMENTS_REQUESTED, K.DOCUMENTS_SUBMITTED, K.DECISION_GRANTED, K.DECISION_DENIED,
                 K.CARD_DISPATCHED, K.RESULT_DELIVERED},
    S.UNDER_EXAMINATION: {K.DOCUMENTS_SUBMITTED, K.CARD_DISPATCHED, K.RESULT_DELIVERED},
    S.DOCUMENTS_REQUESTED: {K.CARD_DISPATCHED, K.RESULT_DELIVERED},
    S.DOCUMENTS_SUBMITTED: {K.CARD_DISPATCHED, K.RESULT_DELIVERED},
}  # fmt: skip
"""The whole early table: in each status, the events that wait. Every other event applies or is ignored."""


@pytest.mark.parametrize("status", list(S))
def test_exactly_the_events_of_the_table_wait_each_for_statuses_ahead_from_which_it_applies(status):
    app = an_application_in(status)
    waiting = set()
    for kind in EVENTS:
        result = advance(app, an_input(kind, "evt-x", 99))
        if not isinstance(result, NotYet):
            continue
        waiting.add(kind)
        assert result.needs
        assert set(result.needs) <= LATER[status]
        for needed in result.needs:
            there = advance(an_application_in(needed), an_input(kind, "evt-x", 99))
            assert isinstance(there, Advance)
            assert there.moved

    assert waiting == WAITING.get(status, set())


def test_an_application_may_still_reach_exactly_the_statuses_ahead_of_it():
    assert LATER[S.SUBMITTED] == set(S) - {S.SUBMITTED}
    assert LATER[S.DOCUMENTS_REQUESTED] == {
        S.DOCUMENTS_SUBMITTED,
        S.GRANTED,
        S.DENIED,
        S.DELIVERED,
        S.CLOSED,
        S.WITHDRAWN,
    }
    assert LATER[S.GRANTED] == {S.DELIVERED, S.CLOSED}
    assert all(not LATER[final] for final in FINAL)


def test_the_table_has_a_row_for_every_status_and_no_move_lowers_the_rank():
    assert set(TRANSITIONS) == set(S) == set(RANK)
    for before, afters in TRANSITIONS.items():
        for after in afters:
            assert RANK[after] >= RANK[before]
            if RANK[after] == RANK[before]:
                assert {before, after} == {S.DOCUMENTS_REQUESTED, S.DOCUMENTS_SUBMITTED}


def test_withdrawal_is_in_the_table_exactly_for_the_statuses_before_a_decision():
    assert {status for status, afters in TRANSITIONS.items() if S.WITHDRAWN in afters} == set(PRE_DECISION)
