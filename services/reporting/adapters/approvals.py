"""Approvals in MongoDB as immutable versions: inserting version n+1 is the only guard.

Our MongoDB-protocol server (FerretDB 1.x on SQLite) evaluates an update's filter and writes
the document in separate steps, so two conditional updates can both "match" and concurrent
`$inc`s lose updates. What it does do atomically is refuse a second insert of the same `_id`.
So every write of an approval inserts a new document `_id = <approval id>#<version>` holding
the whole state and its outbox; of two writers that read version n, only one can insert n+1.
The current approval is its highest version, found by probing version ids with point reads
(`_head`): on the embedded server only `{_id: value}` is answered from an index, and versions
pile up with organisations and years.

Fields beside the domain model serve the queries: `next_due` and `report_due_by` (ISO dates,
which compare as strings in date order), `state`, `outbox` (the changes this version made),
`sent` (they went out) and `written_at` (real time; the relay leaves fresh outboxes to their
writer). Once a newer version exists, older ones have their `next_due` cleared, best effort:
the schedule's queries re-read the head, so a version cleared late is only looked at and skipped.
Versions are kept (an approval gathers a few dozen over years) so a stale writer's insert of
an old version number always fails.
"""

import asyncio
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from contracts.organisations import ApprovalChanged, ApprovalState
from services.reporting.domain.approval import Approval
from services.reporting.domain.schedule import next_due_date
from services.reporting.handlers.ports import Clock, PendingChange, StoredApproval

APPROVALS = "approval_versions"
RELAY_CLAIMS = "relay_claims"
SCHEDULER_RUNS = "scheduler_runs"
INDEXES = {
    APPROVALS: [
        IndexModel([("approval_id", ASCENDING), ("version", ASCENDING)]),
        IndexModel([("next_due", ASCENDING)]),
        IndexModel([("sent", ASCENDING), ("written_at", ASCENDING)]),
    ]
}


def version_id(approval_id: str, version: int) -> str:
    return f"{approval_id}#{version:08d}"


def _stored(document: dict[str, Any]) -> StoredApproval:
    outbox = tuple(
        PendingChange(
            e["id"], ApprovalChanged.model_validate(e["data"]), e.get("correlation_id"), e.get("causation_id")
        )
        for e in document["outbox"]
    )
    approval = Approval.model_validate(document["approval"])
    return StoredApproval(approval, outbox, document["version"])


