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

A notice claimed before (a redelivery, a retry) is read back outcome first, by `_id`: a
settled notice's outcome and the notice as planned again from its event (the same event
plans the same notice) give everything its outcome event says, the Message-ID included
(kept on the outcome since it was added there), so its claim is read only while it is
pending, or when its outcome was written by a version without the Message-ID.
"""

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
_KEPT = ("message_id",)
"""Claim fields also kept on the outcome: a settled notice is then read back without its claim."""


def _claim(entry: Entry) -> dict[str, Any]:
    return {"_id": entry.notice_id} | {k: getattr(entry, k) for k in _CLAIM}


def _outcome(entry: Entry) -> dict[str, Any]:
    fields = {k: getattr(entry, k) for k in (*_OUTCOME, *_KEPT)}
    return {"_id": entry.notice_id} | fields | {"state": str(entry.state)}


def _claimed(claim: dict[str, Any]) -> Entry:
    fields: dict[str, Any] = {k: claim[k] for k in _CLAIM}
    return Entry(notice_id=claim["_id"], state=State.PENDING, **fields)


def _settled(entry: Entry, outcome: dict[str, Any]) -> Entry:
    settled: dict[str, Any] = {k: outcome[k] for k in (*_OUTCOME, *_KEPT) if k in outcome}
    return dataclasses.replace(entry, **settled | {"state": State(outcome["state"])})


class MongoLedger:
    def __init__(self, database: AsyncDatabase[dict[str, Any]]) -> None:
        self._claims = database[NOTICES]
        self._outcomes = database[OUTCOMES]

    async def find(self, planned: Collection[Entry]) -> dict[str, Entry]:
        outcomes = await read_by_id(self._outcomes, [e.notice_id for e in planned])
        complete = {e.notice_id: _settled(e, outcomes[e.notice_id]) for e in planned
                    if all(k in outcomes.get(e.notice_id, {}) for k in _KEPT)}  # fmt: skip
        claims = await read_by_id(self._claims, [e.notice_id for e in planned if e.notice_id not in complete])
        found = {key: _claimed(claim) for key, claim in claims.items()}
        return complete | {key: _settled(e, outcomes[key]) if key in outcomes else e for key, e in found.items()}

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
