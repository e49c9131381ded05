"""Documents requests, online answers and reminder claims in MongoDB: insert-only, as FerretDB serves safely.

- `documents_requests`: `_id` the request's event id; its application, time, last day (an ISO
  date string, so that a range query compares it as text) and the request's notice as JSON text.
- `documents_answers`: `_id` the answer's event id; its application and the answered request's time.
- `documents_reminders`: `_id` the request's event id, inserted by the instance that sends the
  reminder: the only atomic conditional write on FerretDB, so two instances never both send it.

Claims are read and released by `_id`, one at a time (`documents.py`): FerretDB answers `_id: {$in}`
by reading the whole collection, which grows with every reminder ever sent. The tick's range over
`due_on` and its `application_id` filter on answers still read their whole collections (once per
`DOCUMENTS_REMINDER_INTERVAL_SECONDS`, not per event): docs/notification-delivery.md.
"""

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import insert_unless_taken
from services.notification.adapters.documents import delete_each, read_by_id
from services.notification.domain.model import Notice
from services.notification.domain.plan_documents import DocumentsReminderDue

REQUESTS, ANSWERS, REMINDERS = "documents_requests", "documents_answers", "documents_reminders"


class MongoDocumentsRequests:
    def __init__(self, database: AsyncDatabase[dict[str, Any]]) -> None:
        self._requests = database[REQUESTS]
        self._answers = database[ANSWERS]
        self._reminders = database[REMINDERS]

    async def record_requests(self, requests: Sequence[DocumentsReminderDue]) -> None:
        documents = [
            {
                "_id": r.request_event_id,
                "application_id": r.application_id,
                "requested_at": r.requested_at,
                "due_on": r.due_on.isoformat(),
                "notice": r.requested_notice.model_dump_json(),
            }
            for r in requests
        ]
        await insert_unless_taken(self._requests, documents)

    async def record_answers(self, answers: Sequence[tuple[str, str, datetime]]) -> None:
        documents = [{"_id": i, "application_id": a, "requested_at": at} for i, a, at in answers]
        await insert_unless_taken(self._answers, documents)

    async def due_between(self, first: date, last: date, limit: int) -> list[DocumentsReminderDue]:
        query = {"due_on": {"$gte": first.isoformat(), "$lte": last.isoformat()}}
        found = [d async for d in self._requests.find(query).limit(limit * 4)]
        claimed = await read_by_id(self._reminders, [d["_id"] for d in found])
        return [_request(d) for d in found if d["_id"] not in claimed][:limit]

    async def answers(self, application_ids: Collection[str]) -> dict[str, list[datetime]]:
        found: dict[str, list[datetime]] = {}
        async for d in self._answers.find({"application_id": {"$in": list(application_ids)}}):
            found.setdefault(d["application_id"], []).append(d["requested_at"])
        return found

    async def claim_reminders(self, request_event_ids: Sequence[str]) -> set[str]:
        return await insert_unless_taken(self._reminders, [{"_id": i} for i in request_event_ids])

    async def release_reminders(self, request_event_ids: Sequence[str]) -> None:
        await delete_each(self._reminders, request_event_ids)


def _request(document: dict[str, Any]) -> DocumentsReminderDue:
    return DocumentsReminderDue(
        request_event_id=document["_id"],
        application_id=document["application_id"],
        requested_at=document["requested_at"],
        due_on=date.fromisoformat(document["due_on"]),
        requested_notice=Notice.model_validate_json(document["notice"]),
    )
