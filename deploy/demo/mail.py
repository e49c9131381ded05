"""The e-mails an application produced, read back from the SMTP sink's folder.

The sink (deploy/smtp/sink.py) stores each message it accepts as one `.eml` file, written under a
temporary name first. Every notice about an application names it in its subject, by the
provisional number until a receipt number replaces it, so those two numbers find them. Only files
written since the demo started are opened: the folder keeps everything since `make run` began.
"""

import email
import email.policy
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path

_HEADERS = BytesHeaderParser(policy=email.policy.default)


@dataclass(frozen=True)
class Mail:
    file: Path
    to: str
    subject: str
    text: str
    """The plain-text part."""


def messages_about(directory: Path, numbers: Sequence[str], *, since_ns: int) -> list[Mail]:
    """The messages stored from `since_ns` (file modification time) on whose subject names one of `numbers`,
    in the order they were stored."""
    recent = []
    for file in directory.glob("*.eml") if directory.is_dir() else ():
        modified = file.stat().st_mtime_ns
        if modified >= since_ns:
            recent.append((modified, file.name, file))
    found = []
    for _, _, file in sorted(recent):
        with file.open("rb") as stream:
            subject = str(_HEADERS.parse(stream).get("Subject", ""))
        if any(number in subject for number in numbers):
            found.append(_read(file))
    return found


def _read(file: Path) -> Mail:
    message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    return Mail(
        file=file,
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        text=text.replace("\r\n", "\n"),
    )
