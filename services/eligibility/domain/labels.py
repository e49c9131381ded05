"""Bilingual labels for the values reason messages name."""

from contracts.application import STATUS_OF_RESIDENCE_CODES, Procedure, StatusOfResidence
from services.eligibility.domain.reasons import Bilingual
from services.eligibility.domain.ruleset import RuleSet


def procedure_label(rules: RuleSet, procedure: Procedure) -> Bilingual:
    return rules.messages.procedures[procedure]


def status_label(status: StatusOfResidence) -> Bilingual:
    """Japanese from the contracts' status names; English from the code itself."""
    ja = STATUS_OF_RESIDENCE_CODES.get(status.code, status.code)
    en = status.code.replace("_", " ")
    if status.subtype is None:
        return Bilingual(ja=ja, en=en)
    return Bilingual(ja=f"{ja}（{status.subtype}）", en=f"{en} ({status.subtype})")
