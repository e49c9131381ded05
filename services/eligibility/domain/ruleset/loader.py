"""Loading the rule book: rule files -> merged documents -> validated RuleSets -> a RuleBook.

A rule set without `effective_until` runs until the day before the next one starts.
See `sources.py` for the layout of a rules directory.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from services.eligibility.domain.ruleset.ruleset import RuleBook, RuleSet
from services.eligibility.domain.ruleset.sources import (
    MESSAGES_FILE,
    OWN_KEYS,
    RuleFileError,
    Source,
    merge,
    read_sources,
    resolved,
)

DEFAULT_RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


def load_ruleset(path: Path = DEFAULT_RULES_DIR) -> RuleBook:
    """Load and validate every rule set under `path`; raise RuleFileError on the first bad file."""
    messages, sources = read_sources(path)
    built: dict[str, RuleSet] = {}
    for version in sources:
        _build(version, sources, messages, built, ())
    return _book(sorted(built.values(), key=lambda s: s.effective_from), sources)


def _build(
    version: str,
    sources: dict[str, Source],
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
    tables = merge({"messages": messages}, resolved(version, sources, chain))
    own = {key: source.document[key] for key in OWN_KEYS if key in source.document}
    try:
        rule_set = RuleSet.model_validate({**tables, **own})
    except ValidationError as error:
        raise _explain(error, source) from None
    built[version] = rule_set
    return rule_set


def _explain(error: ValidationError, source: Source) -> RuleFileError:
    """Every problem pydantic found, each as `field: message`; the first field is kept apart."""
    problems = [(".".join(str(part) for part in e["loc"]) or "(top level)", _message(e)) for e in error.errors()]
    first_field, first_message = problems[0]
    rest = "".join(f"; {field}: {message}" for field, message in problems[1:6])
    file = source.file
    if first_field.startswith("messages") and "messages" not in source.document:
        file = source.file.parent / MESSAGES_FILE  # the wording came from the shared catalogue
    return RuleFileError(file, f"{first_message}{rest}", first_field)


def _message(error: ErrorDetails) -> str:
    if isinstance(error.get("input"), bool):
        # YAML 1.1 reads yes/no/on/off as booleans: the usual cause of a "true" where a word was meant.
        return f"{error['msg']} (got {error['input']}: YAML reads yes/no/on/off as true/false)"
    return error["msg"]


def _book(rule_sets: list[RuleSet], sources: dict[str, Source]) -> RuleBook:
    """Close each open-ended set the day before its successor starts; refuse overlaps."""
    closed: list[RuleSet] = []
    for current, successor in zip(rule_sets, [*rule_sets[1:], None], strict=True):
        if successor is not None:
            if successor.effective_from == current.effective_from:
                raise RuleFileError(
                    sources[successor.version].file,
                    f"starts on the same day as {sources[current.version].file.name}",
                    "effective_from",
                )
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
