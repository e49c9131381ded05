"""Organisations' approvals to use the system (利用申出) and their periodic reports (定期報告).

The bureau's events come from upstream; reporting turns them into the approval's
lifecycle, which eligibility and notification consume.
"""

from datetime import date, datetime
from enum import StrEnum

from contracts.application import EmailAddress, FilerCategory, Identifier, ShortText
from contracts.base import Payload


class StaffMember(Payload):
    """An approved user of an organisation (one authentication ID, 認証ID)."""

    staff_id: Identifier
    name: ShortText
    email: EmailAddress
    intermediary: bool = False
    """Holds intermediary (申請等取次者) standing."""
    intermediary_valid_until: date | None = None


class OrganisationKind(StrEnum):
    """What kind of receiving organisation holds the approval, where a rule depends on it."""

    SUPERVISING_BODY = "supervising_body"  # 監理団体
    IMPLEMENTING_ORGANISATION = "implementing_organisation"  # 実習実施者
    OTHER = "other"


class ApprovalGranted(Payload):
    approval_id: Identifier
    organisation_id: Identifier
    category: FilerCategory
    employer_organisation_id: Identifier | None = None
    """Support organisations hold one approval per employer they serve; public-interest
    corporations name the receiving organisation they act for."""
    approved_on: date
    staff: tuple[StaffMember, ...]
    organisation_kind: OrganisationKind | None = None
    """Technical intern training (supervised type) may be filed only by a supervising body's staff."""


class PeriodicReportAccepted(Payload):
    approval_id: Identifier
    organisation_id: Identifier
    filed_on: date
    accepted_on: date


class StaffLeft(Payload):
    approval_id: Identifier
    organisation_id: Identifier
    staff_id: Identifier
    left_on: date


class StaffAdded(Payload):
    approval_id: Identifier
    organisation_id: Identifier
    staff: StaffMember
    added_on: date


class ApprovalRevoked(Payload):
    approval_id: Identifier
    organisation_id: Identifier
    revoked_on: date
    reason: ShortText | None = None


class StaffDeparture(Payload):
    """A staff member who left (`StaffLeft`), with the standing they held until then: no name, no address."""

    staff_id: Identifier
    left_on: date
    """Their first day without access: filings dated before it were made while they were staff."""
    intermediary: bool = False
    intermediary_valid_until: date | None = None


class ApprovalState(StrEnum):
    ACTIVE = "active"
    LAPSED = "lapsed"
    REVOKED = "revoked"


class ApprovalChange(StrEnum):
    GRANTED = "granted"
    REMINDER_DUE = "reminder_due"
    DEADLINE_NEAR = "deadline_near"
    LAPSED = "lapsed"
    RENEWED = "renewed"
    STAFF_ADDED = "staff_added"
    STAFF_REMOVED = "staff_removed"
    REVOKED = "revoked"


class ApprovalChanged(Payload):
    """The whole current state of one approval after a change; `revision` orders them."""

    approval_id: Identifier
    organisation_id: Identifier
    category: FilerCategory
    employer_organisation_id: Identifier | None = None
    change: ApprovalChange
    state: ApprovalState
    valid_from: date
    valid_until: date
    """The expiry date, exclusive: the approval is valid on day d iff valid_from <= d < valid_until."""
    report_due_by: date
    staff: tuple[StaffMember, ...]
    removed_staff_ids: tuple[Identifier, ...] = ()
    revision: int
    occurred_at: datetime
    previous_state: ApprovalState | None = None
    """The state before this change (None for a grant), so a reader can count approvals by state
    from this event alone. Added within v1 as an optional field."""
    organisation_kind: OrganisationKind | None = None
    """Carried over from the grant."""
    revoked_on: date | None = None
    """The day the revocation took effect (`ApprovalRevoked.revoked_on`), on the revocation and every
    change after it; None while the approval is not revoked. The approval is in force on day d iff
    valid_from <= d < valid_until and (revoked_on is None or d < revoked_on). A revoked approval
    without it (published before it was added) is to be taken as revoked from the start.
    Added within v1 as an optional field."""
    departures: tuple[StaffDeparture, ...] = ()
    """The staff of `removed_staff_ids` whom the approval listed when they left, each with the day
    they left and their standing, so a filing can be judged as the approval stood on its date.
    A removed id without a departure (it left before it joined, or before departures were
    published) is to be taken as removed from the start. Added within v1 as an optional field."""
