"""The share-code rules: the code's form, what a third party learns, and the miss budgets' slots."""

import secrets
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.application import Procedure
from services.intake.domain.application import with_receipt_number
from services.intake.domain.inputs import InputKind as K
from services.intake.domain.share_codes import (
    ALPHABET,
    NO_MATCH,
    Answer,
    Budget,
    CheckAnswer,
    MissLimits,
    ShareCode,
    ShareCodeState,
    check_answer,
    code_from_bits,
    code_hash,
    normalised,
)

from .builders import a_submitted_application, an_application, moved

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def an_accepted(procedure=Procedure.EXTENSION_OF_STAY):
    app = moved(a_submitted_application(an_application(procedure)), K.ASSESSED_ELIGIBLE)
    return with_receipt_number(app, "ON-2026-000000042-00")


def test_a_code_is_sixteen_symbols_of_crockfords_alphabet_in_groups_of_four_from_eighty_bits():
    code = code_from_bits(secrets.randbits(80))

    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert all(c in ALPHABET for c in "".join(groups))
    assert code_from_bits(0) != code_from_bits(1) != code_from_bits(1 << 79)
    assert len({code_from_bits(secrets.randbits(80)) for _ in range(1000)}) == 1000


def test_a_code_copied_by_hand_is_read_as_issued():
    code = code_from_bits(0x0123456789ABCDEF0123)
    spoken = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")

    assert normalised(spoken) == code.replace("-", "")
    assert code_hash(spoken) == code_hash(code)


@pytest.mark.parametrize("presented", ["", "too-short", "U" * 16, "0" * 17])
def test_what_cannot_be_a_code_is_no_code_but_still_has_a_hash_of_its_own(presented):
    assert normalised(presented) is None
    assert code_hash(presented) != code_hash("0" * 16)


def test_a_pending_application_is_told_with_its_filing_date_and_special_period():
    assert check_answer(an_accepted()) == CheckAnswer(
        answer=Answer.PENDING, filed_on=date(2026, 3, 2), special_period_ends_on=date(2026, 8, 31)
    )


def test_a_pending_certificate_of_eligibility_has_no_special_period_to_tell():
    answer = check_answer(an_accepted(Procedure.CERTIFICATE_OF_ELIGIBILITY))

    assert (answer.answer, answer.special_period_ends_on) == (Answer.PENDING, None)


def test_a_decided_application_is_told_with_the_day_of_the_decision_in_japan_and_nothing_of_its_outcome():
    app = moved(an_accepted(), K.DECISION_GRANTED, K.RESULT_DELIVERED)
    decided_at = next(e.at for e in app.timeline if e.kind is K.DECISION_GRANTED)

    answer = check_answer(app)

    assert answer == CheckAnswer(answer=Answer.DECIDED, decided_on=(decided_at + timedelta(hours=9)).date())
    assert "granted" not in answer.model_dump_json()


@pytest.mark.parametrize(
    "kinds", [(), (K.ASSESSED_NOT_ELIGIBLE,), (K.WITHDRAW_REQUESTED,)], ids=["submitted", "not_eligible", "withdrawn"]
)
def test_an_application_neither_pending_nor_decided_is_no_match(kinds):
    assert check_answer(moved(a_submitted_application(), *kinds)) == NO_MATCH


def test_a_code_is_active_until_it_expires_or_is_revoked_or_locked():
    code = ShareCode(
        share_code_id="sc-1",
        code_hash="h",
        application_id="app-1",
        filer_id="filer-1",
        created_at=AT,
        expires_at=AT + timedelta(days=30),
    )

    assert code.state(AT, locked=False) is ShareCodeState.ACTIVE
    assert code.state(AT, locked=True) is ShareCodeState.LOCKED
    assert code.state(AT + timedelta(days=30), locked=False) is ShareCodeState.EXPIRED
    assert code.model_copy(update={"revoked_at": AT}).state(AT, locked=True) is ShareCodeState.REVOKED


def test_a_windowed_budget_has_fresh_slots_in_each_window_and_says_when_the_next_begins():
    budget = Budget("client#x", 2, timedelta(minutes=15))
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    assert budget.slots(start) == budget.slots(start + timedelta(minutes=14, seconds=59))
    assert set(budget.slots(start)).isdisjoint(budget.slots(start + timedelta(minutes=15)))
    assert len(budget.slots(start)) == 2
    assert budget.retry_after(start + timedelta(minutes=10, seconds=0.5)) == 300


def test_the_lock_is_a_budget_for_ever_and_comes_first():
    limits = MissLimits(lock_after=5, per_code=3, per_client=10, window=timedelta(minutes=15))

    lock, per_code, per_client = limits.budgets("hash", "203.0.113.9")

    assert lock == limits.lock("hash")
    assert lock.window is None
    assert lock.retry_after(AT) is None
    assert lock.slots(AT) == lock.slots(AT + timedelta(days=400))
    assert (per_code.misses, per_client.misses) == (3, 10)
    assert "203.0.113.9" not in per_client.scope
