"""Who may write an application's next version: whoever inserts the claim `<id>/<version>` first.

FerretDB 1.x evaluates an update's filter and then writes the whole document, so a
version guard in the filter lets two writers through; a unique insert lets one.
The loser reads again. A claim whose writer died before writing would block the
application for ever, so a claim older than `ABANDONED_AFTER` that never led to a
write is released.
"""

from collections.abc import Sequence
from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import insert_unless_taken
from services.intake.adapters.collections import Document
from services.intake.adapters.documents import marker_id
from services.intake.adapters.outbox_markers import ABANDONED_AFTER
from services.intake.handlers.ports import Change

APPLICATION_VERSIONS = "application_versions"


class VersionClaims:
    def __init__(self, database: AsyncDatabase[Document]):
        self.collection = database[APPLICATION_VERSIONS]

    async def claim(self, changes: Sequence[Change], at: datetime) -> tuple[list[Change], list[Change]]:
        """The changes whose next version this writer got, and those another writer has."""
        claims = {marker_id(c.after.state.application_id, c.after.version): c for c in changes}
        taken = await insert_unless_taken(self.collection, [{"_id": claim, "at": at} for claim in claims])
        return [c for k, c in claims.items() if k not in taken], [c for k, c in claims.items() if k in taken]

    async def release_abandoned(self, lost: Sequence[Change], current_versions: dict[str, int], now: datetime) -> None:
        for change in lost:
            application_id = change.after.state.application_id
            claim = await self.collection.find_one({"_id": marker_id(application_id, change.after.version)})
            never_written = current_versions.get(application_id, 0) < change.after.version
            if claim and never_written and claim["at"] < now - ABANDONED_AFTER:
                await self.collection.delete_one({"_id": claim["_id"]})
