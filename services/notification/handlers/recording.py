"""Recording each notice's outcome as soon as the mail server has answered, not when its whole chunk is done.

A notice the server accepted but the ledger does not know yet is sent again if the
service dies (the retry finds it pending): that window is the only way a person gets
a message twice. Recording a chunk's outcomes together at its end kept it as long as
the chunk's slowest send (a few hundred milliseconds for 100 notices). Here every
answer is queued at once and one writer records whatever has queued, again and again,
so the window is one insert: answers that arrive during an insert go together in the
next one, which keeps the writes few under load.

Each write is waited out through `Persist` until it sticks (a database outage holds
the chunk, it never fails it): see handlers/notify.py.
"""

import asyncio
from collections.abc import Sequence

from services.notification.handlers.ports import Entry, Ledger, Persist


class OutcomeRecorder:
    def __init__(self, ledger: Ledger, persist: Persist) -> None:
        self._ledger = ledger
        self._persist = persist
        self._queued: list[Entry] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._writer: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "OutcomeRecorder":
        self._writer = asyncio.create_task(self._write())
        return self

    async def __aexit__(self, *_: object) -> None:
        """Returns once every outcome queued is in the ledger, however the block ended: what was sent is
        recorded even when the chunk was cancelled (a shutdown) or failed."""
        self._closing = True
        self._wake.set()
        if self._writer is not None:
            await self._writer

    def record(self, entry: Entry) -> None:
        self._queued.append(entry)
        self._wake.set()

    async def _write(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queued:
                entries, self._queued = self._queued, []
                await self._settle(entries)
            if self._closing:
                return

    async def _settle(self, entries: Sequence[Entry]) -> None:
        await self._persist(lambda: self._ledger.settle(entries), "record notice outcomes")
