from datetime import date
from pathlib import Path

import pytest

from services.reporting.adapters.validity_file import (
    DEFAULT_VALIDITY_PATH,
    ValidityFileError,
    load_validity,
)

GOOD_RULE = """
  - effective_from: {day}
    period_months: 12
    reminder_months_before_expiry: 2
    report_due_months_before_expiry: 1
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "validity.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_packaged_rules_load_from_beside_the_package() -> None:
    assert DEFAULT_VALIDITY_PATH.is_file()
    assert len(load_validity().rules) == 2


def test_an_approval_granted_on_2026_01_04_lasts_one_year() -> None:
    period = load_validity().period(decided_on=date(2026, 1, 4), starts_on=date(2026, 1, 4))
    assert period.valid_until == date(2027, 1, 4)


def test_an_approval_granted_on_2026_01_05_lasts_three_years() -> None:
    period = load_validity().period(decided_on=date(2026, 1, 5), starts_on=date(2026, 1, 5))
    assert period.valid_until == date(2029, 1, 5)


def test_a_period_reminds_two_months_and_is_due_one_month_before_expiry() -> None:
    period = load_validity().period(decided_on=date(2026, 3, 31), starts_on=date(2026, 3, 31))
    assert (period.reminder_on, period.report_due_by) == (date(2029, 1, 31), date(2029, 2, 28))


def test_a_decision_before_the_first_rule_is_an_error() -> None:
    with pytest.raises(ValueError, match="no validity rule in force on 2018-12-31"):
        load_validity().rule_on(date(2018, 12, 31))


def test_a_missing_file_is_reported_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(ValidityFileError, match="cannot read validity rules"):
        load_validity(tmp_path / "absent.yaml")


def test_a_file_that_is_not_yaml_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ValidityFileError, match="cannot read"):
        load_validity(write(tmp_path, "rules: [unclosed"))


def test_rules_out_of_date_order_are_refused(tmp_path: Path) -> None:
    text = "rules:" + GOOD_RULE.format(day="2026-01-05") + GOOD_RULE.format(day="2019-01-01")
    with pytest.raises(ValidityFileError, match="strictly increasing effective_from"):
        load_validity(write(tmp_path, text))


def test_a_deadline_after_the_reminder_is_refused(tmp_path: Path) -> None:
    text = "rules:" + GOOD_RULE.format(day="2019-01-01").replace("before_expiry: 1", "before_expiry: 3")
    with pytest.raises(ValidityFileError, match="report_due_months_before_expiry < reminder"):
        load_validity(write(tmp_path, text))


@pytest.mark.parametrize("text", ["rules: []", "{}", "rules:\n  - effective_from: someday\n"])
def test_an_empty_or_malformed_rule_list_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(ValidityFileError, match=r"validity\.yaml: invalid validity rules"):
        load_validity(write(tmp_path, text))


def test_an_unknown_key_is_refused_so_a_typo_cannot_pass_silently(tmp_path: Path) -> None:
    text = "rules:" + GOOD_RULE.format(day="2019-01-01") + "    period_month: 24\n"
    with pytest.raises(ValidityFileError, match="period_month"):
        load_validity(write(tmp_path, text))
