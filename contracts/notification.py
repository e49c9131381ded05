"""Events notification writes: a notice went out, or could not."""

from datetime import datetime

from contracts.application import Identifier
from contracts.base import Payload


class NoticeSent(Payload):
    notice_id: Identifier
    """Derived from the source event id and the notice kind, so a duplicate is recognisable."""
    kind: Identifier
    application_id: Identifier | None = None
    approval_id: Identifier | None = None
    source_event_id: Identifier
    message_id: str
    recipient_count: int
    sent_at: datetime


class NoticeFailed(Payload):
    notice_id: Identifier
    kind: Identifier
    application_id: Identifier | None = None
    approval_id: Identifier | None = None
    source_event_id: Identifier
    reason: str
    failed_at: datetime
