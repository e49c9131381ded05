"""In-memory share codes and miss-budget slots, behaving as the MongoDB adapters do."""

from collections.abc import Sequence
from datetime import datetime

from services.intake.domain.share_codes import CheckOutcome, ShareCode


class FakeShareCodes:
    def __init__(self) -> None:
        self.codes: dict[str, ShareCode] = {}
        self.recorded: list[tuple[str, datetime, CheckOutcome]] = []

    async def add(self, code: ShareCode) -> None:
        self.codes[code.share_code_id] = code

    async def by_hash(self, code_hash: str) -> ShareCode | None:
        return next((c for c in self.codes.values() if c.code_hash == code_hash), None)

    async def by_id(self, share_code_id: str) -> ShareCode | None:
        return self.codes.get(share_code_id)

    async def of_application(self, application_id: str) -> list[ShareCode]:
        return [c for c in self.codes.values() if c.application_id == application_id]

    async def revoke(self, share_code_id: str, at: datetime) -> None:
        self.codes[share_code_id] = self.codes[share_code_id].model_copy(update={"revoked_at": at})

    async def record_check(self, share_code_id: str, at: datetime, outcome: CheckOutcome) -> None:
        self.recorded.append((share_code_id, at, outcome))

    async def checks(self, share_code_id: str) -> list[tuple[datetime, CheckOutcome]]:
        return [(at, outcome) for code, at, outcome in self.recorded if code == share_code_id]


class FakeAttemptSlots:
    def __init__(self) -> None:
        self.taken: set[str] = set()

    async def take(self, slot_ids: Sequence[str], at: datetime) -> str | None:
        free = next((s for s in slot_ids if s not in self.taken), None)
        if free is not None:
            self.taken.add(free)
        return free

    async def give_back(self, slot_ids: Sequence[str]) -> None:
        self.taken.difference_update(slot_ids)

    async def all_taken(self, slot_ids: Sequence[str]) -> bool:
        return all(s in self.taken for s in slot_ids)