class MongoApprovalStore:
    def __init__(self, database: AsyncDatabase[dict[str, Any]], *, wall: Clock, relay_stale: timedelta) -> None:
        self._versions = database[APPROVALS]
        self._claims = database[RELAY_CLAIMS]
        self._relay_stale = relay_stale
        self._runs = database[SCHEDULER_RUNS]
        self._wall = wall  # real time for housekeeping; the schedule runs on the injected clock
        self._known: dict[str, int] = {}  # the last head seen of each approval: where `_head` starts probing

    async def _heads(self, approval_ids: Iterable[str], *, rows: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
        """The current version of each approval; `rows` found by a query are retired if they are not."""
        ids = list(set(approval_ids) | {row["approval_id"] for row in rows})
        found = await asyncio.gather(*(self._head(approval_id) for approval_id in ids))
        heads = {approval_id: head for approval_id, head in zip(ids, found, strict=True) if head is not None}
        stale = [
            row["_id"]
            for row in rows
            if row["approval_id"] in heads and row["version"] < heads[row["approval_id"]]["version"]
        ]
        await self._retire(stale)
        return heads

    async def _head(self, approval_id: str) -> dict[str, Any] | None:
        """The highest version, found by `_id` alone: versions are numbered 1, 2, 3, ... and kept, so the
        head is the last of an unbroken run. From the last head this instance saw (0: none), probe 1, 2,
        4, ... versions further until one is missing, then halve the gap: a couple of point reads when
        the hint is current, about 2·log2(versions) when there is none."""
        known = self._known.get(approval_id, 0)
        step = 1
        while await self._exists(approval_id, known + step):
            known, step = known + step, step * 2
        low, high = known, known + step  # `low` exists (or is 0), `high` does not
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if await self._exists(approval_id, middle) else (low, middle)
        if not low:
            return None
        self._known[approval_id] = low
        return await self._versions.find_one({"_id": version_id(approval_id, low)})

    async def _exists(self, approval_id: str, version: int) -> bool:
        return await self._versions.find_one({"_id": version_id(approval_id, version)}, {"_id": 1}) is not None

    async def _retire(self, version_ids: Iterable[str]) -> None:
        """Clears `next_due` of versions that are no longer heads, best effort, one by `_id` at a time.

        Only versions already sent: an update rewrites the whole document, so touching one whose
        writer is about to mark it sent could undo that mark (and the relay would send it again).
        A version once sent is never written again but here, so reading it first is a safe guard."""

        async def retire(key: str) -> None:
            version = await self._versions.find_one({"_id": key}, {"sent": 1, "next_due": 1})
            if version is not None and version["sent"] and version["next_due"] is not None:
                await self._versions.update_one({"_id": key}, {"$set": {"next_due": None}})

        await asyncio.gather(*(retire(key) for key in version_ids))

    async def _rows(self, query: dict[str, Any], limit: int = 0) -> list[dict[str, Any]]:
        found = self._versions.find(query, {"approval_id": 1, "version": 1}).sort("_id", ASCENDING).limit(limit)
        return [row async for row in found]

    async def load(self, approval_ids: Collection[str]) -> dict[str, StoredApproval]:
        return {approval_id: _stored(head) for approval_id, head in (await self._heads(approval_ids)).items()}

    async def save(self, approval: Approval, *, expected_version: int, outbox: Sequence[PendingChange]) -> bool:
        version = expected_version + 1
        due = next_due_date(approval)
        document = {
            "_id": version_id(approval.approval_id, version),
            "approval_id": approval.approval_id,
            "version": version,
            "approval": approval.model_dump(mode="json"),
            "state": approval.state.value,
            "next_due": due.isoformat() if due else None,
            "report_due_by": approval.report_due_by.isoformat(),
            "outbox": [
                {"id": c.event_id, "data": c.change.model_dump(mode="json"), "correlation_id": c.correlation_id,
                 "causation_id": c.causation_id}
                for c in outbox
            ],
            "sent": not outbox,
            "written_at": self._wall.now(),
        }  # fmt: skip
        try:
            await self._versions.insert_one(document)
        except DuplicateKeyError:
            return False
        self._known[approval.approval_id] = max(self._known.get(approval.approval_id, 0), version)
        if expected_version:  # the versions before were retired by their successors (or by `_heads` later)
            await self._retire([version_id(approval.approval_id, expected_version)])
        return True

    async def mark_sent(self, sent: Sequence[StoredApproval]) -> None:
        if sent:
            keys = [version_id(item.approval.approval_id, item.version) for item in sent]
            await self._versions.update_many({"_id": {"$in": keys}}, {"$set": {"sent": True}})

    async def due(self, today: date, limit: int) -> list[StoredApproval]:
        day = today.isoformat()
        heads = await self._heads((), rows=await self._rows({"next_due": {"$lte": day}}, limit))
        return [_stored(head) for head in heads.values() if head["next_due"] is not None and head["next_due"] <= day]

    async def unsent(self, written_before: datetime, limit: int) -> list[StoredApproval]:
        query = {"sent": False, "written_at": {"$lte": written_before}}
        found = self._versions.find(query).sort([("approval_id", ASCENDING), ("version", ASCENDING)]).limit(limit)
        return [_stored(document) async for document in found]

    async def claim_for_relay(self, item: StoredApproval) -> bool:
        """Claims are `<version id>/relay/<n>`: the first insert of n wins; a claim older than
        `relay_stale` (its relay died before publishing) is overtaken by inserting n+1."""
        base = f"{version_id(item.approval.approval_id, item.version)}/relay/"
        for attempt in range(1, 1000):
            now = self._wall.now()
            try:
                await self._claims.insert_one({"_id": f"{base}{attempt}", "at": now})
                return True
            except DuplicateKeyError:
                claim = await self._claims.find_one({"_id": f"{base}{attempt}"})
                if claim is not None and claim["at"] > now - self._relay_stale:
                    return False
        return False

    async def count_report_due(self, before: date) -> int:
        day = before.isoformat()
        active = ApprovalState.ACTIVE.value
        heads = await self._heads((), rows=await self._rows({"state": active, "report_due_by": {"$lt": day}}))
        return sum(1 for head in heads.values() if head["state"] == active and head["report_due_by"] < day)

    async def record_run(self, instance: str, today: date, at: datetime) -> None:
        """The scheduler's heartbeat (one document per instance, so one writer each)."""
        await self._runs.update_one(
            {"_id": instance}, {"$set": {"today": today.isoformat(), "ran_at": at}}, upsert=True
        )
