"""Building the rule book: rule sources, already read -> merged documents -> validated RuleSets -> a RuleBook.

A rule set without `effective_until` runs until the day before the next one starts.
See `sources.py` for what a source holds.
"""

from collections.abc import Iterable
from datetime import timedelta

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from services.eligibility.domain.ruleset.ruleset import RuleBook, RuleSet
from services.eligibility.domain.ruleset.sources import (
    OWN_KEYS,
    RuleSourceError,
    Source,
    collect,
    merge,
    resolved,
)


def rule_book(messages: Source, rule_sets: Iterable[Source]) -> RuleBook:
    """Validate every rule set against the message catalogue; raise RuleSourceError on the first bad source."""
    sources = collect(rule_sets)
    built: dict[str, RuleSet] = {}
    for version in sources:
        _build(version, sources, messages, built, ())
    return _book(sorted(built.values(), key=lambda s: s.effective_from), sources)


def _build(
    version: str,
    sources: dict[str, Source],
    messages: Source,
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
    tables = merge({"messages": messages.document}, resolved(version, sources, chain))
    own = {key: source.document[key] for key in OWN_KEYS if key in source.document}
    try:
        rule_set = RuleSet.model_validate({**tables, **own})
    except ValidationError as error:
        raise _explain(error, source, messages) from None
    built[version] = rule_set
    return rule_set


def _explain(error: ValidationError, source: Source, messages: Source) -> RuleSourceError:
    """Every problem pydantic found, each as `field: message`; the first field is kept apart."""
    problems = [(".".join(str(part) for part in e["loc"]) or "(top level)", _message(e)) for e in error.errors()]
    first_field, first_message = problems[0]
    rest = "".join(f"; {field}: {message}" for field, message in problems[1:6])
    name = source.name
    if first_field.startswith("messages") and "messages" not in source.document:
        name = messages.name  # the wording came from the shared catalogue
    return RuleSourceError(name, f"{first_message}{rest}", first_field)


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
                raise RuleSourceError(
                    sources[successor.version].name,
                    f"starts on the same day as {sources[current.version].name}",
                    "effective_from",
                )
            day_before = successor.effective_from - timedelta(days=1)
            if current.effective_until is None:
                current = current.model_copy(update={"effective_until": day_before})
            elif current.effective_until > day_before:
                raise RuleSourceError(
                    sources[current.version].name,
                    f"overlaps {sources[successor.version].name}, which starts {successor.effective_from.isoformat()}",
                    "effective_until",
                )
        closed.append(current)
    return RuleBook(rule_sets=tuple(closed))
