"""Notices about an organisation's approval to use the system (利用申出, §6).

They go to the organisation's current staff. Greetings stay generic and a removed
staff member is named by staff id only: colleagues need to know whose ID stopped,
not more personal data than that.
"""

from contracts.application import Language
from contracts.organisations import ApprovalChange, ApprovalChanged
from services.notification.domain import addressing
from services.notification.domain.model import NoticeKind, Planned, Recipient

KIND_FOR_CHANGE: dict[ApprovalChange, NoticeKind] = {
    ApprovalChange.GRANTED: NoticeKind.APPROVAL_GRANTED,
    ApprovalChange.REMINDER_DUE: NoticeKind.APPROVAL_REMINDER_DUE,
    ApprovalChange.DEADLINE_NEAR: NoticeKind.APPROVAL_DEADLINE_NEAR,
    ApprovalChange.LAPSED: NoticeKind.APPROVAL_LAPSED,
    ApprovalChange.RENEWED: NoticeKind.APPROVAL_RENEWED,
    ApprovalChange.STAFF_REMOVED: NoticeKind.APPROVAL_STAFF_REMOVED,
    ApprovalChange.REVOKED: NoticeKind.APPROVAL_REVOKED,
}
"""STAFF_ADDED sends nothing: the new member is told by the bureau when given an ID."""


def plan_approval_changed(event: ApprovalChanged, source_event_id: str, language: Language) -> Planned:
    kind = KIND_FOR_CHANGE.get(event.change)
    if kind is None:
        return Planned(notices=(), skipped=f"approval change {event.change} has no notice")
    removed = set(event.removed_staff_ids)
    recipients = addressing.unique(
        Recipient(address=member.email, name=member.name) for member in event.staff if member.staff_id not in removed
    )
    if not recipients:
        return Planned(notices=(), skipped=f"approval {event.approval_id} has no staff left to tell")
    notice = addressing.new_notice(
        kind,
        source_event_id,
        recipients,
        language,
        {
            "addressees": (),
            "approval_id": event.approval_id,
            "organisation_id": event.organisation_id,
            "valid_from": event.valid_from,
            "valid_until": event.valid_until,
            "report_due_by": event.report_due_by,
            "removed_staff_ids": event.removed_staff_ids,
        },
        approval_id=event.approval_id,
    )
    return Planned(notices=(notice,))
