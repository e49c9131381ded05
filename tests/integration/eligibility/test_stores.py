"""Eligibility's MongoDB stores on the real MongoDB-protocol server (FerretDB here)."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from contracts.eligibility import ApplicationAssessed
from contracts.organisations import ApprovalState
from services.eligibility.adapters.approvals import MongoApprovals
from services.eligibility.adapters.decisions import MongoDecisions
from services.eligibility.handlers.ports import Decision
from tests.unit.eligibility.factories import ACME, FILING_DATE, approval
from tests.unit.eligibility.service_fakes import NOW


async def test_an_approval_is_never_overwritten_by_an_older_revision_and_other_writes_still_land(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    store = MongoApprovals(database)
    assert await store.save([approval(revision=5, state=ApprovalState.LAPSED)]) == []

    stale = await store.save([approval(revision=4), approval(approval_id="other", revision=1), approval(revision=5)])

    assert sorted(stale) == ["approval-organisation_staff", "approval-organisation_staff"]
    held = {a.approval_id: a for a in await store.held_by([ACME])}
    assert held["approval-organisation_staff"].revision == 5
    assert held["approval-organisation_staff"].state is ApprovalState.LAPSED
    assert held["other"].revision == 1
    assert await store.held_by(["org-nobody"]) == []


def decision(source_id: str, eligible: bool) -> Decision:
    assessed = ApplicationAssessed(
        application_id=f"app-{source_id}",
        eligible=eligible,
        ruleset_version="2025-04-01",
        rules_date=FILING_DATE,
        assessed_at=NOW,
    )
    return Decision(source_id, f"out-{source_id}", assessed, "corr")


async def test_a_decision_is_stored_once_per_source_event_and_the_first_one_stands(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    store = MongoDecisions(database)
    first = decision("e1", True)
    assert await store.add([first]) == []

    taken = await store.add([decision("e0", True), decision("e1", False), decision("e2", True)])

    assert taken == ["e1"]
    found = await store.find(["e0", "e1", "e2", "e3"])
    assert sorted(found) == ["e0", "e1", "e2"]
    assert found["e1"] == first
