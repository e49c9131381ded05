"""A few SMTP connections, kept open and shared, never more than `size` in use.

Opening a connection (TCP, EHLO, perhaps STARTTLS and AUTH) costs several round
trips, sending over an open one about four, so connections are reused. A server
drops idle connections after a while, and a message that fails on a dead one would
count as a temporary failure of the notice; so a connection idle for longer than
`reuse_check` is first asked NOOP, and replaced if it does not answer.

With `starttls`, every connection is upgraded to TLS before AUTH and the server's
certificate is always verified (chain and host name): against `ca_file` alone when
it is given (a private relay's CA), otherwise against the system's trust store. The
`ssl.SSLContext` is built once, with the config, so a missing or unreadable CA file
stops the service at start-up rather than failing every send.
"""

import asyncio
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtplib import SMTP, SMTPHeloError


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    timeout: float
    local_hostname: str
    """The EHLO name; given, so connecting never waits on a reverse DNS lookup of our own host."""
    starttls: bool = False
    ca_file: Path | None = None
    """PEM bundle of the CAs trusted for the server's certificate, instead of the system's; `None`: the system's."""
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    """Kept out of the repr, so that logging a config never shows it."""
    size: int = 4
    reuse_check: float = 5.0
    idle_close: float = 60.0
    ready_timeout: float = 2.0
    tls_context: ssl.SSLContext | None = field(init=False, repr=False, compare=False, default=None)
    """Built once from `ca_file` when STARTTLS is on (or a CA file is given, to check it at start-up)."""

    def __post_init__(self) -> None:
        if self.starttls or self.ca_file is not None:
            object.__setattr__(self, "tls_context", verifying_context(self.ca_file))

    def client(self, timeout: float | None = None) -> SMTP:
        return SMTP(
            hostname=self.host,
            port=self.port,
            timeout=timeout or self.timeout,
            local_hostname=self.local_hostname,
            use_tls=False,
            start_tls=self.starttls,
            validate_certs=True,
            tls_context=self.tls_context,
            username=self.username,
            password=self.password,
        )


async def _greet(client: SMTP) -> None:
    """EHLO, or HELO from a server that does not know EHLO: the transaction's extensions (SIZE) come from it."""
    try:
        await client.ehlo()
    except SMTPHeloError:
        if not client.is_connected:
            raise
        await client.helo()


def verifying_context(ca_file: Path | None) -> ssl.SSLContext:
    """A client context that verifies the chain and the host name; trusting only `ca_file` when it is given."""
    return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca_file) if ca_file else None)


class SmtpPool:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._slots = asyncio.Semaphore(config.size)
        self._idle: list[tuple[SMTP, float]] = []
        self.opened = 0
        """Connections opened so far (for tests and the benchmark: reuse shows as a small number)."""

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[SMTP]:
        """A connected client for one transaction; it goes back to the pool only if the body did not raise
        and it is still connected, so a connection in an unknown state is never reused."""
        async with self._slots:
            client = await self._checkout()
            try:
                yield client
            except BaseException:
                client.close()
                raise
            if client.is_connected:
                self._idle.append((client, time.monotonic()))

    async def _checkout(self) -> SMTP:
        while self._idle:
            client, since = self._idle.pop()
            if not client.is_connected:
                continue
            if time.monotonic() - since <= self.config.reuse_check:
                return client
            try:
                await client.noop()
                return client
            except Exception:  # a dead idle connection is simply replaced
                client.close()
        client = self.config.client()
        await client.connect()
        self.opened += 1
        if client.is_ehlo_or_helo_needed:  # connect() greets only when it goes on to STARTTLS or AUTH
            await _greet(client)
        return client

    def prune(self) -> None:
        """Closes connections idle for longer than `idle_close`."""
        now, kept = time.monotonic(), []
        for client, since in self._idle:
            if now - since > self.config.idle_close:
                client.close()
            else:
                kept.append((client, since))
        self._idle = kept

    async def close(self) -> None:
        """Says QUIT on every idle connection (at shutdown); connections in use close when their send ends."""
        idle, self._idle = self._idle, []
        for client, _ in idle:
            try:
                await client.quit()
            except Exception:  # closing anyway: a server that is gone needs no goodbye
                client.close()
