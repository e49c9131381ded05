"""Reading the versioned rule files: YAML -> merged documents -> validated RuleSets -> a RuleBook.

Layout of a rules directory:
- `messages.yaml`: the wording of every reason and label (shared by all versions);
- one file per rule set, `<effective_from>.yaml` by convention, with `version`,
  `effective_from`, optional `effective_until` and optional `extends: <version>`.
  A file that extends another starts from its tables and overrides what it names:
  mappings merge key by key, anything else (lists, values) is replaced whole.

A rule set without `effective_until` runs until the day before the next one starts.
"""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from services.eligibility.domain.ruleset.ruleset import RuleBook, RuleSet

DEFAULT_RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
MESSAGES_FILE = "messages.yaml"
_OWN_KEYS = ("version", "effective_from", "effective_until")  # never inherited


class RuleFileError(ValueError):
    """A rule file is unreadable or invalid; the message names the file and the field."""

    def __init__(self, file: Path, problem: str, field: str | None = None) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        where = f"{file.name}: {field}" if field else file.name
        super().__init__(f"rule file {where}: {problem} ({file})")


@dataclass(frozen=True)
class _Source:
    file: Path
    document: dict[str, Any]


def load_ruleset(path: Path = DEFAULT_RULES_DIR) -> RuleBook:
    """Load and validate every rule set under `path`; raise RuleFileError on the first bad file."""
    if not path.is_dir():
        raise RuleFileError(path, "is not a directory of rule files")
    messages = _read(path / MESSAGES_FILE)
    sources: dict[str, _Source] = {}
    for file in sorted(path.glob("*.yaml")):
        if file.name == MESSAGES_FILE:
            continue
        document = _read(file)
        version = document.get("version")
        if not isinstance(version, str) or not version:
            raise RuleFileError(file, "must be a non-empty quoted string", "version")
        if version in sources:
            raise RuleFileError(file, f"repeats version {version!r} of {sources[version].file.name}", "version")
        sources[version] = _Source(file, document)
    if not sources:
        raise RuleFileError(path, "holds no rule set files")
    built: dict[str, RuleSet] = {}
    for version in sources:
        _build(version, sources, messages, built, ())
    return _book(sorted(built.values(), key=lambda s: s.effective_from), sources)


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


def _tables(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key not in (*_OWN_KEYS, "extends")}


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolved(version: str, sources: dict[str, _Source], chain: tuple[str, ...]) -> dict[str, Any]:
    """The tables of `version` with everything it inherits merged underneath."""
    source = sources[version]
    parent = source.document.get("extends")
    if parent is None:
        return _tables(source.document)
    if not isinstance(parent, str) or parent not in sources:
        raise RuleFileError(source.file, f"names unknown version {parent!r}", "extends")
    if parent in chain:
        raise RuleFileError(source.file, f"inheritance cycle {' -> '.join((*chain, version, parent))}", "extends")
    return _merge(_resolved(parent, sources, (*chain, version)), _tables(source.document))


def _build(
    version: str,
    sources: dict[str, _Source],
    messages: dict[str, Any],
    built: dict[str, RuleSet],
    chain: tuple[str, ...],
) -> RuleSet:
    if version in built:
        return built[version]
    source = sources[version]
    parent = source.document.get("extends")
    if isinstance(parent, str) and parent in sources and parent not in chain:
        # Parents first, so a fault in an inherited table is blamed on the file that holds it.
        _build(parent, sources, messages, built, (*chain, version))
    tables = _merge({"messages": messages}, _resolved(version, sources, chain))
    own = {key: source.document[key] for key in _OWN_KEYS if key in source.document}
    try:
        rule_set = RuleSet.model_validate({**tables, **own})
    except ValidationError as error:
        raise _explain(error, source) from None
    built[version] = rule_set
    return rule_set


def _explain(error: ValidationError, source: _Source) -> RuleFileError:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "(top level)"
    file = source.file
    if first["loc"][:1] == ("messages",) and "messages" not in source.document:
        file = source.file.parent / MESSAGES_FILE  # the wording came from the shared catalogue
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return RuleFileError(file, f"{first['msg']}{more}", field)


def _book(rule_sets: list[RuleSet], sources: dict[str, _Source]) -> RuleBook:
    """Close each open-ended set the day before its successor starts; refuse overlaps."""
    closed: list[RuleSet] = []
    for current, successor in zip(rule_sets, [*rule_sets[1:], None], strict=True):
        if successor is not None:
            if successor.effective_from == current.effective_from:
                raise RuleFileError(sources[successor.version].file, "starts on the same day as "
                                    f"{sources[current.version].file.name}", "effective_from")
            day_before = successor.effective_from - timedelta(days=1)
            if current.effective_until is None:
                current = current.model_copy(update={"effective_until": day_before})
            elif current.effective_until > day_before:
                raise RuleFileError(
                    sources[current.version].file,
                    f"overlaps {sources[successor.version].file.name}, which starts "
                    f"{successor.effective_from.isoformat()}",
                    "effective_until",
                )
        closed.append(current)
    return RuleBook(rule_sets=tuple(closed))
