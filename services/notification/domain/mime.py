"""Building the MIME message: headers that cannot be injected, ids that show duplicates.

Anything from a payload that reaches a header is either stripped of line breaks
(display names, subject) or validated and refused (addresses, the Message-ID
domain). Python's `email` would raise on a bare CR/LF too; stripping first means one
odd name does not stop a notice, and the check does not depend on the Python version.
"""

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

from services.notification.domain.model import Recipient, header_safe

_HOST = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)
# RFC 5322 dot-atom: atext runs joined by single dots.
_DOT_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_ADDR_SPEC = re.compile(r"^[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"\\]+$")


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


def sender_address(sender: str) -> Address:
    """`noreply@example.jp` or `Name <noreply@example.jp>`; a sender with a line break is refused."""
    if header_safe(sender) != sender.strip():
        raise ValueError("sender contains a line break or control character")
    name, addr_spec = parseaddr(sender)
    if not _ADDR_SPEC.match(addr_spec):
        raise ValueError(f"not a sender address: {sender!r}")
    return Address(display_name=name, addr_spec=addr_spec)


def recipient_address(recipient: Recipient) -> Address:
    if not _ADDR_SPEC.match(recipient.address):
        raise ValueError("recipient address is not a plain addr-spec")
    return Address(display_name=header_safe(recipient.name or ""), addr_spec=recipient.address)


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
    """multipart/alternative with UTF-8 text and HTML, both base64 so any relay carries them."""
    if date.tzinfo is None:
        raise ValueError("the Date header needs a timezone-aware date/time")
    message = EmailMessage(policy=SMTP)
    message["From"] = sender_address(sender)
    message["To"] = [recipient_address(recipient) for recipient in recipients]
    message["Subject"] = header_safe(subject)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Content-Language"] = ", ".join(languages)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders must not answer
    message.set_content(text, subtype="plain", charset="utf-8", cte="base64")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
    return message
