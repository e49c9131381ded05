"""SMTP sink: accepts every message and stores it as a .eml file.

Why: the notification service sends real SMTP (aiosmtplib), and the tests and the
local dev loop need a real server to talk to without Docker or internet. Each
message is written under --dir as raw RFC 5322 bytes, preceded by two added
headers carrying the SMTP envelope (X-Envelope-From, X-Envelope-To), so a test can
assert on exactly what was delivered. Files are written to a temporary name and
renamed, so a reader polling the directory never sees half a message.

AUTH (PLAIN, LOGIN) is offered over plain TCP and any credentials are accepted:
the sink listens on loopback only, and the point is to exercise the client's AUTH.

Run:  uv run python deploy/smtp/sink.py --port 1025 --dir .state/smtp/messages
Stops cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import time
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

log = logging.getLogger("smtp-sink")


class SaveToDir:
    """aiosmtpd handler: every accepted message becomes one .eml file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        headers = (
            f"X-Envelope-From: {envelope.mail_from}\r\nX-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(headers + content)
        tmp.rename(self.directory / name)
        # Addresses are personal data: the log says how much arrived, never for whom.
        log.info("stored %s for %d recipient(s) (%d bytes)", name, len(envelope.rcpt_tos), len(content))
        return "250 OK: stored"


def accept_any(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
    return AuthResult(success=True)


async def serve(host: str, port: int, directory: Path) -> None:
    handler = SaveToDir(directory)
    loop = asyncio.get_running_loop()

    def factory() -> SMTP:
        # A fixed hostname: the default socket.getfqdn() can stall on a machine without DNS.
        return SMTP(
            handler,
            hostname="smtp-sink",
            auth_require_tls=False,
            authenticator=accept_any,
            enable_SMTPUTF8=True,
            loop=loop,
        )

    server = await loop.create_server(factory, host, port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("SMTP sink listening on %s:%d, storing in %s", host, port, directory)
    await stop.wait()
    server.close()
    await server.wait_closed()
    log.info("SMTP sink stopped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", type=Path, default=Path(".state/smtp/messages"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(args.host, args.port, args.dir))


if __name__ == "__main__":
    main()
