"""The composition root: what it wires, and that a bad rule file stops it before anything starts."""

import shutil
from pathlib import Path

import pytest

from services.eligibility import __main__ as entry
from services.eligibility.adapters.rule_files import DEFAULT_RULES_DIR, RuleFileError
from services.eligibility.app import build
from services.eligibility.settings import EligibilitySettings

NOWHERE = {"kafka_bootstrap_servers": "127.0.0.1:1", "mongodb_uri": "mongodb://127.0.0.1:1"}


def test_the_service_consumes_intakes_arrivals_and_reportings_approvals_and_produces_decisions() -> None:
    service = build(EligibilitySettings(**NOWHERE), name="eligibility-wiring")
    assert [t.name for t in service.inputs] == ["intake.application-received.v1", "reporting.approval-changed.v1"]
    assert service.publisher.topics == ("eligibility.application-assessed.v1",)
    assert service.database.name == "eligibility-wiring"


def test_a_broken_rule_file_stops_the_build_with_a_message_naming_the_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    broken = rules / "2024-01-01.yaml"
    broken.write_text(broken.read_text().replace("effective_from: 2024-01-01", "effective_from: not-a-date"))

    with pytest.raises(RuleFileError, match=r"rule file 2024-01-01\.yaml: effective_from") as raised:
        build(EligibilitySettings(**NOWHERE, rules_dir=rules))
    assert raised.value.file == broken


def test_the_rules_directory_is_read_from_rules_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RULES_DIR", str(tmp_path))
    assert EligibilitySettings(**NOWHERE).rules_dir == tmp_path


def test_the_service_exits_at_start_up_with_the_broken_files_name_and_never_serves(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    (rules / "2025-04-01.yaml").write_text("version: '2025-04-01'\neffective_from: [unclosed\n")
    for name, value in {"RULES_DIR": str(rules), "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MONGODB_URI", NOWHERE["mongodb_uri"])
    monkeypatch.setattr(entry, "configure_logging", lambda *args, **kwargs: None)  # keep the session's logging
    monkeypatch.setattr(entry, "serve", lambda *args: pytest.fail("served despite a broken rule file"))

    with pytest.raises(SystemExit) as exited:
        entry.main()

    message = str(exited.value.code)  # Python prints it to stderr and exits with status 1
    assert message.startswith("eligibility: not started, the rules are invalid: rule file 2025-04-01.yaml")
    assert "is not valid YAML" in message
