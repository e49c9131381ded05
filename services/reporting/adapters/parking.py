"""Bureau events that arrived before their approval's grant, kept until it arrives.

`_id` is `<topic>:<event id>`, so parking the same event twice keeps one copy. The event is
stored as its payload's JSON with the payload's type name, which is all it takes to read it
back; `parked_at` (real time) orders them oldest first. An event whose grant never comes
stays here, visible to an operator, rather than vanishing.
"""

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from chassis.mongo import only_duplicates
from contracts.organisations import ApprovalGranted, ApprovalRevoked, PeriodicReportAccepted, StaffAdded, StaffLeft
from services.reporting.handlers.ports import Clock, ParkedEvent

PARKED = "pending_bureau_events"
INDEXES = {PARKED: [IndexModel([("approval_id", ASCENDING), ("parked_at", ASCENDING)])]}
_KINDS: Final[Mapping[str, Any]] = {
    kind.__name__: kind for kind in (ApprovalGranted, PeriodicReportAccepted, StaffLeft, StaffAdded, ApprovalRevoked)
}


class MongoParkedEvents:
    def __init__(self, database: AsyncDatabase[dict[str, Any]], *, wall: Clock) -> None:
        self._parked = database[PARKED]
        self._wall = wall

    async def park(self, events: Sequence[ParkedEvent]) -> None:
        now = self._wall.now()
        documents = [
            {
                "_id": item.key,
                "approval_id": item.event.approval_id,
                "event_id": item.event_id,
                "kind": type(item.event).__name__,
                "event": item.event.model_dump(mode="json"),
                "correlation_id": item.correlation_id,
                "parked_at": now,
            }
            for item in events
        ]
        try:
            await self._parked.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            if not only_duplicates(error):
                raise

    async def for_approvals(self, approval_ids: Collection[str]) -> list[ParkedEvent]:
        if not approval_ids:
            return []
        found = self._parked.find({"approval_id": {"$in": list(approval_ids)}}).sort(
            [("parked_at", ASCENDING), ("_id", ASCENDING)]
        )
        return [
            ParkedEvent(
                key=document["_id"],
                event_id=document["event_id"],
                event=_KINDS[document["kind"]].model_validate(document["event"]),
                correlation_id=document.get("correlation_id"),
            )
            async for document in found
        ]

    async def remove(self, keys: Collection[str]) -> None:
        if keys:
            await self._parked.delete_many({"_id": {"$in": list(keys)}})
