"""Whatever order and however often events arrive, a status never goes back or moves twice; and a whole
journey, its early events waiting and handed in again, ends closed whatever order it arrives in."""

from datetime import UTC, timedelta

from hypothesis import given
from hypothesis import strategies as st

from contracts.intake import ApplicationStatus as S
from services.intake.domain.application import ApplicationState
from services.intake.domain.inputs import InputKind as K
from services.intake.domain.inputs import StatusInput
from services.intake.domain.status import Advance, NotYet, WithdrawRefused, advance
from services.intake.domain.transitions import RANK

from .builders import T0, a_submitted_application, status_entries

JOURNEY_KINDS = (
    K.ASSESSED_ELIGIBLE,
    K.NOTICE_SENT,
    K.DOCUMENTS_REQUESTED,
    K.DOCUMENTS_SUBMITTED,
    K.DOCUMENTS_REQUESTED,
    K.DOCUMENTS_SUBMITTED,
    K.DECISION_GRANTED,
    K.COE_ISSUED,
    K.CARD_DISPATCHED,
    K.RESULT_DELIVERED,
)
JOURNEY = tuple(
    StatusInput(kind=kind, source_event_id=f"evt-{n}", occurred_at=T0 + timedelta(hours=n))
    for n, kind in enumerate(JOURNEY_KINDS)
)
LOOP = {S.DOCUMENTS_REQUESTED, S.DOCUMENTS_SUBMITTED}

deliveries = st.lists(st.sampled_from(JOURNEY), max_size=30)
"""Any arrival order, with any event missing or delivered several times."""

any_inputs = st.lists(
    st.builds(
        StatusInput,
        kind=st.sampled_from(K),
        source_event_id=st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h"]),
        occurred_at=st.one_of(
            st.datetimes(timezones=st.just(UTC)),
            st.datetimes(),  # naive, as a careless producer might send
        ),
    ),
    max_size=30,
)


def apply_all(inputs: list[StatusInput]) -> tuple[list[S], int]:
    """Statuses after each input, and the number of moves made; early inputs are dropped."""
    app, statuses, moves = a_submitted_application(), [], 0
    for status_input in inputs:
        result = advance(app, status_input)
        if isinstance(result, WithdrawRefused | NotYet):
            continue
        assert isinstance(result, Advance)
        assert result.state.revision == app.revision + len(result.moves)
        app, moves = result.state, moves + len(result.moves)
        statuses.append(app.status)
    assert app.revision == 1 + moves == len(status_entries(app))
    return [S.SUBMITTED, *statuses], moves


@given(deliveries)
def test_any_order_and_duplication_of_a_journey_never_lowers_the_status_rank(inputs):
    statuses, _ = apply_all(inputs)

    ranks = [RANK[status] for status in statuses]
    assert ranks == sorted(ranks)


@given(deliveries)
def test_outside_the_documents_loop_no_status_is_entered_twice(inputs):
    app = a_submitted_application()
    for status_input in inputs:
        result = advance(app, status_input)
        if isinstance(result, NotYet):
            continue
        assert isinstance(result, Advance)
        app = result.state

    entered = [status for status in status_entries(app) if status not in LOOP]
    assert len(entered) == len(set(entered))


@given(st.lists(st.tuples(st.sampled_from(JOURNEY), st.integers(min_value=0)), max_size=20))
def test_a_journey_in_order_reaches_closed_whatever_is_redelivered_after_it(redeliveries):
    inputs = [*JOURNEY]
    for event, offset in redeliveries:
        first = inputs.index(event) + 1
        inputs.insert(first + offset % (len(inputs) - first + 1), event)
    statuses, moves = apply_all(inputs)

    assert statuses[-1] is S.CLOSED
    assert moves == 9


@given(any_inputs)
def test_any_inputs_at_all_never_raise_and_keep_revision_equal_to_the_moves(inputs):
    apply_all(inputs)


def arrive_with_parking(inputs: list[StatusInput]) -> tuple[ApplicationState, list[StatusInput]]:
    """As the service does: an early input is parked, and after each applied one the parked are handed in
    again, oldest production (occurrence) time first, until none moves. Returns the application and what waits."""
    app, parked = a_submitted_application(), []
    for status_input in inputs:
        result = advance(app, status_input)
        if isinstance(result, NotYet):
            parked.append(status_input)
            continue
        assert isinstance(result, Advance)
        app = result.state
        released = True
        while released:
            released = False
            for waiting in sorted(parked, key=lambda i: i.occurred_at):
                again = advance(app, waiting)
                if isinstance(again, Advance):
                    app, released = again.state, True
                    parked.remove(waiting)
    return app, parked


@given(st.permutations([e for e in JOURNEY if e.kind not in (K.DOCUMENTS_REQUESTED, K.DOCUMENTS_SUBMITTED)]))
def test_a_journey_in_any_order_passes_every_status_in_order_and_ends_closed_when_early_events_wait(inputs):
    app, parked = arrive_with_parking(inputs)

    assert status_entries(app) == [S.SUBMITTED, S.ACCEPTED, S.UNDER_EXAMINATION, S.GRANTED, S.DELIVERED, S.CLOSED]
    assert parked == []
    # Only a card dispatched that comes after the result closed the case is left behind, noted as late.
    assert {entry.note for entry in app.timeline if entry.note and entry.note.startswith("ignored:")} <= {
        "ignored:final"
    }


@given(st.permutations(JOURNEY))
def test_a_journey_with_documents_rounds_in_any_order_is_decided_and_closed_and_nothing_waits_forever(inputs):
    app, parked = arrive_with_parking(inputs)

    entered = status_entries(app)
    assert S.GRANTED in entered
    assert app.status is S.CLOSED
    assert parked == []
    ranks = [RANK[status] for status in entered]
    assert ranks == sorted(ranks)
