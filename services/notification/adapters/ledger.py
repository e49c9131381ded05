"""The notice ledger in MongoDB: a claim per notice (pending), and its outcome (sent or failed) once known.

`notices` holds one claim per notice, `_id` the notice id: inserted before the notice is
sent, so the unique `_id` is what makes a claim exclusive (of two writers, one gets a
duplicate-key error and learns the other was first). `notice_outcomes` holds one outcome
per notice, same `_id`, inserted after: a notice is `pending` while it has a claim and
no outcome, and a second insert of an outcome is dropped. An outcome is written when the
server may have the message, before its answer (handlers/recording.py); only the
answer, when it says otherwise, replaces it (`revise`) or removes it (`withdraw`).

Why two inserts rather than one document updated from pending to sent: see `documents.py`
(FerretDB is slow at updates and at `$in`). The usual batch (all its notices new) reads
nothing and writes two bulk inserts. No addresses or message text are stored.
"""

import asyncio
import dataclasses
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from pymongo import IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import insert_unless_taken
from services.notification.adapters.documents import read_by_id, update_each
from services.notification.handlers.ports import Entry, State

NOTICES, OUTCOMES = "notices", "notice_outcomes"
INDEXES = {NOTICES: [IndexModel([("created_at", 1)], name="created_at")]}
"""For operators: old claims without an outcome (a crash, an outage that outlasted the retries)."""

_CLAIM = ("kind", "source_event_id", "message_id", "created_at", "attempts", "application_id", "approval_id",
          "correlation_id")  # fmt: skip
_OUTCOME = ("state", "attempts", "recipient_count", "refused_count", "reason", "settled_at")


def _claim(entry: Entry) -> dict[str, Any]:
    return {"_id": entry.notice_id} | {k: getattr(entry, k) for k in _CLAIM}


def _outcome(entry: Entry) -> dict[str, Any]:
    return {"_id": entry.notice_id} | {k: getattr(entry, k) for k in _OUTCOME} | {"state": str(entry.state)}


def _entry(claim: dict[str, Any], outcome: dict[str, Any] | None) -> Entry:
    fields: dict[str, Any] = {k: claim[k] for k in _CLAIM}
    entry = Entry(notice_id=claim["_id"], state=State.PENDING, **fields)
    if outcome is None:
        return entry
    settled: dict[str, Any] = {k: outcome[k] for k in _OUTCOME} | {"state": State(outcome["state"])}
    return dataclasses.replace(entry, **settled)


class MongoLedger:
    def __init__(self, database: AsyncDatabase[dict[str, Any]]) -> None:
        self._claims = database[NOTICES]
        self._outcomes = database[OUTCOMES]

    async def find(self, notice_ids: Collection[str]) -> dict[str, Entry]:
        claims, outcomes = await asyncio.gather(
            read_by_id(self._claims, notice_ids), read_by_id(self._outcomes, notice_ids)
        )
        return {key: _entry(claim, outcomes.get(key)) for key, claim in claims.items()}

    async def claim(self, entries: Sequence[Entry]) -> set[str]:
        return await insert_unless_taken(self._claims, [_claim(e) for e in entries])

    async def settle(self, entries: Sequence[Entry]) -> None:
        await insert_unless_taken(self._outcomes, [_outcome(e) for e in entries])

    async def revise(self, entries: Sequence[Entry]) -> None:
        for entry in entries:  # one at a time: only what the server refused after all comes here
            await self._outcomes.replace_one({"_id": entry.notice_id}, _outcome(entry), upsert=True)

    async def withdraw(self, notice_ids: Collection[str]) -> None:
        for notice_id in notice_ids:
            await self._outcomes.delete_one({"_id": notice_id})

    async def postpone(self, notice_ids: Collection[str], error: str, at: datetime) -> None:
        await update_each(
            self._claims, notice_ids, {"$set": {"last_error": error[:500], "updated_at": at}, "$inc": {"attempts": 1}}
        )
