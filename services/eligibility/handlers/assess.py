"""Deciding a batch of received applications, once each, whatever is redelivered.

Per batch: the approvals held by the filers' organisations (from the store's copy in
memory: one point read to learn it is current), the pure assessment of every event, one
unordered insert of the decisions keyed by source event id, and one publish. The insert
is the idempotency check: a source event decided before (a redelivery, or a concurrent
instance that got there first) is a duplicate key, and its stored decision is read back
by `_id` and published in place of the new one, under the same derived id. Deciding
first and asking second spares the common case any read of the decisions; and on the
embedded MongoDB-protocol server only `{_id: value}` reaches an index (anything else
reads the whole collection), so the reads that remain cost the same on the first day as
after millions of decisions.

A filing date that no rule set covers is decided like any other: not eligible, with
the reason `no_rules_in_force` (`domain.decide`). Nothing allowed online filing on that
date, and a dead letter would leave the application submitted for good.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from contracts.eligibility import ApplicationAssessed
from contracts.intake import ApplicationReceived
from services.eligibility.domain import ApprovalRecord, RuleBook, decide, facts_for, filing_date
from services.eligibility.handlers.ports import (
    ApprovalStore,
    Clock,
    Decision,
    DecisionPublisher,
    DecisionStore,
    Received,
)

_NAMESPACE: Final = uuid.UUID("0b6f7c5e-3d1a-4f9e-8a27-5c4e1d2b9f63")


def decision_event_id(source_id: str) -> str:
    """The id a decision is published under: a UUIDv5 of the source event id, the same every time."""
    return str(uuid.uuid5(_NAMESPACE, f"application-assessed/{source_id}"))


@dataclass(frozen=True, slots=True)
class Outcome:
    decision: Decision
    repeated: bool
    """Decided before: a redelivery, or a concurrent instance that got there first."""


class AssessApplications:
    def __init__(
        self,
        rules: RuleBook,
        approvals: ApprovalStore,
        decisions: DecisionStore,
        publisher: DecisionPublisher,
        clock: Clock,
    ) -> None:
        self._rules = rules
        self._approvals = approvals
        self._decisions = decisions
        self._publisher = publisher
        self._clock = clock

    async def __call__(self, events: Sequence[Received[ApplicationReceived]]) -> list[Outcome]:
        unique: dict[str, Received[ApplicationReceived]] = {}
        for event in events:
            unique.setdefault(event.event_id, event)
        new = {d.source_id: d for d in await self._decide(list(unique.values()))}
        taken = await self._decisions.add(list(new.values())) if new else []
        stored = await self._stored(taken) if taken else {}
        outcomes = [Outcome(stored[i], True) if i in stored else Outcome(new[i], False) for i in unique]
        await self._publisher.publish([outcome.decision for outcome in outcomes])
        return outcomes

    async def _decide(self, events: Sequence[Received[ApplicationReceived]]) -> list[Decision]:
        if not events:
            return []
        held = await self._held_by({event.payload.application.filer.organisation_id for event in events})
        now = self._clock.now()
        decisions = []
        for event in events:
            application = event.payload.application
            organisation = application.filer.organisation_id
            facts = facts_for(organisation, held.get(organisation or "", ()))
            result = decide(self._rules, application, facts, filing_date(application.submitted_at))
            assessed = ApplicationAssessed(
                application_id=event.payload.application_id,
                eligible=result.eligible,
                reasons=result.reasons,
                ruleset_version=result.ruleset_version,
                rules_date=result.rules_date,
                assessed_at=now,
            )
            correlation = event.correlation_id or event.event_id
            decisions.append(Decision(event.event_id, decision_event_id(event.event_id), assessed, correlation))
        return decisions

    async def _stored(self, source_ids: Sequence[str]) -> dict[str, Decision]:
        found = await self._decisions.find(source_ids)
        if len(found) != len(set(source_ids)):
            raise LookupError(f"decisions reported as stored but not found: {sorted(set(source_ids) - set(found))}")
        return found

    async def _held_by(self, organisations: set[str | None]) -> dict[str, list[ApprovalRecord]]:
        wanted = {o for o in organisations if o is not None}
        held: dict[str, list[ApprovalRecord]] = defaultdict(list)
        for record in await self._approvals.held_by(wanted) if wanted else ():
            held[record.organisation_id].append(record)
        return held
