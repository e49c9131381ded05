"""In-memory stand-ins for eligibility's ports, and the events its handlers consume.

The fakes keep the contracts of the real stores: decisions are stored once per source
event, and an approval is written only over an older revision.
"""

import itertools
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, date, datetime
from typing import Any

from chassis.clock import FixedClock
from contracts.application import Application, FilerCategory
from contracts.intake import ApplicationReceived, Channel
from contracts.organisations import ApprovalChange, ApprovalChanged, ApprovalState, StaffMember
from services.eligibility.domain import ApprovalRecord
from services.eligibility.handlers.assess import AssessApplications
from services.eligibility.handlers.ports import Decision, Received
from services.eligibility.handlers.project import ProjectApprovals

from .factories import ACME, STAFF_ID, rule_book

NOW = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)
_ids = itertools.count(1)


class FakeApprovals:
    def __init__(self, *records: ApprovalRecord) -> None:
        self.records = {r.approval_id: r for r in records}
        self.lookups: list[set[str]] = []
        self.before_save: Callable[[], None] = lambda: None
        """Runs between the handler's read and its write: lets a test play a concurrent writer."""

    async def load(self, approval_ids: Collection[str]) -> dict[str, ApprovalRecord]:
        return {i: self.records[i] for i in approval_ids if i in self.records}

    async def held_by(self, organisation_ids: Collection[str]) -> list[ApprovalRecord]:
        self.lookups.append(set(organisation_ids))
        return [r for r in self.records.values() if r.organisation_id in organisation_ids]

    async def save(self, records: Sequence[ApprovalRecord]) -> list[str]:
        self.before_save()
        stale = []
        for record in records:
            current = self.records.get(record.approval_id)
            if current is not None and current.revision >= record.revision:
                stale.append(record.approval_id)
            else:
                self.records[record.approval_id] = record
        return stale


class FakeDecisions:
    def __init__(self) -> None:
        self.stored: dict[str, Decision] = {}
        self.rival: dict[str, Decision] = {}
        """Decisions a concurrent instance stores just before ours are inserted."""
        self.reads: list[set[str]] = []

    async def find(self, source_ids: Collection[str]) -> dict[str, Decision]:
        self.reads.append(set(source_ids))
        return {i: self.stored[i] for i in source_ids if i in self.stored}

    async def add(self, decisions: Sequence[Decision]) -> list[str]:
        self.stored |= self.rival
        taken = [d.source_id for d in decisions if d.source_id in self.stored]
        self.stored |= {d.source_id: d for d in decisions if d.source_id not in self.stored}
        return taken


class FakePublisher:
    def __init__(self) -> None:
        self.batches: list[list[Decision]] = []

    async def publish(self, decisions: Sequence[Decision]) -> None:
        self.batches.append(list(decisions))

    @property
    def published(self) -> list[Decision]:
        return [d for batch in self.batches for d in batch]


class Eligibility:
    """The two use cases over one set of fakes, as the composition root wires them."""

    def __init__(self, *records: ApprovalRecord) -> None:
        self.approvals = FakeApprovals(*records)
        self.decisions = FakeDecisions()
        self.publisher = FakePublisher()
        self.clock = FixedClock(NOW)
        self.assess = AssessApplications(rule_book(), self.approvals, self.decisions, self.publisher, self.clock)
        self.project = ProjectApprovals(self.approvals)


def received(application: Application, event_id: str | None = None, **fields: Any) -> Received[ApplicationReceived]:
    n = next(_ids)
    payload = ApplicationReceived(
        application_id=fields.pop("application_id", f"app-{n}"),
        provisional_number=f"P-{n}",
        channel=Channel.KAFKA,
        received_at=application.submitted_at,
        application=application,
    )
    return Received(event_id or f"event-{n}", payload, fields.pop("correlation_id", None))


def approval_changed(revision: int, **changes: Any) -> ApprovalChanged:
    """Reporting's view of the baseline organisation staff approval (see factories.approval)."""
    staff_id = STAFF_ID[FilerCategory.ORGANISATION_STAFF]
    fields: dict[str, Any] = {
        "approval_id": f"approval-{FilerCategory.ORGANISATION_STAFF.value}",
        "organisation_id": ACME,
        "category": FilerCategory.ORGANISATION_STAFF,
        "change": ApprovalChange.GRANTED,
        "state": ApprovalState.ACTIVE,
        "valid_from": date(2025, 1, 10),
        "valid_until": date(2026, 1, 9),
        "report_due_by": date(2025, 12, 9),
        "staff": (
            StaffMember(
                staff_id=staff_id,
                name="Staff",
                email="staff@acme.example.jp",
                intermediary=True,
                intermediary_valid_until=date(2027, 3, 31),
            ),
        ),
        "revision": revision,
        "occurred_at": datetime(2025, 1, 10, tzinfo=UTC),
    }
    return ApprovalChanged.model_validate(fields | changes)
