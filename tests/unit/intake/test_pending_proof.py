from datetime import UTC, date, datetime

import pytest

from contracts.application import Procedure
from contracts.intake import ApplicationStatus as S
from services.intake.domain.application import with_receipt_number
from services.intake.domain.inputs import InputKind as K
from services.intake.domain.pending_proof import (
    PendingProof,
    ProofRefusal,
    ProofRefused,
    pending_proof,
)

from .builders import a_submitted_application, an_application, moved

RECEIPT = "ON-2026-000000042-00"


def an_accepted(procedure=Procedure.EXTENSION_OF_STAY, **applicant):
    app = moved(a_submitted_application(an_application(procedure, **applicant)), K.ASSESSED_ELIGIBLE)
    return with_receipt_number(app, RECEIPT)


def test_the_proof_of_a_pending_extension_states_receipt_number_filing_date_and_special_period():
    proof = pending_proof(an_accepted(expires_on=date(2026, 6, 15)))

    assert proof == PendingProof(
        receipt_number=RECEIPT,
        filing_date=date(2026, 3, 2),
        procedure=Procedure.EXTENSION_OF_STAY,
        special_period_ends_on=date(2026, 8, 15),
    )


@pytest.mark.parametrize(
    ("expires_on", "ends_on"),
    [
        (date(2026, 12, 31), date(2027, 2, 28)),
        (date(2027, 12, 31), date(2028, 2, 29)),
        (date(2026, 12, 30), date(2027, 2, 28)),
        (date(2026, 6, 30), date(2026, 8, 31)),
        (date(2026, 2, 28), date(2026, 4, 30)),
        (date(2026, 11, 15), date(2027, 1, 15)),
    ],
)
def test_the_special_period_ends_two_months_after_expiry_counted_to_the_month_end(expires_on, ends_on):
    app = an_accepted(Procedure.CHANGE_OF_STATUS, expires_on=expires_on, submitted_at=datetime(2026, 1, 5))

    proof = pending_proof(app)

    assert isinstance(proof, PendingProof)
    assert proof.special_period_ends_on == ends_on


@pytest.mark.parametrize(("days", "has_period"), [(30, False), (31, True), (90, True)])
def test_a_period_of_stay_of_30_days_or_less_has_no_special_period(days, has_period):
    proof = pending_proof(an_accepted(period_of_stay_days=days))

    assert isinstance(proof, PendingProof)
    assert (proof.special_period_ends_on is not None) is has_period


@pytest.mark.parametrize(
    "procedure",
    [Procedure.CERTIFICATE_OF_ELIGIBILITY, Procedure.ACQUISITION_OF_STATUS, Procedure.EMPLOYMENT_CERTIFICATE],
)
def test_procedures_other_than_change_and_extension_have_no_special_period(procedure):
    proof = pending_proof(an_accepted(procedure))

    assert isinstance(proof, PendingProof)
    assert proof.special_period_ends_on is None


def test_a_filing_on_the_expiry_day_is_in_time_but_one_after_it_is_not():
    on_the_day = an_accepted(expires_on=date(2026, 3, 2))
    day_after = an_accepted(expires_on=date(2026, 3, 1))

    assert pending_proof(on_the_day).special_period_ends_on == date(2026, 5, 2)
    assert pending_proof(day_after).special_period_ends_on is None


def test_the_filing_date_is_the_day_in_japan_when_the_filer_submitted():
    late_evening_utc = datetime(2026, 6, 29, 15, 30, tzinfo=UTC)  # 00:30 on 30 June in Japan
    proof = pending_proof(an_accepted(expires_on=date(2026, 6, 29), submitted_at=late_evening_utc))

    assert proof.filing_date == date(2026, 6, 30)
    assert proof.special_period_ends_on is None


def test_an_unknown_expiry_or_period_of_stay_gives_no_special_period():
    assert pending_proof(an_accepted(expires_on=None)).special_period_ends_on is None
    assert pending_proof(an_accepted(period_of_stay_days=None)).special_period_ends_on is None


def test_there_is_no_proof_before_a_receipt_number_is_given():
    assert pending_proof(a_submitted_application()) == ProofRefused(reason=ProofRefusal.NO_RECEIPT_NUMBER)
    accepted_without_number = moved(a_submitted_application(), K.ASSESSED_ELIGIBLE)
    assert pending_proof(accepted_without_number) == ProofRefused(reason=ProofRefusal.NO_RECEIPT_NUMBER)


@pytest.mark.parametrize(
    ("kinds", "reason"),
    [
        ((K.WITHDRAW_REQUESTED,), ProofRefusal.WITHDRAWN),
        ((K.DECISION_GRANTED,), ProofRefusal.DECIDED),
        ((K.DECISION_DENIED, K.RESULT_DELIVERED), ProofRefusal.DECIDED),
    ],
)
def test_there_is_no_proof_once_decided_or_withdrawn(kinds, reason):
    assert pending_proof(moved(an_accepted(), *kinds)) == ProofRefused(reason=reason)


def test_there_is_no_proof_for_an_application_not_eligible_online():
    app = moved(a_submitted_application(), K.ASSESSED_NOT_ELIGIBLE)

    assert pending_proof(app) == ProofRefused(reason=ProofRefusal.NOT_ELIGIBLE)


def test_a_documents_round_keeps_the_application_pending():
    app = moved(an_accepted(), K.DOCUMENTS_REQUESTED)

    assert app.status is S.DOCUMENTS_REQUESTED
    assert isinstance(pending_proof(app), PendingProof)
