"""Decisions in MongoDB: one document per source event, `_id` = the ApplicationReceived event's id.

Document: `_id`, `event_id` (the id the decision is published under), `correlation_id`
and `assessed` (the ApplicationAssessed payload). Keying on the source event makes the
insert itself the idempotency check: a second insert for the same event is a duplicate
key, whoever tries it.

Decisions grow with every application, so they are only ever read by `_id`, one point read
per decision, concurrently: the embedded server answers `{_id: value}` from its index and
reads the whole collection for anything else (`$in` included). They are read only for
source events decided before (redeliveries), never on the first pass.
"""

import asyncio
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
        found = await asyncio.gather(*(self._decisions.find_one({"_id": i}) for i in set(source_ids)))
        return {document["_id"]: _decision(document) for document in found if document is not None}

    async def add(self, decisions: Sequence[Decision]) -> list[str]:
        taken = await insert_unless_taken(self._decisions, [_document(d) for d in decisions])
        return [d.source_id for d in decisions if d.source_id in taken]
