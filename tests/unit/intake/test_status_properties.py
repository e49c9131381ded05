"""Whatever order and however often events arrive, a status never goes back or moves twice."""

from datetime import UTC, timedelta

from hypothesis import given
from hypothesis import strategies as st

from contracts.intake import ApplicationStatus as S
from services.intake.domain.inputs import InputKind as K
from services.intake.domain.inputs import StatusInput
from services.intake.domain.status import Advance, WithdrawRefused, advance
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
    """Statuses after each input, and the number of moves made."""
    app, statuses, moves = a_submitted_application(), [], 0
    for status_input in inputs:
        result = advance(app, status_input)
        if isinstance(result, WithdrawRefused):
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
