"""The approvals projection built from ApprovalChanged events."""

from datetime import UTC, date, datetime

import pytest

from contracts.application import FilerCategory
from contracts.organisations import ApprovalChange, ApprovalChanged, ApprovalState, StaffDeparture, StaffMember
from services.eligibility.domain import apply_change
from services.eligibility.domain.approvals import ApprovalRecord, Departure, StaffStanding


def member(staff_id: str, *, intermediary: bool = True, until: date | None = date(2027, 3, 31)) -> StaffMember:
    return StaffMember(
        staff_id=staff_id,
        name="Staff",
        email=f"{staff_id}@acme.example.jp",
        intermediary=intermediary,
        intermediary_valid_until=until,
    )


def event(revision: int, **changes: object) -> ApprovalChanged:
    fields: dict[str, object] = {
        "approval_id": "approval-1",
        "organisation_id": "org-acme",
        "category": FilerCategory.ORGANISATION_STAFF,
        "change": ApprovalChange.GRANTED,
        "state": ApprovalState.ACTIVE,
        "valid_from": date(2025, 1, 10),
        "valid_until": date(2026, 1, 9),
        "report_due_by": date(2025, 12, 9),
        "staff": (member("s1"), member("s2", intermediary=False, until=None)),
        "revision": revision,
        "occurred_at": datetime(2025, 1, 10, tzinfo=UTC),
    }
    return ApprovalChanged.model_validate(fields | changes)


def test_a_first_event_creates_the_record() -> None:
    record = apply_change(None, event(1))
    assert record.approval_id == "approval-1"
    assert record.revision == 1
    assert record.in_force_on(date(2025, 6, 2))
    assert record.staff == {
        "s1": StaffStanding(intermediary=True, intermediary_valid_until=date(2027, 3, 31)),
        "s2": StaffStanding(intermediary=False),
    }


def test_the_projection_keeps_no_staff_names_or_email_addresses() -> None:
    dumped = apply_change(None, event(1)).model_dump_json()
    assert "acme.example.jp" not in dumped
    assert "Staff" not in dumped


def test_a_newer_revision_replaces_the_record() -> None:
    renewed = apply_change(
        apply_change(None, event(1)), event(2, change=ApprovalChange.RENEWED, valid_until=date(2029, 1, 9))
    )
    assert renewed.revision == 2
    assert renewed.valid_until == date(2029, 1, 9)


@pytest.mark.parametrize("stale_revision", [1, 2])
def test_a_stale_or_repeated_revision_changes_nothing(stale_revision: int) -> None:
    current = apply_change(None, event(2))
    after = apply_change(current, event(stale_revision, state=ApprovalState.REVOKED))
    assert after is current


def test_removed_staff_are_dropped_from_the_staff_and_remembered_as_removed() -> None:
    record = apply_change(None, event(1, change=ApprovalChange.STAFF_REMOVED, removed_staff_ids=("s1",)))
    assert "s1" not in record.staff
    assert record.removed_staff_ids == frozenset({"s1"})


LAST_VALID_DAY, EXPIRY = date(2026, 1, 8), date(2026, 1, 9)


def lapsed() -> ApprovalChanged:
    """Reporting's lapse of the approval, published on its expiry date."""
    return event(2, change=ApprovalChange.LAPSED, state=ApprovalState.LAPSED)


def revoked(revoked_on: date | None) -> ApprovalChanged:
    return event(2, change=ApprovalChange.REVOKED, state=ApprovalState.REVOKED, revoked_on=revoked_on)


def test_a_departure_keeps_the_day_they_left_and_their_standing_but_no_name() -> None:
    departure = StaffDeparture(staff_id="s1", left_on=date(2025, 9, 1), intermediary=True)
    removed = {"change": ApprovalChange.STAFF_REMOVED, "staff": (member("s2"),), "removed_staff_ids": ("s1",)}
    record = apply_change(None, event(2, departures=(departure,), **removed))
    assert record.departed == {"s1": Departure(left_on=date(2025, 9, 1), intermediary=True)}
    assert record.standing_on("s1", date(2025, 8, 31)) == StaffStanding(intermediary=True)
    assert record.standing_on("s1", date(2025, 9, 1)) is None
    assert record.standing_on("s2", date(2025, 9, 1)) is not None


