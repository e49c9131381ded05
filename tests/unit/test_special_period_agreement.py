"""Across services: the acceptance notice states the special period intake's proof states, and no other.

Intake decides the special period (特例期間, domain rules §3) for its proof of a pending
application; the acceptance e-mail is that proof for online filers. The acceptance
event is built as intake publishes it and the notice planned from it as notification
plans it, so the two can only agree if the fact travels on the event.
"""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from contracts.application import Procedure
from services.intake.domain.pending_proof import PendingProof, pending_proof
from services.notification.adapters.tariff import load_tariff
from services.notification.domain.contacts import NoticeContext
from services.notification.domain.postage import Tariff
from tests.unit.intake.builders import accepted_as_published, an_application
from tests.unit.notification.samples import only_notice

FILED_AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 2 March 2026 in Japan


@pytest.fixture(scope="module")
def tariff() -> Tariff:
    return load_tariff()


def proof_and_notice(tariff: Tariff, procedure: Procedure, **applicant: Any) -> tuple[PendingProof, dict[str, Any]]:
    state, event, event_id = accepted_as_published(an_application(procedure, submitted_at=FILED_AT, **applicant))
    proof = pending_proof(state)
    assert isinstance(proof, PendingProof)
    return proof, dict(only_notice(event, NoticeContext(tariff=tariff), event_id).variables)


@pytest.mark.parametrize(
    ("procedure", "applicant", "ends_on"),
    [
        pytest.param(Procedure.EXTENSION_OF_STAY, {"expires_on": date(2026, 6, 30)}, date(2026, 8, 31), id="in-time"),
        pytest.param(Procedure.CHANGE_OF_STATUS, {"expires_on": date(2026, 3, 2)}, date(2026, 5, 2), id="expiry-day"),
        pytest.param(Procedure.EXTENSION_OF_STAY, {"expires_on": date(2026, 3, 1)}, None, id="filed-after-expiry"),
        pytest.param(Procedure.CHANGE_OF_STATUS, {"expires_on": date(2026, 2, 27)}, None, id="long-after-expiry"),
        pytest.param(Procedure.EXTENSION_OF_STAY, {"period_of_stay_days": 30}, None, id="short-stay"),
        pytest.param(Procedure.EXTENSION_OF_STAY, {"period_of_stay_days": None}, None, id="stay-length-unknown"),
        pytest.param(Procedure.EXTENSION_OF_STAY, {"expires_on": None}, None, id="expiry-unknown"),
        pytest.param(Procedure.CERTIFICATE_OF_ELIGIBILITY, {}, None, id="coe"),
    ],
)
def test_the_acceptance_notice_states_the_special_period_the_proof_states(
    tariff: Tariff, procedure: Procedure, applicant: dict[str, Any], ends_on: date | None
) -> None:
    proof, variables = proof_and_notice(tariff, procedure, **applicant)

    assert proof.special_period_ends_on == ends_on
    assert variables["special_period_ends_on"] == ends_on
    assert variables["special_period"] is (ends_on is not None)


def test_a_filing_after_expiry_is_not_told_it_may_stay_on(tariff: Tariff) -> None:
    _, variables = proof_and_notice(tariff, Procedure.EXTENSION_OF_STAY, expires_on=date(2026, 3, 1))

    assert (variables["special_period"], variables["special_period_short_stay"]) == (False, False)
    assert variables["stay_expires_on"] is None


def test_a_short_stay_is_told_it_has_no_special_period(tariff: Tariff) -> None:
    _, variables = proof_and_notice(tariff, Procedure.CHANGE_OF_STATUS, period_of_stay_days=30)

    assert (variables["special_period"], variables["special_period_short_stay"]) == (False, True)
