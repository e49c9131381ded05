"""Decisions in MongoDB: one document per source event, `_id` = the ApplicationReceived event's id.

Document: `_id`, `event_id` (the id the decision is published under), `correlation_id`
and `assessed` (the ApplicationAssessed payload). Keying on the source event makes the
insert itself the idempotency check: a second insert for the same event is a duplicate
key, whoever tries it.
"""

from collections.abc import Collection, Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import insert_unless_taken
from contracts.eligibility import ApplicationAssessed
from services.eligibility.handlers.ports import Decision

DECISIONS = "decisions"


def _document(decision: Decision) -> dict[str, Any]:
    return {
        "_id": decision.source_id,
        "event_id": decision.event_id,
        "correlation_id": decision.correlation_id,
        "assessed": decision.assessed.model_dump(mode="json"),
    }


def _decision(document: dict[str, Any]) -> Decision:
    return Decision(
        source_id=document["_id"],
        event_id=document["event_id"],
        assessed=ApplicationAssessed.model_validate(document["assessed"]),
        correlation_id=document["correlation_id"],
    )


class MongoDecisions:
    def __init__(self, database: AsyncDatabase[dict[str, Any]]) -> None:
        self._decisions = database[DECISIONS]

    async def find(self, source_ids: Collection[str]) -> dict[str, Decision]:
        if not source_ids:
            return {}
        found = self._decisions.find({"_id": {"$in": list(source_ids)}})
        return {document["_id"]: _decision(document) async for document in found}

    async def add(self, decisions: Sequence[Decision]) -> list[str]:
        taken = await insert_unless_taken(self._decisions, [_document(d) for d in decisions])
        return [d.source_id for d in decisions if d.source_id in taken]
