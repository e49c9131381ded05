"""What the service hands `assess` besides the application: the filing date and the organisation facts.

Both are derived here, purely, so that the same application and the same projection
always give the same inputs, whichever instance assesses it and in whatever order the
database returns the approvals.
"""

from collections.abc import Iterable
from datetime import date, datetime

from contracts.calendar import japan_date
from services.eligibility.domain.approvals import ApprovalRecord, OrganisationFacts


def filing_date(submitted_at: datetime) -> date:
    """The calendar day in Japan on which the application was submitted: the day whose rules apply.

    A filing at 23:59 JST belongs to that day, one at 00:00 JST to the next, whatever
    the offset the portal wrote. A timestamp without an offset is read as UTC rather
    than as the machine's local time, which would make the decision depend on where
    it runs.
    """
    return japan_date(submitted_at)


def facts_for(organisation_id: str | None, approvals: Iterable[ApprovalRecord]) -> OrganisationFacts:
    """The facts about the filer's own organisation, from the approvals at hand.

    Only the approvals the organisation holds count (those of other organisations
    serving the same employer say nothing about this filer). They are ordered by id so
    the reasons never depend on the order they were read in. The organisation's kind
    is the one its approvals state; approvals that disagree leave it unknown, and the
    rule that needs it then fails closed.
    """
    if organisation_id is None:
        return OrganisationFacts()
    own = sorted((a for a in approvals if a.organisation_id == organisation_id), key=lambda a: a.approval_id)
    kinds = {a.organisation_kind for a in own if a.organisation_kind is not None}
    return OrganisationFacts(approvals=tuple(own), organisation_kind=kinds.pop() if len(kinds) == 1 else None)
