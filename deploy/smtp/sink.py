"""SMTP sink: accepts every message and stores it as a .eml file.

Why: the notification service sends real SMTP (aiosmtplib), and the tests and the
local dev loop need a real server to talk to without Docker or internet. Each
message is written under --dir as raw RFC 5322 bytes, preceded by two added
headers carrying the SMTP envelope (X-Envelope-From, X-Envelope-To), so a test can
assert on exactly what was delivered. Files are written to a temporary name and
renamed, so a reader polling the directory never sees half a message.

AUTH (PLAIN, LOGIN) is offered over plain TCP and any credentials are accepted:
the sink listens on loopback only, and the point is to exercise the client's AUTH.
It can also play a secured relay: with --tls-cert and --tls-key it offers STARTTLS
and requires it (every command but EHLO, NOOP, STARTTLS and QUIT is refused before
TLS, AUTH included); with --username and --password-file it requires AUTH and takes
only that login. The password is read from the file, never from the command line.

The DATA phase is read in large pieces rather than aiosmtpd's line at a time (see
BulkDataSMTP), and aiosmtpd's own per-command log, which names every sender and
recipient, is kept to warnings: the sink must not be the bottleneck of a throughput
benchmark, nor put addresses in a log.

A mail server that is up but refusing (a full disk, greylisting, a rate limit) is
one of the faults senders must survive, so the sink can play one at run time: while
the file named by --fail-file exists, every transaction is answered at DATA with its
first line (`451 4.3.0 ...` when the file is empty) and nothing is stored. Create the
file to start refusing and delete it to stop; the sink needs no restart, and a test
or the fault suite (bench/faults.py) can toggle it without signalling the process.
The file is looked at once per message, which costs a stat, not a read.

Run:  uv run python deploy/smtp/sink.py --port 1025 --dir .state/smtp/messages [--fail-file PATH]
        [--tls-cert PEM --tls-key PEM] [--username NAME --password-file PATH]
Stops cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import itertools
import logging
import os
import re
import signal
import ssl
import time
import uuid
from pathlib import Path
from typing import Any

import uvloop
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, LoginPassword, Session

log = logging.getLogger("smtp-sink")


DEFAULT_FAILURE = "451 4.3.0 Temporary failure (the sink's --fail-file exists), try again later"


class SaveToDir:
    """aiosmtpd handler: every accepted message becomes one .eml file, unless told to refuse."""

    def __init__(self, directory: Path, fail_file: Path | None = None) -> None:
        # Names: time, this sink, a serial; built as strings, since pathlib and a uuid per message cost
        # the sink more than writing the file (a throughput benchmark's messages all come through here).
        self._in = f"{directory}{os.sep}"
        self._sink = uuid.uuid4().hex[:8]
        self._serial = itertools.count()
        self._fail_file = str(fail_file) if fail_file else None

    def failure(self) -> str | None:
        """The reply to refuse with while the fail file exists (its first line, or a 451), else None."""
        if self._fail_file is None or not os.path.exists(self._fail_file):
            return None
        try:
            with open(self._fail_file) as file:
                first = file.readline().strip()
        except OSError:  # removed between the check and the read: the fault just ended
            return None
        return first or DEFAULT_FAILURE

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if refusal := self.failure():
            log.info("refused a message for %d recipient(s): %s", len(envelope.rcpt_tos), refusal)
            return refusal
        content = envelope.original_content or b""
        headers = (
            f"X-Envelope-From: {envelope.mail_from}\r\nX-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        name = f"{time.time_ns()}-{self._sink}-{next(self._serial)}.eml"
        tmp = f"{self._in}.{name}.tmp"
        with open(tmp, "xb") as file:  # noqa: ASYNC230 (a 10 KB write costs less than a hop to a thread)
            file.write(headers + content)
        os.rename(tmp, self._in + name)
        # Addresses are personal data: the log says how much arrived, never for whom.
        log.info("stored %s for %d recipient(s) (%d bytes)", name, len(envelope.rcpt_tos), len(content))
        return "250 OK: stored"


END_OF_DATA = b".\r\n"
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
PLAIN_PATH = re.compile(rf"<({_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>\s*([^(]*)", re.DOTALL)
"""`<local@domain>` in its everyday ASCII form, with whatever follows (ESMTP parameters)."""


class BulkDataSMTP(SMTP):
    """aiosmtpd's server, made cheaper where a notice's transaction spends its time.

    DATA reads the body in pieces, not lines.

    Why: aiosmtpd awaits the stream and does its bookkeeping once per line; a notice of
    130 base64 lines cost the sink about 1 ms of CPU that way, more than the rest of the
    transaction. The same rules are applied to the whole body at once: the end is a line
    holding a single dot, lines over the line-length limit answer 500, a body over the
    size limit answers 552, and a leading dot added by the client is removed (RFC 5321
    4.5.2). Only raw bytes are kept (`decode_data` is not supported).
    """

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """A plain `<local@domain>` without the full RFC 5322 parser; anything else goes to it.

        Why: aiosmtpd parses every MAIL and RCPT path with `email`'s header parser (and
        defines a class per call), about 0.3 ms each; the result is the same for the
        plain form (a unit test compares them).
        """
        plain = PLAIN_PATH.fullmatch(arg.lstrip())
        if plain is None or (self.local_part_limit and len(plain[1].rpartition("@")[0]) > self.local_part_limit):
            return super()._getaddr(arg)
        return plain[1], plain[2]

    async def smtp_DATA(self, arg: str) -> None:
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        assert self.envelope is not None
        assert self.session is not None
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        body = await self._read_until_end_of_data()
        if self.data_size_limit and len(body) > self.data_size_limit:
            await self.push("552 Error: Too much mail data")
        elif body and max(map(len, body.split(b"\r\n"))) + 2 > self.line_length_limit:
            await self.push("500 Line too long (see RFC5321 4.5.3.1.6)")
        else:
            content = body.replace(b"\r\n.", b"\r\n")
            if content.startswith(b"."):
                content = content[1:]
            self.envelope.content = self.envelope.original_content = content
            status = await self.event_handler.handle_DATA(self, self.session, self.envelope)
            await self.push("250 OK" if status is MISSING else status)
        self._set_post_data_state()  # type: ignore[no-untyped-call]  # aiosmtpd's own reset after DATA

    async def _read_until_end_of_data(self) -> bytes:
        """The body up to (not including) the lone-dot line, which is consumed.

        Every read stops at a ".\r\n", so nothing after the end of data (there is
        nothing: the client waits for our reply) is ever taken from the stream. A read
        that finds none within the stream's limit takes what can safely be taken and
        goes on. Connection loss cancels this coroutine (aiosmtpd's eof handling).
        """
        data = bytearray()
        while True:
            try:
                data += await self._reader.readuntil(END_OF_DATA)
            except asyncio.LimitOverrunError as overrun:
                data += await self._reader.readexactly(overrun.consumed)
                continue
            if data == END_OF_DATA or data.endswith(b"\r\n" + END_OF_DATA):
                return bytes(data[: -len(END_OF_DATA)])


def accept_any(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
    return AuthResult(success=True)


def read_password(path: Path) -> str:
    """The password file's text without surrounding whitespace (its final newline), as the services read theirs."""
    return path.read_text(encoding="utf-8").strip()


def accept_only(username: str, password: str) -> Any:
    """An authenticator that takes this one login (compared in constant time) and nothing else."""
    expected = (username.encode(), password.encode())

    def check(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        matches = hmac.compare_digest(data.login, expected[0]) & hmac.compare_digest(data.password, expected[1])
        return AuthResult(success=bool(matches), handled=False)

    return check


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


async def start(
    host: str,
    port: int,
    directory: Path,
    fail_file: Path | None = None,
    tls_context: ssl.SSLContext | None = None,
    login: tuple[str, str] | None = None,
) -> asyncio.Server:
    """With `tls_context`, STARTTLS is offered and required before anything else (AUTH included); with
    `login`, AUTH is required and only that username and password are taken."""
    handler = SaveToDir(directory, fail_file)
    loop = asyncio.get_running_loop()
    secured: dict[str, Any] = {"auth_require_tls": False}
    if tls_context is not None:
        secured = {"tls_context": tls_context, "require_starttls": True, "auth_require_tls": True}

    def factory() -> SMTP:
        # A fixed hostname: the default socket.getfqdn() can stall on a machine without DNS.
        return BulkDataSMTP(
            handler,
            hostname="smtp-sink",
            authenticator=accept_only(*login) if login else accept_any,
            auth_required=login is not None,
            enable_SMTPUTF8=True,
            loop=loop,
            **secured,
        )

    return await loop.create_server(factory, host, port)


async def serve(
    host: str,
    port: int,
    directory: Path,
    fail_file: Path | None,
    tls_context: ssl.SSLContext | None = None,
    login: tuple[str, str] | None = None,
) -> None:
    server = await start(host, port, directory, fail_file, tls_context, login)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    secured = f"{'STARTTLS required' if tls_context else 'no TLS'}, {'AUTH required' if login else 'any AUTH'}"
    log.info("SMTP sink listening on %s:%d (%s), storing in %s", host, port, secured, directory)
    await stop.wait()
    server.close()
    await server.wait_closed()
    log.info("SMTP sink stopped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", type=Path, default=Path(".state/smtp/messages"))
    parser.add_argument("--fail-file", type=Path, help="while this file exists, answer every message with a 4xx")
    parser.add_argument("--tls-cert", type=Path, help="PEM certificate (chain): offer and require STARTTLS")
    parser.add_argument("--tls-key", type=Path, help="PEM private key of --tls-cert")
    parser.add_argument("--username", help="require AUTH with this username and the password of --password-file")
    parser.add_argument("--password-file", type=Path, help="file holding the one password AUTH takes")
    args = parser.parse_args()
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    if (args.username is None) != (args.password_file is None):
        parser.error("--username and --password-file go together")
    args.dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    tls = server_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    login = (args.username, read_password(args.password_file)) if args.username else None
    uvloop.run(serve(args.host, args.port, args.dir, args.fail_file, tls, login))


if __name__ == "__main__":
    main()
