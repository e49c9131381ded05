"""The events a settled ledger entry becomes, with ids that are the same every time.

The event id is the notice id and the outcome, and every field comes from the
ledger entry (the settle time included), so a redelivered source event republishes
an identical event and intake and reporting can deduplicate it by id.
"""

import dataclasses
from datetime import datetime

from contracts.notification import NoticeFailed, NoticeSent
from services.notification.handlers.ports import Delivered, Entry, State, Undeliverable


def outcome_event_id(notice_id: str, state: State) -> str:
    return f"{notice_id}:{state}"


def outcome_event(entry: Entry) -> NoticeSent | NoticeFailed:
    if entry.settled_at is None or entry.state is State.PENDING:
        raise ValueError(f"notice {entry.notice_id} is not settled")
    if entry.state is State.SENT:
        return NoticeSent(
            notice_id=entry.notice_id,
            kind=entry.kind,
            application_id=entry.application_id,
            approval_id=entry.approval_id,
            source_event_id=entry.source_event_id,
            message_id=entry.message_id,
            recipient_count=entry.recipient_count,
            sent_at=entry.settled_at,
        )
    return NoticeFailed(
        notice_id=entry.notice_id,
        kind=entry.kind,
        application_id=entry.application_id,
        approval_id=entry.approval_id,
        source_event_id=entry.source_event_id,
        reason=entry.reason or "refused by the mail server",
        failed_at=entry.settled_at,
    )


def settled(entry: Entry, result: Delivered | Undeliverable, at: datetime) -> Entry:
    """The pending entry after the server's answer: sent (to how many) or failed (why), one more attempt."""
    if isinstance(result, Delivered):
        return dataclasses.replace(
            entry,
            state=State.SENT,
            attempts=entry.attempts + 1,
            recipient_count=result.accepted,
            refused_count=result.refused,
            settled_at=at,
        )
    return dataclasses.replace(
        entry, state=State.FAILED, attempts=entry.attempts + 1, reason=result.reason, settled_at=at
    )


def to_millisecond(moment: datetime) -> datetime:
    """MongoDB keeps milliseconds: an outcome replayed from the ledger is then identical to the first."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
