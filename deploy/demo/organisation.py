"""The demo organisation, its staff member who files, and the bureau's grant of its approval.

The filer is the one the README issues a token for (`staff-0001` of `org-0001`), so that token
also reads the applications the demo submits. Organisation staff need an approval in force that
lists them with intermediary standing (domain rules §1, §6), and for this status no kind of
organisation; the approval names no employer, so it covers the organisation's own filings.
"""

import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from contracts import cloudevents as ce
from contracts.application import FilerCategory
from contracts.organisations import ApprovalGranted, StaffMember
from contracts.topics import BUREAU_APPROVAL_GRANTED

JAPAN = timezone(timedelta(hours=9), "JST")
ORGANISATION_ID = "org-0001"
APPROVAL_ID = "approval-org-0001"
STAFF_ID = "staff-0001"
STAFF_NAME = "担当 太郎"
STAFF_EMAIL = "tanto@example.co.jp"
SOURCE = "/bureau/demo"
_IDS = uuid.UUID("6f1c3e0a-5d2b-4c8e-9a71-2b0d4e6f8a13")
"""Namespace of the grant's event ids."""

Record = tuple[str, bytes, bytes, list[tuple[str, bytes]]]
"""A Kafka record as sent: topic, key, value, headers."""


def token_claims() -> dict[str, Any]:
    """The claims of the staff member's development token (`python -m services.intake.tokens issue`)."""
    return {
        "sub": STAFF_ID,
        "category": FilerCategory.ORGANISATION_STAFF.value,
        "name": STAFF_NAME,
        "email": STAFF_EMAIL,
        "org": ORGANISATION_ID,
        "iss": "residence-online",
        "aud": "intake",
    }


def grant(approved_on: date) -> ApprovalGranted:
    """The approval as the bureau grants it on `approved_on`, the staff member an intermediary for 3 years."""
    staff = StaffMember(
        staff_id=STAFF_ID,
        name=STAFF_NAME,
        email=STAFF_EMAIL,
        intermediary=True,
        intermediary_valid_until=_years_after(approved_on, 3),  # an intermediary certificate's validity (§6)
    )
    return ApprovalGranted(
        approval_id=APPROVAL_ID,
        organisation_id=ORGANISATION_ID,
        category=FilerCategory.ORGANISATION_STAFF,
        approved_on=approved_on,
        staff=(staff,),
    )


def grant_event_id(granted: ApprovalGranted) -> str:
    """The same grant is the same event, whenever it is sent again: consumers deduplicate on `ce_id`.

    A later day's grant is another event, but of an approval reporting already holds, which it
    leaves as it is: running the demo again never makes a second approval.
    """
    return str(uuid.uuid5(_IDS, f"{granted.approval_id}/{granted.approved_on.isoformat()}"))


def grant_record(granted: ApprovalGranted, topic_prefix: str) -> Record:
    """A CloudEvent in Kafka's binary mode, as upstream publishers send one (docs/upstream-publishers.md)."""
    topic = BUREAU_APPROVAL_GRANTED.prefixed(topic_prefix)
    happened = datetime.combine(granted.approved_on, time(0), tzinfo=JAPAN)
    headers = {
        ce.HEADER_PREFIX + "specversion": ce.SPEC_VERSION,
        ce.HEADER_PREFIX + "id": grant_event_id(granted),
        ce.HEADER_PREFIX + "source": SOURCE,
        ce.HEADER_PREFIX + "type": topic.event_type,
        ce.HEADER_PREFIX + "time": happened.isoformat(),
        ce.CONTENT_TYPE_HEADER: ce.CONTENT_TYPE,
    }
    value = granted.model_dump_json().encode()
    return topic.name, granted.approval_id.encode(), value, [(k, v.encode()) for k, v in headers.items()]


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
