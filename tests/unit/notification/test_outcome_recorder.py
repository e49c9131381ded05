"""The outcome recorder: outcomes written at once, none behind an insert in progress; corrections after their insert."""

import asyncio
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from chassis.backoff import Backoff
from services.notification.app import persist
from services.notification.handlers.ports import Entry, State
from services.notification.handlers.recording import OutcomeRecorder

from .notifier_fakes import NOW


class GatedLedger:
    """Its first insert of outcomes hangs until `gate` is set: a slow database."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.writes: list[tuple[str, list[str]]] = []

    async def settle(self, entries: Sequence[Entry]) -> None:
        first = not any(kind == "settle" for kind, _ in self.writes)
        self.writes.append(("settle", [e.notice_id for e in entries]))
        if first:
            await self.gate.wait()
        self.writes.append(("settled", [e.notice_id for e in entries]))

    async def revise(self, entries: Sequence[Entry]) -> None:
        self.writes.append(("revise", [e.notice_id for e in entries]))

    async def withdraw(self, notice_ids: Collection[str]) -> None:
        self.writes.append(("withdraw", list(notice_ids)))

    async def find(self, planned: Collection[Entry]) -> dict[str, Entry]:
        raise NotImplementedError

    async def claim(self, entries: Sequence[Entry]) -> set[str]:
        raise NotImplementedError

    async def postpone(self, notice_ids: Collection[str], error: str, at: datetime) -> None:
        raise NotImplementedError


def sent(notice_id: str) -> Entry:
    return Entry(notice_id, "submission_received", "evt", f"<{notice_id}@x>", State.SENT, NOW, settled_at=NOW)


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("never happened")


async def test_an_outcome_is_written_at_once_even_while_an_earlier_insert_hangs() -> None:
    ledger = GatedLedger()
    async with OutcomeRecorder(ledger, persist(Backoff(1, 1))) as recorder:
        recorder.record(sent("a"))
        await _until(lambda: ("settle", ["a"]) in ledger.writes)
        recorder.record(sent("b"))
        await _until(lambda: ("settled", ["b"]) in ledger.writes)  # not behind "a", still hanging
        ledger.gate.set()
    assert ("settled", ["a"]) in ledger.writes


async def test_a_correction_waits_for_the_insert_it_corrects() -> None:
    ledger = GatedLedger()
    async with OutcomeRecorder(ledger, persist(Backoff(1, 1))) as recorder:
        recorder.record(sent("a"))
        withdrawing = asyncio.create_task(recorder.withdraw("a"))
        await _until(lambda: ("settle", ["a"]) in ledger.writes)
        await asyncio.sleep(0.01)
        assert not withdrawing.done()
        ledger.gate.set()
        await withdrawing
    assert ledger.writes == [("settle", ["a"]), ("settled", ["a"]), ("withdraw", ["a"])]
