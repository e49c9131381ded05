"""Whom an organisation's staff may file for."""

from collections.abc import Iterator

from services.eligibility.domain.case import Case
from services.eligibility.domain.labels import status_label
from services.eligibility.domain.reasons import Bilingual, Finding, ReasonCode, finding


def acting_for_receiving_organisation(case: Case) -> Iterator[Finding]:
    """Public-interest corporations and support organisations file only for the organisation that asked them."""
    if case.filer.category not in case.rules.filers.acting_for_required_for:
        return
    acting_for = case.filer.acting_for_organisation_id
    if acting_for is None or acting_for != case.form.receiving_organisation_id:
        yield finding(ReasonCode.ACTING_FOR_MISMATCH)


def own_organisation_receives(case: Case) -> Iterator[Finding]:
    """A receiving organisation's staff file for the people it receives, not another's.

    An unnamed receiving organisation is taken to be the filer's own.
    """
    if case.filer.category not in case.rules.filers.own_organisation_receives:
        return
    receiving = case.form.receiving_organisation_id
    own = case.filer.organisation_id
    if receiving is not None and own is not None and receiving != own:
        yield finding(ReasonCode.ORGANISATION_NOT_RECEIVING)


def organisation_kind_allowed(case: Case) -> Iterator[Finding]:
    """E.g. 技能実習 (団体監理型) only through staff of the supervising body (監理団体).

    An organisation of unknown kind fails closed.
    """
    if case.filer.category not in case.rules.kind_restricted_categories:
        return
    status = case.subject_status()
    if status is None:
        return
    for condition in case.rules.conditions_for(status):
        kinds = condition.organisation_kinds.get(case.filer.category)
        if kinds is not None and case.facts.organisation_kind not in kinds:
            labels = [case.rules.messages.organisation_kinds[kind] for kind in sorted(kinds)]
            yield finding(
                ReasonCode.ORGANISATION_KIND_NOT_ALLOWED,
                status=status_label(status),
                kinds=Bilingual(ja="・".join(x.ja for x in labels), en=" or ".join(x.en for x in labels)),
            )
