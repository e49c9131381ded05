"""The rule files as documents: reading the YAML, and merging each file over the one it extends.

Layout of a rules directory:
- `messages.yaml`: the wording of every reason and label (shared by all versions);
- one file per rule set, `<effective_from>.yaml` by convention, with `version`,
  `effective_from`, optional `effective_until` and optional `extends: <version>`.
  A file that extends another starts from its tables and overrides what it names:
  mappings merge key by key, anything else (lists, values) is replaced whole.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from services.eligibility.domain.ruleset.ruleset import NO_RULES_VERSION

MESSAGES_FILE = "messages.yaml"
OWN_KEYS = ("version", "effective_from", "effective_until")
"""Keys that belong to one file and are never inherited."""


class RuleFileError(ValueError):
    """A rule file is unreadable or invalid; the message names the file and the field."""

    def __init__(self, file: Path, problem: str, field: str | None = None) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        where = f"{file.name}: {field}" if field else file.name
        super().__init__(f"rule file {where}: {problem} ({file})")


@dataclass(frozen=True)
class Source:
    file: Path
    document: dict[str, Any]


def read_sources(path: Path) -> tuple[dict[str, Any], dict[str, Source]]:
    """The message catalogue and every rule set file by version; RuleFileError on a bad one."""
    if not path.is_dir():
        raise RuleFileError(path, "is not a directory of rule files")
    messages = _read(path / MESSAGES_FILE)
    sources: dict[str, Source] = {}
    for file in sorted(path.glob("*.yaml")):
        if file.name == MESSAGES_FILE:
            continue
        document = _read(file)
        version = document.get("version")
        if not isinstance(version, str) or not version:
            raise RuleFileError(file, "must be a non-empty quoted string", "version")
        if version == NO_RULES_VERSION:
            raise RuleFileError(file, f"{version!r} is reserved for decisions no rule set covered", "version")
        if version in sources:
            raise RuleFileError(file, f"repeats version {version!r} of {sources[version].file.name}", "version")
        sources[version] = Source(file, document)
    if not sources:
        raise RuleFileError(path, "holds no rule set files")
    return messages, sources


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
    return {key: value for key, value in document.items() if key not in (*OWN_KEYS, "extends")}


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolved(version: str, sources: dict[str, Source], chain: tuple[str, ...]) -> dict[str, Any]:
    """The tables of `version` with everything it inherits merged underneath."""
    source = sources[version]
    parent = source.document.get("extends")
    if parent is None:
        return _tables(source.document)
    if not isinstance(parent, str) or parent not in sources:
        raise RuleFileError(source.file, f"names unknown version {parent!r}", "extends")
    if parent in chain:
        raise RuleFileError(source.file, f"inheritance cycle {' -> '.join((*chain, version, parent))}", "extends")
    return merge(resolved(parent, sources, (*chain, version)), _tables(source.document))
