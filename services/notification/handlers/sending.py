"""Rendering and handing notices to the mail server, several at once.

Each notice is rendered only once it may be sent (a slot is free), so rendering,
which is most of the CPU a notice costs, overlaps with the SMTP round trips of the
notices already in flight instead of all happening before the first one leaves.
The slots number a few more than the mailer's connections, so a connection never
waits for a render. Results come back in order, one per notice: a delivery, a
permanent refusal, or the exception (a `TemporaryFailure` to retry, anything else a bug).
Each answer is also told to `tally` (notice kind, outcome sent|failed|postponed), for the metrics.
"""

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

import structlog

from services.notification.adapters.mail import mime
from services.notification.adapters.mail.render import Renderer
from services.notification.adapters.mail.wire import message_bytes
from services.notification.domain.notices import Notice
from services.notification.handlers.ports import (
    Delivered,
    Handed,
    Mail,
    Mailer,
    Source,
    TemporaryFailure,
    Undeliverable,
)

log = structlog.get_logger("notification.sending")

Result = Delivered | Undeliverable | BaseException


class Bookkeeper(Protocol):
    """Told of each notice the moment the server may have it, and of what came of it."""

    def handed(self, notice: Notice, delivered: Delivered) -> None:
        """The end of the message is written: the server may take it from now on, answer or not."""

    async def answered(self, notice: Notice, result: Result, handed: bool) -> None:
        """The server's answer, or the failure in its place; `handed` if `handed()` was told first."""


Tally = Callable[[str, str], None]
"""Told (notice kind, outcome) once per answer of the mail server: `sent`, `failed` or `postponed`."""


class Sender:
    def __init__(
        self,
        mailer: Mailer,
        renderer: Renderer,
        *,
        sender: str,
        message_id_domain: str,
        concurrency: int,
        tally: Tally | None = None,
    ) -> None:
        self._mailer = mailer
        self._renderer = renderer
        self._sender = sender
        self._envelope_sender = mime.sender_address(sender)[1]
        self._message_id_domain = message_id_domain
        self._concurrency = concurrency
        self._tally = tally or (lambda kind, outcome: None)

    def message_id(self, notice_id: str) -> str:
        return mime.message_id(notice_id, self._message_id_domain)

    async def send_all(self, notices: Sequence[tuple[Notice, Source]], at: datetime, books: Bookkeeper) -> list[Result]:
        """One result per notice, in order; `books` is told of each the moment it is handed and answered."""
        slots = asyncio.Semaphore(self._concurrency)

        async def one(notice: Notice, source: Source) -> Delivered | Undeliverable:
            handed = False

            def hand(delivered: Delivered) -> None:
                nonlocal handed
                handed = True
                books.handed(notice, delivered)

            try:
                async with slots:
                    result = await self._send(notice, source, at, hand)
            except Exception as error:  # not a cancellation (a shutdown): what was handed then stays recorded
                await books.answered(notice, error, handed)
                raise
            await books.answered(notice, result, handed)
            return result

        return await asyncio.gather(*(one(n, s) for n, s in notices), return_exceptions=True)

    async def _send(self, notice: Notice, source: Source, at: datetime, hand: Handed) -> Delivered | Undeliverable:
        message = self._renderer.render(notice, sender=self._sender, message_id_domain=self._message_id_domain, date=at)
        mail = Mail(
            notice_id=notice.notice_id,
            sender=self._envelope_sender,
            recipients=tuple(r.address for r in notice.recipients),
            data=message_bytes(message),
            cause=source.event_id,
        )
        try:
            result = await self._mailer.send(mail, hand)
        except TemporaryFailure as error:
            self._tally(str(notice.kind), "postponed")
            log.warning("notice not sent yet; will retry", **_about(notice, source), error=str(error))
            raise
        self._tally(str(notice.kind), "failed" if isinstance(result, Undeliverable) else "sent")
        if isinstance(result, Undeliverable):
            log.warning("notice refused by the mail server", **_about(notice, source), reason=result.reason)
        elif result.refused:
            log.warning("notice refused for some recipients", **_about(notice, source), refused=result.refused)
        else:
            log.debug("notice sent", **_about(notice, source), recipients=result.accepted)
        return result


def _about(notice: Notice, source: Source) -> dict[str, str | None]:
    """What a log line says of a notice: ids only, never an address.

    Given to each call rather than bound as context variables around every send: binding
    and unbinding five variables for each of hundreds of notices a second cost more than
    the few lines ever written.
    """
    return {
        "kind": notice.kind,
        "notice_id": notice.notice_id,
        "application_id": notice.application_id,
        "approval_id": notice.approval_id,
        "event_id": source.event_id,
        "correlation_id": source.correlation_id,
    }
