"""What a notice is: its kind, its recipients and the values its templates need.

A `Notice` is the planned e-mail, not the e-mail itself. It carries only data
(codes, dates, numbers and labels in both languages) so the same notice renders
identically in Japanese and English, and so a stored notice can be rendered again
for a retry with the same Message-ID.
"""

import hashlib
import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts.application import EmailAddress, Identifier, Language


class NoticeKind(StrEnum):
    """Every notice the service sends (domain rules §4); each has ja and en templates."""

    SUBMISSION_RECEIVED = "submission_received"
    APPLICATION_ACCEPTED = "application_accepted"
    NOT_ELIGIBLE = "not_eligible"
    DOCUMENTS_REQUESTED = "documents_requested"
    DOCUMENTS_RECEIVED = "documents_received"
    DOCUMENTS_REMINDER = "documents_reminder"
    DECISION_COUNTER = "decision_counter"
    DECISION_POST = "decision_post"
    COE_ISSUED = "coe_issued"
    CARD_DISPATCHED = "card_dispatched"
    APPROVAL_GRANTED = "approval_granted"
    APPROVAL_REMINDER_DUE = "approval_reminder_due"
    APPROVAL_DEADLINE_NEAR = "approval_deadline_near"
    APPROVAL_LAPSED = "approval_lapsed"
    APPROVAL_RENEWED = "approval_renewed"
    APPROVAL_STAFF_REMOVED = "approval_staff_removed"
    APPROVAL_REVOKED = "approval_revoked"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Bilingual(_Frozen):
    """One label or message in both languages; templates pick `.ja` or `.en`."""

    ja: str
    en: str


TemplateValue = str | int | bool | date | Bilingual | tuple[str, ...] | tuple[Bilingual, ...] | None

# Line breaks and other control characters must never reach a header (header injection);
# U+0085, U+2028 and U+2029 are line breaks to some mail clients too.
_UNSAFE_IN_HEADER = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def has_line_break(text: str) -> bool:
    return _UNSAFE_IN_HEADER.search(text) is not None


def header_safe(text: str) -> str:
    """`text` with every control character and line break replaced by one space."""
    return " ".join(_UNSAFE_IN_HEADER.sub(" ", text).split())


class Recipient(_Frozen):
    address: EmailAddress
    name: str | None = None
    """Display name; stripped of line breaks because it is written into the To header."""

    @field_validator("name")
    @classmethod
    def _strip_line_breaks(cls, name: str | None) -> str | None:
        return (header_safe(name) or None) if name is not None else None


class Notice(_Frozen):
    notice_id: Identifier
    kind: NoticeKind
    source_event_id: str = Field(min_length=1)
    recipients: tuple[Recipient, ...] = Field(min_length=1)
    language: Language
    """The language shown first; the other follows in the same message."""
    variables: Mapping[str, TemplateValue]
    application_id: Identifier | None = None
    approval_id: Identifier | None = None


_NOT_IN_IDENTIFIER = re.compile(r"[^A-Za-z0-9._:-]")
_IDENTIFIER_MAX = 64


def notice_id_for(source_event_id: str, kind: NoticeKind) -> str:
    """`{source_event_id}:{kind}`, made to fit the contracts' `Identifier` pattern.

    The same event and kind always give the same id, so a redelivered event yields a
    notice downstream can recognise. An id that had to be changed (foreign characters,
    too long) gets a digest of the original, so two different sources cannot collide.
    """
    raw = f"{source_event_id}:{kind}"
    if len(raw) <= _IDENTIFIER_MAX and not _NOT_IN_IDENTIFIER.search(raw):
        return raw
    digest = hashlib.sha256(raw.encode()).hexdigest()[:16]
    room = _IDENTIFIER_MAX - len(kind) - len(digest) - 2
    prefix = _NOT_IN_IDENTIFIER.sub("-", source_event_id)[:room]
    return f"{prefix}.{digest}:{kind}"


class Planned(_Frozen):
    """The notices an event produces; possibly none, then `skipped` says why."""

    notices: tuple[Notice, ...]
    skipped: str | None = None


class MissingContact(_Frozen):
    """The event needs the application's parties, and the projection has none yet.

    Events from other topics may overtake the acceptance that fills the projection,
    so the event waits (parked) until it arrives, and is dead-lettered if it never does.
    """

    application_id: Identifier
    event_type: str
    reason: str


PlanResult = Planned | MissingContact
