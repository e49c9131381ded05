from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from contracts.application import Procedure
from services.notification.adapters.tariff import load_tariff, parse_tariff
from services.notification.domain.postage import Tariff


@pytest.mark.parametrize(
    ("day", "registered", "letter", "envelope", "letterpack"),
    [
        (date(2023, 9, 30), 320, 84, 404, 520),
        (date(2023, 10, 1), 350, 84, 434, 520),
        (date(2024, 9, 30), 350, 84, 434, 520),
        (date(2024, 10, 1), 350, 110, 460, 600),
        (date(2026, 6, 10), 350, 110, 460, 600),
    ],
)
def test_postage_is_the_one_in_force_on_the_day(
    tariff: Tariff, day: date, registered: int, letter: int, envelope: int, letterpack: int
) -> None:
    postage = tariff.on(day).postage
    assert (postage.registered_surcharge, postage.standard_letter) == (registered, letter)
    assert (postage.return_envelope, postage.letterpack_plus) == (envelope, letterpack)


def test_the_first_period_covers_every_earlier_date(tariff: Tariff) -> None:
    assert tariff.on(date(2019, 7, 1)).postage.return_envelope == 404


@pytest.mark.parametrize(
    ("day", "fee"), [(date(2025, 3, 31), 4000), (date(2025, 4, 1), 5500), (date(2027, 1, 1), 5500)]
)
def test_the_online_fee_for_change_and_extension_rises_on_2025_04_01(tariff: Tariff, day: date, fee: int) -> None:
    rates = tariff.on(day)
    assert rates.fee(Procedure.EXTENSION_OF_STAY) == fee
    assert rates.fee(Procedure.CHANGE_OF_STATUS) == fee


def test_the_counter_fee_is_kept_beside_the_online_one(tariff: Tariff) -> None:
    assert tariff.on(date(2025, 4, 1)).fees[Procedure.EXTENSION_OF_STAY].counter == 6000


def test_a_procedure_without_a_listed_fee_has_none(tariff: Tariff) -> None:
    assert tariff.on(date(2026, 1, 1)).fee(Procedure.CERTIFICATE_OF_ELIGIBILITY) is None


def test_an_extra_activity_permission_is_a_separate_document_from_2024(tariff: Tariff) -> None:
    assert not tariff.on(date(2023, 12, 31)).extra_activity_document
    assert tariff.on(date(2024, 1, 1)).extra_activity_document


POSTAGE = """
postage:
  - {registered_surcharge: 320, standard_letter: 84, return_envelope: 404, letterpack_plus: 520}
  - {from: 2024-10-01, registered_surcharge: 350, standard_letter: 110, return_envelope: %s, letterpack_plus: 600}
fees: {}
extra_activity_document_from: 2024-01-01
"""


def test_a_tariff_whose_envelope_does_not_add_up_fails_at_start_up() -> None:
    parse_tariff(POSTAGE % 460)
    with pytest.raises(ValidationError, match="return_envelope"):
        parse_tariff(POSTAGE % 450)


def test_a_tariff_with_periods_out_of_order_fails_at_start_up() -> None:
    text = POSTAGE.replace("- {registered_surcharge: 320", "- {from: 2025-01-01, registered_surcharge: 320") % 460
    with pytest.raises(ValidationError, match="increasing"):
        parse_tariff(text)


def test_only_the_first_period_may_omit_its_start() -> None:
    text = POSTAGE.replace("from: 2024-10-01, ", "") % 460
    with pytest.raises(ValidationError, match="only the first"):
        parse_tariff(text)


def test_an_unknown_key_in_the_tariff_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "postage.yaml"
    path.write_text(POSTAGE.replace("fees: {}", "fees: {}\ntypo: 1") % 460, encoding="utf-8")
    with pytest.raises(ValidationError, match="typo"):
        load_tariff(path)
