"""Recording each notice's outcome the moment the mail server may have it: when the end of the message is written.

A notice the server took but the ledger does not know yet is sent again if the service
dies (the retry finds it pending): that window is the only way a person gets a message
twice. The server may take a message as soon as it has read the message's last line,
whether or not its reply ever reaches us (RFC 1047), so the outcome is queued as `sent`
right then, not when the reply comes, and written at once: up to `WRITERS` inserts run
together, so a new outcome never waits behind an insert in progress. The window is what
is left: from writing the last line to the insert leaving the process (the database
applies an insert it has received even if the service is gone by then). Recording at
the reply, one insert at a time, repeated up to 5 of 760 notices when the fault suite
killed the service under load.

So an outcome may be in the ledger before the server has answered. When it answers
otherwise, the record is corrected once its insert has landed:
- a permanent refusal (5xx to the message): revised to `failed`;
- anything else (4xx, a dropped connection, no answer in time): withdrawn, so the
  notice is pending again and sent later.
Only a crash between that insert and its correction leaves a notice recorded as sent
that the server did not take: the server must refuse the end of a message and the
service die within the next few milliseconds.

Each write is waited out through `Persist` until it sticks (a database outage holds
the chunk, it never fails it): see handlers/notify.py.
"""

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime

from services.notification.domain.notices import Notice
from services.notification.handlers.outcomes import settled
from services.notification.handlers.ports import Delivered, Entry, Ledger, Persist, Undeliverable
from services.notification.handlers.sending import Result

WRITERS = 4
"""Outcome inserts at once: enough that one in progress never delays the next under load."""


class OutcomeRecorder:
    def __init__(self, ledger: Ledger, persist: Persist) -> None:
        self._ledger = ledger
        self._persist = persist
        self._queued: list[Entry] = []
        self._landed: dict[str, asyncio.Event] = {}
        self._writers = asyncio.Semaphore(WRITERS)
        self._writes: set[asyncio.Task[None]] = set()
        self._failure: BaseException | None = None
        self._wake = asyncio.Event()
        self._closing = False
        self._dispatcher: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "OutcomeRecorder":
        self._dispatcher = asyncio.create_task(self._dispatch())
        return self

    async def __aexit__(self, *_: object) -> None:
        """Returns once every outcome queued is in the ledger, however the block ended: what was sent is
        recorded even when the chunk was cancelled (a shutdown) or failed."""
        self._closing = True
        self._wake.set()
        if self._dispatcher is not None:
            await self._dispatcher
        if self._writes:
            await asyncio.wait(self._writes)
        if self._failure is not None:
            raise self._failure

    def record(self, entry: Entry) -> None:
        self._landed[entry.notice_id] = asyncio.Event()
        self._queued.append(entry)
        self._wake.set()

    async def revise(self, entry: Entry) -> None:
        """Records a different outcome for a notice recorded before (its insert lands first)."""
        await self._landing(entry.notice_id)
        await self._persist(lambda: self._ledger.revise([entry]), "revise a notice's outcome")

    async def withdraw(self, notice_id: str) -> None:
        """Makes a notice recorded before pending again (its insert lands first)."""
        await self._landing(notice_id)
        await self._persist(lambda: self._ledger.withdraw([notice_id]), "withdraw a notice's outcome")

    async def _landing(self, notice_id: str) -> None:
        if (landed := self._landed.get(notice_id)) is not None:
            await landed.wait()

    async def _dispatch(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queued:
                await self._writers.acquire()  # what queues meanwhile goes in the same insert
                entries, self._queued = self._queued, []
                write = asyncio.create_task(self._write(entries))
                self._writes.add(write)
                write.add_done_callback(self._writes.discard)
            if self._closing:
                return

    async def _write(self, entries: Sequence[Entry]) -> None:
        try:
            await self._persist(lambda: self._ledger.settle(entries), "record notice outcomes")
        except BaseException as error:  # raised from __aexit__: the chunk fails as it did inline
            self._failure = self._failure or error
        finally:
            self._writers.release()
            for entry in entries:
                self._landed[entry.notice_id].set()


class Bookkeeping:
    """Keeps the ledger in step with the sender (its `Bookkeeper`): each outcome recorded when the server may
    have the message, and corrected if the server's answer says otherwise."""

    def __init__(self, recorder: OutcomeRecorder, entries: Mapping[str, Entry], at: datetime) -> None:
        self._recorder = recorder
        self._entries = entries
        self._at = at

    def handed(self, notice: Notice, delivered: Delivered) -> None:
        self._recorder.record(settled(self._entries[notice.notice_id], delivered, self._at))

    async def answered(self, notice: Notice, result: Result, handed: bool) -> None:
        entry = self._entries[notice.notice_id]
        if isinstance(result, Delivered | Undeliverable):
            if not handed:
                self._recorder.record(settled(entry, result, self._at))
            elif isinstance(result, Undeliverable):
                await self._recorder.revise(settled(entry, result, self._at))
        elif handed:
            await self._recorder.withdraw(notice.notice_id)
