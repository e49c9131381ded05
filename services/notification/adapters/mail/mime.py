"""Building the MIME message: headers that cannot be injected, ids that show duplicates.

Anything from a payload that reaches a header is either stripped of line breaks
(display names, subject) or validated and refused (addresses, the Message-ID domain).

Every header is written here, already encoded and folded, and stored with `set_raw`;
the policy never refolds. Two reasons. The folder of the Python we run (3.11.7)
corrupts exactly the headers that carry Japanese: it encodes the comma between two
mailboxes into an encoded word, so every recipient after the first is lost (CPython
gh-100884, CVE-2025-1795), and it can split an encoded word in a subject. And
parsing then refolding each header cost more than everything else in a render.
"""

import base64
import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr, quote
from functools import lru_cache

from services.notification.domain.model import Recipient, has_line_break, header_safe

# Reading a header parses it, and the generator reads Content-Type several times per
# message: remembering recent parses (header objects are immutable) halves serialising.
POLICY = SMTP.clone(refold_source="none", header_factory=lru_cache(maxsize=1024)(HeaderRegistry()))
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
# RFC 5322 dot-atom: atext runs joined by single dots.
_DOT_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_ADDR_SPEC = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+$")
_SPECIALS = re.compile(r'[][\\()<>@,:;".]')
_DATE_HEADER = lru_cache(maxsize=64)(format_datetime)
"""A batch's notices share their send time, so the Date header is formatted once per time, not per notice."""
_LINE = 78
_WORD = len("=?utf-8?b??=")
_BASE64_LINES = re.compile(r".{1,76}")  # RFC 2045 6.8: encoded lines of at most 76 characters


def message_id(notice_id: str, domain: str) -> str:
    """`<{notice_id}@{domain}>`: the same notice always gets the same Message-ID.

    An `Identifier` may hold `:`, which a Message-ID may not; `+` (never in an
    `Identifier`) stands in for it, so distinct notices keep distinct ids. An id that
    still is no dot-atom (stray dots) is replaced by its digest, still deterministic.
    """
    if not _HOST.match(domain):
        raise ValueError(f"not a host name for Message-IDs: {domain!r}")
    left = notice_id.replace(":", "+")
    if not _DOT_ATOM.match(left):
        left = hashlib.sha256(notice_id.encode()).hexdigest()[:32]
    return f"<{left}@{domain}>"


def _checked(addr_spec: str) -> str:
    if not _ADDR_SPEC.match(addr_spec):
        raise ValueError(f"not a plain ASCII address: {addr_spec!r}")
    return addr_spec


def _encoded_words(text: str, first_room: int) -> list[str]:
    """RFC 2047 "B" encoded words, one per line, none longer than a line allows.

    Cut between characters, never inside one (a UTF-8 continuation byte starts 0b10),
    so each word decodes on its own.
    """
    data, words = text.encode("utf-8", "replace"), []
    room = (first_room - _WORD) // 4 * 3
    while True:
        cut = min(room, len(data))
        while cut < len(data) and data[cut] & 0xC0 == 0x80:
            cut -= 1
        words.append(f"=?utf-8?b?{base64.b64encode(data[:cut]).decode()}?=")
        data, room = data[cut:], (_LINE - 1 - _WORD) // 4 * 3
        if not data:
            return words


def _text(value: str, name: str) -> str:
    """An unstructured header value (the subject): as is if ASCII, else encoded words."""
    if value.isascii() and "=?" not in value:
        return value
    return "\n ".join(_encoded_words(value, _LINE - len(name) - 2))


def _mailbox(display_name: str, addr_spec: str, room: int) -> str:
    """`Name <addr>`: an ASCII name quoted if it must be, any other encoded (or a literal "=?")."""
    name, addr = header_safe(display_name), f"<{_checked(addr_spec)}>"
    if not name:
        return addr_spec
    if name.isascii() and "=?" not in name:
        return f"{_quote_phrase(name)} {addr}"
    words = _encoded_words(name, room)
    fits = len(words[-1]) + len(addr) + 2 <= (room if len(words) == 1 else _LINE - 1)  # space, comma
    return "\n ".join(words) + (" " if fits else "\n ") + addr


def _quote_phrase(name: str) -> str:
    return f'"{quote(name)}"' if _SPECIALS.search(name) else name


def sender_address(sender: str) -> tuple[str, str]:
    """(name, address) of `noreply@example.jp` or `Name <noreply@example.jp>`; a line break is refused."""
    if has_line_break(sender):
        raise ValueError("sender contains a line break or control character")
    name, addr_spec = parseaddr(sender)
    return name, _checked(addr_spec)


def _set(message: EmailMessage, name: str, value: str) -> None:
    # Our own folding only: every line after the first must be a continuation line.
    if "\r" in value or any(not line.startswith(" ") for line in value.split("\n")[1:]):
        raise ValueError(f"{name} would break out of its header")
    message.set_raw(name, value)


def base64_lines(data: bytes) -> str:
    """What `base64.encodebytes` gives (lines of 76 characters, each ending in a line break), for half the CPU.

    Why: `encodebytes` calls the encoder once per 57-byte piece, in a Python loop; here the
    data is encoded at once and cut into lines by one regex call. A notice has 9 KB to encode.
    """
    lines = _BASE64_LINES.findall(base64.b64encode(data).decode("ascii"))
    return "\n".join(lines) + "\n" if lines else ""


@lru_cache(maxsize=8)
def _from(sender: str) -> str:
    """The From header: the service's one configured sender, parsed and encoded once rather than per notice."""
    return _mailbox(*sender_address(sender), _LINE - len("From: "))


def _part(subtype: str, body: str) -> EmailMessage:
    part = EmailMessage(policy=POLICY)
    _set(part, "Content-Type", f'text/{subtype}; charset="utf-8"')
    _set(part, "Content-Transfer-Encoding", "base64")  # 7-bit safe through any relay
    canonical = "\r\n".join(body.splitlines())  # text is sent with CRLF line ends (RFC 2046)
    part.set_payload(base64_lines(canonical.encode("utf-8", "replace")))
    return part


def build_message(
    *,
    sender: str,
    recipients: Sequence[Recipient],
    subject: str,
    text: str,
    html: str,
    message_id: str,
    date: datetime,
    languages: Sequence[str],
) -> EmailMessage:
    """multipart/alternative: UTF-8 text, then UTF-8 HTML (the part a client prefers comes last)."""
    if date.tzinfo is None:
        raise ValueError("the Date header needs a timezone-aware date/time")
    if not recipients:
        raise ValueError("a notice needs at least one recipient")
    message = EmailMessage(policy=POLICY)
    _set(message, "From", _from(sender))
    to = [_mailbox(r.name or "", r.address, _LINE - (len("To: ") if i == 0 else 1)) for i, r in enumerate(recipients)]
    _set(message, "To", ",\n ".join(to))
    _set(message, "Subject", _text(header_safe(subject), "Subject"))
    _set(message, "Date", _DATE_HEADER(date))
    _set(message, "Message-ID", message_id)
    _set(message, "Auto-Submitted", "auto-generated")  # RFC 3834: auto-responders must not answer
    _set(message, "Content-Language", ", ".join(languages))
    _set(message, "MIME-Version", "1.0")
    # A boundary of our own: "=_" never occurs in base64, so no part can contain it.
    boundary = "=_" + hashlib.sha256(message_id.encode()).hexdigest()[:32]
    _set(message, "Content-Type", f'multipart/alternative;\n boundary="{boundary}"')
    message.set_payload([_part("plain", text), _part("html", html)])
    return message
