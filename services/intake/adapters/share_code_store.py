"""Share codes, their checks and the miss budgets' slots in MongoDB, on what FerretDB 1.x does reliably.

- `share_codes`: one document per code, `_id` = its id, the code's hash in `code_hash`.
  A check finds a code by `share_code_hashes` (`_id` = the hash), since FerretDB answers a
  query on `_id` alone in a millisecond and reads the whole collection for any other. The
  hash is inserted first, so a crash in between leaves a hash that leads nowhere.
- `share_code_checks`: one inserted document per check; the filer reads them by code.
- `share_check_slots`: one inserted document per slot of a miss budget (`domain.share_codes.Budget`),
  `_id` = the slot. A unique insert is the only conditional write FerretDB makes atomic, so
  two instances can never both take the last slot; an update or a count could let both by.

FerretDB has no TTL indexes: slots of windows gone by and checks are kept (`at` is indexed for
an operator's clean-up).
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.intake.adapters.collections import Document
from services.intake.domain.share_codes import CheckOutcome, ShareCode

SHARE_CODES, SHARE_CODE_HASHES = "share_codes", "share_code_hashes"
SHARE_CODE_CHECKS, SHARE_CHECK_SLOTS = "share_code_checks", "share_check_slots"
INDEXES = {
    SHARE_CODES: [IndexModel([("application_id", ASCENDING)], name="application_id")],
    SHARE_CODE_CHECKS: [IndexModel([("share_code_id", ASCENDING), ("at", ASCENDING)], name="share_code_id")],
    SHARE_CHECK_SLOTS: [IndexModel([("at", ASCENDING)], name="at")],
}


class MongoShareCodes:
    def __init__(self, database: AsyncDatabase[Document]):
        self.codes = database[SHARE_CODES]
        self.hashes = database[SHARE_CODE_HASHES]
        self.checks_made = database[SHARE_CODE_CHECKS]

    async def add(self, code: ShareCode) -> None:
        await self.hashes.insert_one({"_id": code.code_hash, "share_code_id": code.share_code_id})
        document = code.model_dump()
        document["_id"] = document.pop("share_code_id")
        await self.codes.insert_one(document)

    async def by_hash(self, code_hash: str) -> ShareCode | None:
        reference = await self.hashes.find_one({"_id": code_hash})
        found = await self.by_id(reference["share_code_id"]) if reference else None
        return found if found is not None and found.code_hash == code_hash else None

    async def by_id(self, share_code_id: str) -> ShareCode | None:
        return _code(await self.codes.find_one({"_id": share_code_id}))

    async def of_application(self, application_id: str) -> list[ShareCode]:
        found = [_code(d) async for d in self.codes.find({"application_id": application_id})]
        return sorted((c for c in found if c is not None), key=lambda c: (c.created_at, c.share_code_id))

    async def revoke(self, share_code_id: str, at: datetime) -> None:
        # One field set once: two revocations racing write the same kind of value, and either time will do.
        await self.codes.update_one({"_id": share_code_id, "revoked_at": None}, {"$set": {"revoked_at": at}})

    async def record_check(self, share_code_id: str, at: datetime, outcome: CheckOutcome) -> None:
        document = {"_id": str(uuid.uuid4()), "share_code_id": share_code_id, "at": at, "outcome": outcome.value}
        await self.checks_made.insert_one(document)

    async def checks(self, share_code_id: str) -> list[tuple[datetime, CheckOutcome]]:
        made = self.checks_made.find({"share_code_id": share_code_id})
        found = [(d["at"], CheckOutcome(d["outcome"])) async for d in made]
        return sorted(found, key=lambda check: check[0])


class MongoAttemptSlots:
    def __init__(self, database: AsyncDatabase[Document]):
        self.slots = database[SHARE_CHECK_SLOTS]

    async def take(self, slot_ids: Sequence[str], at: datetime) -> str | None:
        for slot_id in slot_ids:
            try:
                await self.slots.insert_one({"_id": slot_id, "at": at})
            except DuplicateKeyError:
                continue
            return slot_id
        return None

    async def give_back(self, slot_ids: Sequence[str]) -> None:
        for slot_id in slot_ids:  # by `_id` alone, one at a time: see the module's docstring
            await self.slots.delete_one({"_id": slot_id})

    async def all_taken(self, slot_ids: Sequence[str]) -> bool:
        for slot_id in slot_ids:
            if await self.slots.find_one({"_id": slot_id}) is None:
                return False
        return True


def _code(document: dict[str, Any] | None) -> ShareCode | None:
    if document is None:
        return None
    return ShareCode.model_validate({**document, "share_code_id": document["_id"]})
