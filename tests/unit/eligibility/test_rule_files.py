"""Loading the versioned rule files, choosing the set in force, and refusing bad files clearly."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from services.eligibility.adapters.rule_files import DEFAULT_RULES_DIR, RuleFileError, load_ruleset
from services.eligibility.domain import NoRulesInForce

from .factories import rule_book


def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file.name}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_rule_files_load_in_date_order() -> None:
    assert rule_book().versions == ("2022-03-14", "2023-03-17", "2024-01-01", "2025-04-01")


def test_each_rule_set_runs_until_the_day_before_the_next_one() -> None:
    spans = [(s.effective_from, s.effective_until) for s in rule_book().rule_sets]
    assert spans == [
        (date(2022, 3, 14), date(2023, 3, 16)),
        (date(2023, 3, 17), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), None),
    ]


@pytest.mark.parametrize(
    ("filed_on", "version"),
    [
        (date(2022, 3, 14), "2022-03-14"),
        (date(2023, 3, 16), "2022-03-14"),
        (date(2023, 3, 17), "2023-03-17"),
        (date(2023, 12, 31), "2023-03-17"),
        (date(2024, 1, 1), "2024-01-01"),
        (date(2025, 3, 31), "2024-01-01"),
        (date(2025, 4, 1), "2025-04-01"),
        (date(2030, 1, 1), "2025-04-01"),
    ],
)
def test_the_rule_set_in_force_on_the_filing_date_is_chosen(filed_on: date, version: str) -> None:
    assert rule_book().in_force_on(filed_on).version == version


def test_no_rules_are_in_force_before_the_first_set() -> None:
    with pytest.raises(NoRulesInForce, match="2022-03-13"):
        rule_book().in_force_on(date(2022, 3, 13))


def test_a_later_file_inherits_every_table_it_does_not_override() -> None:
    base, latest = rule_book().rule_sets[0], rule_book().rule_sets[-1]
    assert latest.procedure_matrix == base.procedure_matrix
    assert latest.messages == base.messages
    assert latest.filer_documents != base.filer_documents


def test_a_future_dated_rule_set_is_loaded_now_and_applies_from_its_first_day(tmp_path: Path) -> None:
    rules = rules_copy(tmp_path)
    (rules / "2031-01-01.yaml").write_text(
        'version: "2031-01-01"\neffective_from: 2031-01-01\nextends: "2025-04-01"\n'
        "limited_filing: {applicant_under_age: 18}\n",
        encoding="utf-8",
    )
    book = load_ruleset(rules)
    assert book.in_force_on(date(2030, 12, 31)).version == "2025-04-01"
    assert book.in_force_on(date(2030, 12, 31)).effective_until == date(2030, 12, 31)
    future = book.in_force_on(date(2031, 1, 1))
    assert future.version == "2031-01-01"
    assert future.limited_filing.applicant_under_age == 18
    assert future.limited_filing.unable_through_illness is True


def test_an_explicit_end_leaves_a_gap_without_rules(tmp_path: Path) -> None:
    rules = rules_copy(tmp_path)
    edit(
        rules / "2022-03-14.yaml",
        "effective_from: 2022-03-14\n",
        "effective_from: 2022-03-14\neffective_until: 2022-12-31\n",
    )
    book = load_ruleset(rules)
    with pytest.raises(NoRulesInForce):
        book.in_force_on(date(2023, 1, 1))
    assert book.in_force_on(date(2022, 12, 31)).version == "2022-03-14"


BAD_EDITS = [
    pytest.param(
        "2022-03-14.yaml",
        "employment_certificate: refused",
        "employment_certificate: maybe",
        "procedure_matrix.relative.employment_certificate",
        id="unknown-matrix-cell",
    ),
    pytest.param(
        "2022-03-14.yaml",
        "employment_certificate: refused",
        "employment_certificate: no",
        "procedure_matrix.relative.employment_certificate",
        id="yes-no-read-as-boolean",
    ),
    pytest.param("2022-03-14.yaml", "    reentry_permit: limited\n", "", "procedure_matrix", id="incomplete-matrix"),
    pytest.param(
        "2022-03-14.yaml",
        "      - professor\n",
        "      - professer\n",
        "status_scope.current.in_scope",
        id="status-typo",
    ),
    pytest.param("2022-03-14.yaml", "mid_to_long_term:", "mid_to_long_terms:", "mid_to_long_terms", id="unknown-table"),
    pytest.param(
        "2022-03-14.yaml", "  applicant_under_age: 16\n", "", "limited_filing.applicant_under_age", id="missing-field"
    ),
    pytest.param("2023-03-17.yaml", "[counter, post, email]", "[counter, pigeon]", "receipt_methods", id="bad-method"),
    pytest.param("2024-01-01.yaml", 'extends: "2023-03-17"', 'extends: "2023-03-18"', "extends", id="unknown-parent"),
    pytest.param("2024-01-01.yaml", 'version: "2024-01-01"', "version: 2024-01-01", "version", id="unquoted-version"),
    pytest.param("2024-01-01.yaml", 'version: "2024-01-01"', 'version: "2023-03-17"', "version", id="duplicate"),
    pytest.param("2024-01-01.yaml", 'version: "2024-01-01"', 'version: "none"', "version", id="reserved-version"),
    pytest.param(
        "2024-01-01.yaml",
        "effective_from: 2024-01-01",
        "effective_from: 2024-01-01\neffective_until: 2023-12-01",
        "effective_until",
        id="ends-before-start",
    ),
    pytest.param(
        "2023-03-17.yaml",
        "effective_from: 2023-03-17",
        "effective_from: 2023-03-17\neffective_until: 2024-06-30",
        "effective_until",
        id="overlaps-successor",
    ),
    pytest.param("2025-04-01.yaml", "filer_documents:", "filer_documents: [\n", None, id="broken-yaml"),
    pytest.param(
        "messages.yaml",
        "Please file at the counter today.",
        "Please file at the counter {when}.",
        "messages.reasons",
        id="unknown-placeholder",
    ),
    pytest.param(
        "messages.yaml", "  stay_expires_today:\n", "  stay_expires_now:\n", "messages.reasons", id="code-lost"
    ),
]


@pytest.mark.parametrize(("file_name", "old", "new", "field"), BAD_EDITS)
def test_a_bad_rule_file_is_refused_naming_the_file_and_field(
    tmp_path: Path, file_name: str, old: str, new: str, field: str | None
) -> None:
    rules = rules_copy(tmp_path)
    edit(rules / file_name, old, new)
    with pytest.raises(RuleFileError) as raised:
        load_ruleset(rules)
    assert raised.value.file.name == file_name
    assert file_name in str(raised.value)
    if field is not None:
        assert raised.value.field is not None
        assert f"{field}" in str(raised.value)


def test_an_inheritance_cycle_is_refused(tmp_path: Path) -> None:
    rules = rules_copy(tmp_path)
    edit(rules / "2022-03-14.yaml", 'version: "2022-03-14"\n', 'version: "2022-03-14"\nextends: "2024-01-01"\n')
    with pytest.raises(RuleFileError, match="cycle"):
        load_ruleset(rules)


def test_a_missing_rules_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="not a directory"):
        load_ruleset(tmp_path / "nowhere")


def test_a_directory_without_rule_sets_is_refused(tmp_path: Path) -> None:
    shutil.copy(DEFAULT_RULES_DIR / "messages.yaml", tmp_path / "messages.yaml")
    with pytest.raises(RuleFileError, match="no rule set"):
        load_ruleset(tmp_path)


def test_the_default_rules_directory_sits_beside_the_domain_package() -> None:
    assert DEFAULT_RULES_DIR.name == "rules"
    assert (DEFAULT_RULES_DIR.parent / "domain").is_dir()
    assert (DEFAULT_RULES_DIR / "messages.yaml").is_file()
