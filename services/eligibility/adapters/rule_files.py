"""Reading the rule book from a directory of YAML files; what the rules mean is the domain's (`domain/ruleset/`).

Layout of a rules directory:
- `messages.yaml`: the wording of every reason and label (shared by all versions);
- one file per rule set, `<effective_from>.yaml` by convention (see `domain/ruleset/sources.py`
  for what each holds and how one extends another).
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from services.eligibility.domain.ruleset import RuleBook, RuleSourceError, Source, rule_book

DEFAULT_RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
MESSAGES_FILE = "messages.yaml"


class RuleFileError(ValueError):
    """A rule file is unreadable or invalid; the message names the file and the field."""

    def __init__(self, file: Path, problem: str, field: str | None = None) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        where = f"{file.name}: {field}" if field else file.name
        super().__init__(f"rule file {where}: {problem} ({file})")


def load_ruleset(path: Path = DEFAULT_RULES_DIR) -> RuleBook:
    """Load and validate every rule set under `path`; raise RuleFileError on the first bad file."""
    if not path.is_dir():
        raise RuleFileError(path, "is not a directory of rule files")
    messages = Source(MESSAGES_FILE, _read(path / MESSAGES_FILE))
    try:
        return rule_book(messages, _rule_sets(path))
    except RuleSourceError as error:
        # A source is named by its file's name; None stands for the directory as a whole.
        file = path if error.source is None else path / error.source
        raise RuleFileError(file, error.problem, error.field) from None


def _rule_sets(path: Path) -> Iterator[Source]:
    # Read lazily, so a bad file is reported in the same order as the domain checks the ones before it.
    for file in sorted(path.glob("*.yaml")):
        if file.name != MESSAGES_FILE:
            yield Source(file.name, _read(file))


def _read(file: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise RuleFileError(file, f"cannot be read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise RuleFileError(file, f"is not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise RuleFileError(file, "must hold a mapping of tables at the top level")
    return document
