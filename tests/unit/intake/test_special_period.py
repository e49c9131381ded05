"""Intake's finding on the special period (特例期間, domain rules §3), the one every reader states."""

from datetime import date
from typing import Any

import pytest

from contracts.application import Procedure
from contracts.intake import SpecialPeriod
from services.intake.domain.special_period import special_period

from .builders import a_submitted_application, an_application

FILED_ON = date(2026, 3, 2)  # builders.T0 in Japan
APPLIES = SpecialPeriod(applies=True, ends_on=date(2026, 8, 31))
SHORT = SpecialPeriod(applies=False, short_stay=True)
LATE = SpecialPeriod(applies=False)


@pytest.mark.parametrize(
    ("procedure", "applicant", "found"),
    [
        pytest.param(Procedure.EXTENSION_OF_STAY, {}, APPLIES, id="extension-in-time"),
        pytest.param(Procedure.CHANGE_OF_STATUS, {}, APPLIES, id="change-in-time"),
        pytest.param(
            Procedure.EXTENSION_OF_STAY,
            {"expires_on": FILED_ON},
            SpecialPeriod(applies=True, ends_on=date(2026, 5, 2)),
            id="on-the-expiry-day",
        ),
        pytest.param(Procedure.EXTENSION_OF_STAY, {"expires_on": date(2026, 3, 1)}, LATE, id="the-day-after-expiry"),
        pytest.param(Procedure.EXTENSION_OF_STAY, {"period_of_stay_days": 30}, SHORT, id="30-days"),
        pytest.param(Procedure.EXTENSION_OF_STAY, {"period_of_stay_days": 31}, APPLIES, id="31-days"),
        pytest.param(
            Procedure.CHANGE_OF_STATUS,
            {"period_of_stay_days": 15, "expires_on": None},
            SHORT,
            id="short-expiry-unknown",
        ),
        pytest.param(
            Procedure.EXTENSION_OF_STAY,
            {"period_of_stay_days": 30, "expires_on": date(2026, 1, 1)},
            SHORT,
            id="short-and-late",
        ),
        pytest.param(Procedure.EXTENSION_OF_STAY, {"expires_on": None}, None, id="expiry-unknown"),
        pytest.param(Procedure.EXTENSION_OF_STAY, {"period_of_stay_days": None}, None, id="length-unknown"),
        pytest.param(Procedure.CERTIFICATE_OF_ELIGIBILITY, {}, None, id="coe"),
        pytest.param(Procedure.ACQUISITION_OF_STATUS, {}, None, id="acquisition"),
    ],
)
def test_intake_finds_whether_the_special_period_applies_and_until_when(
    procedure: Procedure, applicant: dict[str, Any], found: SpecialPeriod | None
) -> None:
    assert special_period(a_submitted_application(an_application(procedure, **applicant))) == found
