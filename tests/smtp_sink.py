"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for assertions.

It can also misbehave on purpose: answer every message with a temporary (4xx) or
permanent (5xx) failure, or stop listening, so tests can show how senders cope.

Given a server-side `ssl.SSLContext` it offers STARTTLS and insists on it: every
command but EHLO, NOOP, STARTTLS and QUIT is refused until TLS is up, and AUTH is
not offered before. Without one it speaks plain SMTP and takes AUTH in the clear.
"""

import asyncio
import email
import email.policy
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    tls: bool = False
    """Whether the message came over a STARTTLS-protected session."""
    authenticated: bool = False
    """Whether the session that sent it had logged in (AUTH)."""
    mail_options: tuple[str, ...] = ()
    """The MAIL command's ESMTP parameters, such as `SIZE=1234`."""

    @property
    def message(self) -> EmailMessage:
        parsed: EmailMessage = email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore[assignment]
        return parsed


class SmtpSink:
    def __init__(self, directory: Path, host: str = "127.0.0.1", tls_context: ssl.SSLContext | None = None) -> None:
        self.directory = directory
        self.host = host
        self.tls_context = tls_context
        """A server context (certificate and key): STARTTLS offered and required, AUTH only after it."""
        self.port = 0
        self.messages: list[Received] = []
        self.failure: str | None = None
        """An SMTP reply such as "451 4.3.0 try later" returned for every message while set."""
        self._server: asyncio.Server | None = None

    async def handle_DATA(self, _server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.failure:
            return self.failure
        raw = bytes(envelope.original_content or b"")
        received = Received(
            str(envelope.mail_from),
            tuple(envelope.rcpt_tos),
            raw,
            tls=session.ssl is not None,
            authenticated=bool(session.authenticated),
            mail_options=tuple(envelope.mail_options),
        )
        self.messages.append(received)
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / f"{len(self.messages):06d}.eml").write_bytes(received.raw)
        return "250 OK"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        if not self.port:
            with socket.socket() as probe:
                probe.bind((self.host, 0))
                self.port = probe.getsockname()[1]

        def accept_any(*_args: Any) -> AuthResult:
            return AuthResult(success=True)

        def protocol() -> SMTP:
            common: dict[str, Any] = {"hostname": "sink", "authenticator": accept_any, "enable_SMTPUTF8": True}
            if self.tls_context is None:
                return SMTP(self, auth_require_tls=False, **common)
            return SMTP(self, tls_context=self.tls_context, require_starttls=True, auth_require_tls=True, **common)

        self._server = await loop.create_server(protocol, self.host, self.port)

    async def stop(self) -> None:
        """Stops listening (the port stays the same for a later `start`)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]
