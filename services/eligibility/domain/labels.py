"""Bilingual labels for the values reason messages name."""

from functools import lru_cache

from contracts.application import STATUS_OF_RESIDENCE_CODES, Procedure, StatusOfResidence
from services.eligibility.domain.reasons import Bilingual
from services.eligibility.domain.ruleset import RuleSet


def procedure_label(rules: RuleSet, procedure: Procedure) -> Bilingual:
    return rules.messages.procedures[procedure]


def status_label(status: StatusOfResidence) -> Bilingual:
    return _status_label(status.code, status.subtype)


@lru_cache(maxsize=1024)
def _status_label(code: str, subtype: str | None) -> Bilingual:
    """Japanese from the contracts' status names; English from the code itself."""
    ja = STATUS_OF_RESIDENCE_CODES.get(code, code)
    en = code.replace("_", " ")
    if subtype is None:
        return Bilingual(ja=ja, en=en)
    return Bilingual(ja=f"{ja}（{subtype}）", en=f"{en} ({subtype})")
