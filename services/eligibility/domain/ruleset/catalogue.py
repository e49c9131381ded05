"""The words for every reason and label, from `rules/messages.yaml` (read by `adapters/rule_files.py`).

Templates are checked when the rules load: every reason code has both languages, and
a template names only the placeholders its code declares, so rendering cannot fail.
"""

from collections.abc import Iterable
from functools import lru_cache
from string import Formatter
from typing import Any

from pydantic import field_validator

from contracts.application import Procedure, ReceiptMethod
from contracts.eligibility import Reason
from contracts.organisations import OrganisationKind
from services.eligibility.domain.reasons import PLACEHOLDERS, Bilingual, Finding, ReasonCode, Value
from services.eligibility.domain.ruleset.tables import Table


def _require_all(table: dict[Any, Bilingual], keys: Iterable[str]) -> dict[Any, Bilingual]:
    missing = sorted(str(key) for key in keys if key not in table)
    if missing:
        raise ValueError(f"no text for {', '.join(missing)}")
    return table


def _template_problem(template: str, allowed: frozenset[str]) -> str | None:
    try:
        parts = list(Formatter().parse(template))
    except ValueError as error:
        return f"malformed template ({error})"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed:
            return f"unknown placeholder {{{name}}} (allowed: {', '.join(sorted(allowed)) or 'none'})"
        if spec or conversion:
            return f"placeholder {{{name}}} may not carry a format or conversion"
    return None


class Catalogue(Table):
    reasons: dict[ReasonCode, Bilingual]
    procedures: dict[Procedure, Bilingual]
    receipt_methods: dict[ReceiptMethod, Bilingual]
    organisation_kinds: dict[OrganisationKind, Bilingual]

    @field_validator("reasons")
    @classmethod
    def _reasons_complete_and_sound(cls, table: dict[ReasonCode, Bilingual]) -> dict[ReasonCode, Bilingual]:
        _require_all(table, ReasonCode)
        for code, text in table.items():
            allowed = PLACEHOLDERS.get(code, frozenset())
            for language, template in (("ja", text.ja), ("en", text.en)):
                problem = _template_problem(template, allowed)
                if problem:
                    raise ValueError(f"{code}.{language}: {problem}")
        return table

    @field_validator("procedures")
    @classmethod
    def _procedures_complete(cls, table: dict[Procedure, Bilingual]) -> dict[Procedure, Bilingual]:
        return _require_all(table, Procedure)

    @field_validator("receipt_methods")
    @classmethod
    def _methods_complete(cls, table: dict[ReceiptMethod, Bilingual]) -> dict[ReceiptMethod, Bilingual]:
        return _require_all(table, ReceiptMethod)

    @field_validator("organisation_kinds")
    @classmethod
    def _kinds_complete(cls, table: dict[OrganisationKind, Bilingual]) -> dict[OrganisationKind, Bilingual]:
        return _require_all(table, OrganisationKind)

    def render(self, found: Finding) -> Reason:
        text = self.reasons[found.code]
        return _render(found.code, text.ja, text.en, found.params)


@lru_cache(maxsize=8192)
def _render(code: ReasonCode, ja: str, en: str, params: tuple[tuple[str, Value], ...]) -> Reason:
    """Findings repeat endlessly (same code, same values), so each is put into words once.

    Keyed on the texts themselves, not on a catalogue, so a reworded catalogue never
    gets another's words; bounded, as dates in the values make the key set open-ended.
    """
    values_ja = _Values({k: v if isinstance(v, str) else v.ja for k, v in params})
    values_en = _Values({k: v if isinstance(v, str) else v.en for k, v in params})
    return Reason(code=code.value, message_ja=ja.format_map(values_ja), message_en=en.format_map(values_en))


class _Values(dict[str, str]):
    """Placeholder values; a value a check did not supply renders empty rather than raising."""

    def __missing__(self, key: str) -> str:
        return ""
