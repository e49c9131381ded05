"""Whether the statuses held and asked for are handled online."""

from collections.abc import Iterator

from contracts.application import StatusOfResidence
from services.eligibility.domain.case import Case
from services.eligibility.domain.labels import status_label
from services.eligibility.domain.reasons import Finding, ReasonCode, finding
from services.eligibility.domain.ruleset import StatusNeed
from services.eligibility.domain.ruleset.tables import StatusScope


def current_status_in_scope(case: Case) -> Iterator[Finding]:
    need = case.rules.status_needs[case.form.procedure].current
    found = _judge(
        need,
        case.applicant.current_status,
        case.rules.status_scope.current,
        ReasonCode.CURRENT_STATUS_MISSING,
        ReasonCode.CURRENT_STATUS_OUT_OF_SCOPE,
    )
    if found is not None:
        yield found


def requested_status_in_scope(case: Case) -> Iterator[Finding]:
    need = case.rules.status_needs[case.form.procedure].requested
    found = _judge(
        need,
        case.form.requested_status,
        case.rules.status_scope.requested,
        ReasonCode.REQUESTED_STATUS_MISSING,
        ReasonCode.REQUESTED_STATUS_OUT_OF_SCOPE,
    )
    if found is not None:
        yield found


def _judge(
    need: StatusNeed,
    status: StatusOfResidence | None,
    scope: StatusScope,
    missing: ReasonCode,
    out_of_scope: ReasonCode,
) -> Finding | None:
    if need is StatusNeed.IGNORED:
        return None
    if status is None:
        return finding(missing) if need is StatusNeed.REQUIRED else None
    if not scope.admits(status):
        return finding(out_of_scope, status=status_label(status))
    return None
