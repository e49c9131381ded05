"""The rule sources as documents, already read: checking their versions, and merging each over the one it extends.

A rule book is made of a message catalogue (the wording of every reason and label, shared by
all versions) and one source per rule set, with `version`, `effective_from`, optional
`effective_until` and optional `extends: <version>`. A source that extends another starts from
its tables and overrides what it names: mappings merge key by key, anything else (lists,
values) is replaced whole. Reading them from files is `adapters/rule_files.py`'s.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from services.eligibility.domain.ruleset.ruleset import NO_RULES_VERSION

OWN_KEYS = ("version", "effective_from", "effective_until")
"""Keys that belong to one file and are never inherited."""


class RuleSourceError(ValueError):
    """A rule source is invalid; `source` names it (None: the sources as a whole), `field` the field."""

    def __init__(self, source: str | None, problem: str, field: str | None = None) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        where = ": ".join(part for part in (source, field) if part)
        super().__init__(f"rule source {where}: {problem}" if where else f"rule sources: {problem}")


@dataclass(frozen=True)
class Source:
    name: str
    document: dict[str, Any]


def collect(sources: Iterable[Source]) -> dict[str, Source]:
    """Every rule set source by version; RuleSourceError on a missing, reserved or repeated one."""
    by_version: dict[str, Source] = {}
    for source in sources:
        version = source.document.get("version")
        if not isinstance(version, str) or not version:
            raise RuleSourceError(source.name, "must be a non-empty quoted string", "version")
        if version == NO_RULES_VERSION:
            raise RuleSourceError(source.name, f"{version!r} is reserved for decisions no rule set covered", "version")
        if version in by_version:
            raise RuleSourceError(source.name, f"repeats version {version!r} of {by_version[version].name}", "version")
        by_version[version] = source
    if not by_version:
        raise RuleSourceError(None, "holds no rule set files")
    return by_version


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
        raise RuleSourceError(source.name, f"names unknown version {parent!r}", "extends")
    if parent in chain:
        raise RuleSourceError(source.name, f"inheritance cycle {' -> '.join((*chain, version, parent))}", "extends")
    return merge(resolved(parent, sources, (*chain, version)), _tables(source.document))
