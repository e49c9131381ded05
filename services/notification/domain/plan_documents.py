"""Notices about answering a documents request: the receipt of an online answer, and the reminder.

The reminder repeats the request's own notice (same recipients, language and values)
under its own kind, a configurable number of days before the last day, when nothing
was sent for that request. Whether it is due is `reminder_due`, a pure function of the
stored request, the answers seen for its application and today's date in Japan.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from contracts.calendar import as_aware, japan_date
from contracts.intake import DocumentsSubmittedOnline
from services.notification.domain import addressing
from services.notification.domain.labels import procedure_label
from services.notification.domain.model import Notice, NoticeKind, Planned, notice_id_for

ANSWER_TOLERANCE = timedelta(seconds=1)
"""An answer names its request by the request's time, as intake stored it (to the millisecond)."""


class DocumentsReminderDue(BaseModel):
    """A stored documents request whose reminder is due: what the scheduled check hands to the notifier."""

    model_config = ConfigDict(frozen=True)

    request_event_id: str
    application_id: str
    requested_at: datetime
    due_on: date
    requested_notice: Notice
    """The notice the request itself produced: the reminder says the same again."""


def plan_documents_received(event: DocumentsSubmittedOnline, source_event_id: str) -> Planned:
    parties = event.parties
    notice = addressing.new_notice(
        NoticeKind.DOCUMENTS_RECEIVED,
        source_event_id,
        addressing.filer(parties),
        parties.language,
        {
            "receipt_number": event.receipt_number,
            "procedure": procedure_label(event.procedure),
            "applicant_name": parties.applicant_name,
            "submitted_on": japan_date(event.submitted_at),
            "due_on": event.due_on,
            # Types only: file names are the filer's own words and may name people.
            "documents": tuple(attachment.document_type for attachment in event.attachments),
        },
        application_id=event.application_id,
    )
    return Planned(notices=(notice,))


def plan_documents_reminder(due: DocumentsReminderDue) -> Planned:
    requested = due.requested_notice
    notice = requested.model_copy(
        update={
            "notice_id": notice_id_for(due.request_event_id, NoticeKind.DOCUMENTS_REMINDER),
            "kind": NoticeKind.DOCUMENTS_REMINDER,
            "source_event_id": due.request_event_id,
        }
    )
    return Planned(notices=(notice,))


def reminder_window(today: date, days_before: int) -> tuple[date, date]:
    """The last days of the requests whose reminder is due today: from today to `days_before` days on."""
    return today, today + timedelta(days=days_before)


def reminder_due(
    due_on: date, requested_at: datetime, answers: Iterable[datetime], today: date, days_before: int
) -> bool:
    """Due when the last day is at most `days_before` days away (and not past), and no answer to this
    request (or a later one) was seen: `answers` are the request times the application's answers name."""
    first, last = reminder_window(today, days_before)
    if not first <= due_on <= last:
        return False
    asked = as_aware(requested_at)
    return not any(as_aware(answered) >= asked - ANSWER_TOLERANCE for answered in answers)