def test_a_removal_published_without_its_departure_is_judged_removed_whatever_the_date() -> None:
    removed = {"change": ApprovalChange.STAFF_REMOVED, "staff": (member("s2"),), "removed_staff_ids": ("s1",)}
    record = apply_change(None, event(2, **removed))
    assert record.standing_on("s1", date(2025, 1, 10)) is None


def test_a_lapsed_approval_is_still_in_force_for_a_filing_dated_on_its_last_valid_day() -> None:
    # A filing of 23:59 JST assessed after the lapse was emitted at midnight: judged as of its date.
    assert apply_change(None, lapsed()).in_force_on(LAST_VALID_DAY)


def test_a_lapsed_approval_is_not_in_force_from_its_expiry_date() -> None:
    record = apply_change(None, lapsed())
    assert not record.in_force_on(EXPIRY)
    assert not record.in_force_on(date(2026, 3, 1))


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        pytest.param(date(2025, 8, 31), True, id="filed-the-day-before-the-revocation"),
        pytest.param(date(2025, 9, 1), False, id="filed-on-the-revocation-date"),
        pytest.param(date(2025, 10, 1), False, id="filed-after-it"),
    ],
)
def test_a_revoked_approval_is_in_force_only_before_its_revocation_date(day: date, in_force: bool) -> None:
    assert apply_change(None, revoked(date(2025, 9, 1))).in_force_on(day) is in_force


def test_a_revocation_dated_after_the_expiry_leaves_the_validity_window_as_it_was() -> None:
    record = apply_change(None, revoked(date(2026, 6, 1)))
    assert record.in_force_on(LAST_VALID_DAY)
    assert not record.in_force_on(EXPIRY)


def test_a_revocation_without_its_date_ends_the_approval_from_the_start() -> None:
    # Events published before they carried `revoked_on`: fail closed, as before.
    record = apply_change(None, revoked(None))
    assert not record.in_force_on(date(2025, 1, 10))
    assert not record.in_force_on(LAST_VALID_DAY)


def test_a_renewal_after_the_lapse_moves_the_window_on() -> None:
    renewed = event(3, change=ApprovalChange.RENEWED, valid_until=date(2029, 1, 9))
    record = apply_change(apply_change(None, lapsed()), renewed)
    assert record.in_force_on(EXPIRY)
    assert record.in_force_on(date(2029, 1, 8))
    assert not record.in_force_on(date(2029, 1, 9))


@pytest.mark.parametrize(
    ("day", "in_force"),
    [(date(2025, 1, 9), False), (date(2025, 1, 10), True), (date(2026, 1, 8), True), (date(2026, 1, 9), False)],
)
def test_an_approval_is_in_force_from_its_first_day_until_the_day_before_it_expires(day: date, in_force: bool) -> None:
    assert apply_change(None, event(1)).in_force_on(day) is in_force


def test_an_event_for_another_approval_is_a_wiring_fault() -> None:
    with pytest.raises(ValueError, match="approval-2"):
        apply_change(apply_change(None, event(1)), event(2, approval_id="approval-2"))


def test_the_record_survives_a_round_trip_through_json() -> None:
    record = apply_change(None, event(1, removed_staff_ids=("gone",), revoked_on=date(2025, 9, 1)))
    assert type(record).model_validate_json(record.model_dump_json()) == record


def test_a_record_stored_before_the_revocation_date_was_kept_still_loads() -> None:
    stored = apply_change(None, revoked(None)).model_dump(mode="json")
    del stored["revoked_on"]
    record = ApprovalRecord.model_validate(stored)
    assert record.revoked_on is None
    assert not record.in_force_on(LAST_VALID_DAY)
