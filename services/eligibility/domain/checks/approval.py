"""The organisation's approval to use the system (利用申出), and the filer's place in it (domain §6).

The chain is checked in order and stops at the first broken link, since each link
needs the one before: no approval, then none in force, then not a listed user,
then no valid intermediary standing.
"""

from collections.abc import Iterator, Sequence

from services.eligibility.domain.approvals import ApprovalRecord, StaffStanding
from services.eligibility.domain.case import Case
from services.eligibility.domain.reasons import Finding, ReasonCode, finding


def approval_in_force(case: Case) -> Iterator[Finding]:
    category = case.filer.category
    if category not in case.rules.filers.approval_required_for:
        return
    organisation = case.filer.organisation_id
    if organisation is None:
        yield finding(ReasonCode.ORGANISATION_MISSING)
        return
    scoped = employer_scoped(case)
    receiving = case.form.receiving_organisation_id
    own = usable = False
    in_force: list[ApprovalRecord] = []
    for record in case.facts.approvals:
        if record.organisation_id != organisation or record.category != category:
            continue
        own = True
        if record.covers(receiving, employer_scoped=scoped):
            usable = True
            if record.in_force_on(case.filing_date):
                in_force.append(record)
    if not usable:
        yield finding(ReasonCode.EMPLOYER_APPROVAL_MISSING if scoped and own else ReasonCode.APPROVAL_MISSING)
    elif not in_force:
        yield finding(ReasonCode.APPROVAL_NOT_IN_FORCE)
    else:
        yield from _filer_is_approved_user(case, in_force)


def employer_scoped(case: Case) -> bool:
    """Whether this case needs an approval naming the receiving organisation (特定技能 via a support org)."""
    if case.filer.category not in case.rules.employer_scoped_categories:
        return False
    status = case.subject_status()
    if status is None:
        return False
    return any(case.filer.category in c.employer_approval_for for c in case.rules.conditions_for(status))


def _filer_is_approved_user(case: Case, approvals: Sequence[ApprovalRecord]) -> Iterator[Finding]:
    filer_id = case.filer.filer_id
    on_filing_date = (a.standing_on(filer_id, case.filing_date) for a in approvals)
    standings = [standing for standing in on_filing_date if standing is not None]
    if not standings:
        removed = any(filer_id in a.removed_staff_ids for a in approvals)
        yield finding(ReasonCode.STAFF_REMOVED if removed else ReasonCode.STAFF_NOT_LISTED)
        return
    if case.filer.category not in case.rules.filers.intermediary_standing_required_for:
        return
    # Listed under several approvals: one valid standing is enough.
    problems = [p for standing in standings if (p := _standing_problem(case, standing)) is not None]
    if len(problems) == len(standings):
        yield problems[0]


def _standing_problem(case: Case, standing: StaffStanding) -> Finding | None:
    """Standing holds through its valid_until day inclusive."""
    if not standing.intermediary:
        return finding(ReasonCode.INTERMEDIARY_STANDING_MISSING)
    until = standing.intermediary_valid_until
    if until is None:
        accepted = case.rules.filers.undated_intermediary_standing_accepted
        return None if accepted else finding(ReasonCode.INTERMEDIARY_STANDING_MISSING)
    if until < case.filing_date:
        return finding(ReasonCode.INTERMEDIARY_STANDING_EXPIRED, valid_until=until.isoformat())
    return None
