"""The approvals projection: newest revision wins, and what it holds decides the next filing."""

from datetime import timedelta

from contracts.application import FilerCategory
from contracts.organisations import ApprovalChange, ApprovalState, OrganisationKind
from services.eligibility.domain import apply_change

from .factories import FILING_DATE, STAFF_ID, baseline
from .service_fakes import Eligibility, approval_changed, received

STAFF = FilerCategory.ORGANISATION_STAFF
APPROVAL = f"approval-{STAFF.value}"


def reasons(outcome: object) -> list[str]:
    return [r.code for r in outcome.decision.assessed.reasons]  # type: ignore[attr-defined]


async def test_events_of_one_batch_are_applied_in_order_and_an_older_one_after_a_newer_changes_nothing() -> None:
    eligibility = Eligibility()
    projected = await eligibility.project(
        [approval_changed(1), approval_changed(3, state=ApprovalState.LAPSED), approval_changed(2)]
    )
    assert [(r.approval_id, r.revision) for r in projected.written] == [(APPROVAL, 3)]
    assert eligibility.approvals.records[APPROVAL].state is ApprovalState.LAPSED


async def test_a_stale_revision_is_not_written_over_the_stored_one() -> None:
    eligibility = Eligibility()
    await eligibility.project([approval_changed(5, state=ApprovalState.LAPSED)])

    projected = await eligibility.project([approval_changed(4), approval_changed(5)])

    assert projected.written == ()
    assert projected.unchanged == (APPROVAL,)
    assert eligibility.approvals.records[APPROVAL].revision == 5
    assert eligibility.approvals.records[APPROVAL].state is ApprovalState.LAPSED


async def test_a_newer_revision_another_writer_stored_meanwhile_is_kept() -> None:
    eligibility = Eligibility()
    await eligibility.project([approval_changed(1)])
    newer = apply_change(None, approval_changed(4, state=ApprovalState.REVOKED))
    eligibility.approvals.before_save = lambda: eligibility.approvals.records.update({APPROVAL: newer})

    projected = await eligibility.project([approval_changed(2)])

    assert projected.unchanged == (APPROVAL,)
    assert eligibility.approvals.records[APPROVAL] == newer


async def test_the_organisation_kind_is_carried_from_the_event() -> None:
    eligibility = Eligibility()
    await eligibility.project([approval_changed(1, organisation_kind=OrganisationKind.SUPERVISING_BODY)])
    assert eligibility.approvals.records[APPROVAL].organisation_kind is OrganisationKind.SUPERVISING_BODY


async def test_a_revocation_refuses_the_next_filing_dated_from_its_date() -> None:
    eligibility = Eligibility()
    await eligibility.project([approval_changed(1)])
    [before] = await eligibility.assess([received(baseline(STAFF))])

    revoked = {"state": ApprovalState.REVOKED, "revoked_on": FILING_DATE}
    await eligibility.project([approval_changed(2, change=ApprovalChange.REVOKED, **revoked)])
    [after] = await eligibility.assess([received(baseline(STAFF))])

    assert before.decision.assessed.eligible, reasons(before)
    assert reasons(after) == ["approval_not_in_force"]


async def test_a_lapse_projected_before_a_filing_of_the_last_valid_day_does_not_refuse_it() -> None:
    eligibility = Eligibility()
    expiry = {"valid_until": FILING_DATE + timedelta(days=1)}
    await eligibility.project([approval_changed(1, **expiry)])
    await eligibility.project([approval_changed(2, change=ApprovalChange.LAPSED, state=ApprovalState.LAPSED, **expiry)])

    [outcome] = await eligibility.assess([received(baseline(STAFF))])

    assert outcome.decision.assessed.eligible, reasons(outcome)


async def test_a_departed_staff_member_may_not_file_from_the_moment_the_event_is_projected() -> None:
    eligibility = Eligibility()
    await eligibility.project([approval_changed(1)])
    leaver = STAFF_ID[STAFF]

    await eligibility.project(
        [approval_changed(2, change=ApprovalChange.STAFF_REMOVED, staff=(), removed_staff_ids=(leaver,))]
    )
    [outcome] = await eligibility.assess([received(baseline(STAFF))])

    assert reasons(outcome) == ["staff_removed"]
