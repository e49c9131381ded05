"""Organisation staff (1), public-interest corporations (3) and support organisations (4)."""

from datetime import date, timedelta

import pytest

from contracts.application import Application, FilerCategory, Procedure
from contracts.organisations import ApprovalState
from services.eligibility.domain import OrganisationFacts, OrganisationKind
from services.eligibility.domain.approvals import Departure, StaffStanding

from .factories import (
    ACME,
    FILING_DATE,
    STAFF_ID,
    approval,
    assess_on,
    attachments_for,
    baseline,
    changed,
    codes,
    status,
)

STAFF = FilerCategory.ORGANISATION_STAFF
PIC = FilerCategory.PUBLIC_INTEREST_CORPORATION
RSO = FilerCategory.REGISTERED_SUPPORT_ORGANISATION
ORGANISATION_FILERS = [STAFF, PIC, RSO]
DAY = timedelta(days=1)


def with_approval(category: FilerCategory, **changes: object) -> OrganisationFacts:
    return OrganisationFacts(approvals=(approval(category, **changes),), organisation_kind=OrganisationKind.OTHER)


@pytest.mark.parametrize("category", ORGANISATION_FILERS)
@pytest.mark.parametrize(
    ("valid_until", "eligible"),
    [
        pytest.param(FILING_DATE + DAY, True, id="expires-the-day-after-filing"),
        pytest.param(FILING_DATE, False, id="expires-on-filing-date"),
    ],
)
def test_approval_is_valid_until_the_day_before_its_expiry_date(
    category: FilerCategory, valid_until: date, eligible: bool
) -> None:
    assessment = assess_on(baseline(category), with_approval(category, valid_until=valid_until))
    assert assessment.eligible is eligible
    assert eligible or codes(assessment) == ["approval_not_in_force"]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"state": ApprovalState.LAPSED, "valid_until": FILING_DATE}, id="lapsed-on-filing-date"),
        pytest.param({"state": ApprovalState.REVOKED, "revoked_on": FILING_DATE}, id="revoked-on-filing-date"),
        pytest.param({"state": ApprovalState.REVOKED}, id="revoked-undated"),
        pytest.param({"valid_from": FILING_DATE + DAY}, id="not-yet-started"),
    ],
)
def test_staff_may_not_file_under_an_approval_not_in_force(changes: dict[str, object]) -> None:
    assert codes(assess_on(baseline(STAFF), with_approval(STAFF, **changes))) == ["approval_not_in_force"]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"state": ApprovalState.LAPSED, "valid_until": FILING_DATE + DAY}, id="lapsed-the-day-after"),
        pytest.param({"state": ApprovalState.REVOKED, "revoked_on": FILING_DATE + DAY}, id="revoked-the-day-after"),
    ],
)
def test_an_approval_that_ended_after_the_filing_date_still_counts_for_that_filing(changes: dict[str, object]) -> None:
    # Judged as it stood on the filing date: a backlog assessed after the change must not refuse it.
    assert assess_on(baseline(STAFF), with_approval(STAFF, **changes)).eligible


@pytest.mark.parametrize("category", ORGANISATION_FILERS)
def test_staff_of_an_organisation_without_approval_may_not_file(category: FilerCategory) -> None:
    assert codes(assess_on(baseline(category), OrganisationFacts())) == ["approval_missing"]


def test_an_approval_of_another_organisation_does_not_count() -> None:
    facts = with_approval(STAFF, organisation_id="org-other")
    assert codes(assess_on(baseline(STAFF), facts)) == ["approval_missing"]


def test_staff_whose_filer_has_no_organisation_may_not_file() -> None:
    application = changed(baseline(STAFF), filer={"organisation_id": None})
    assert codes(assess_on(application)) == ["organisation_missing"]


def test_departed_staff_member_may_not_file() -> None:
    facts = with_approval(STAFF, staff={}, removed_staff_ids=frozenset({STAFF_ID[STAFF]}))
    assert codes(assess_on(baseline(STAFF), facts)) == ["staff_removed"]


def left(left_on: date, until: date = date(2027, 3, 31)) -> OrganisationFacts:
    """The filer left the approval on `left_on`, holding intermediary standing until `until`."""
    leaver = STAFF_ID[STAFF]
    departure = Departure(left_on=left_on, intermediary=True, intermediary_valid_until=until)
    return with_approval(STAFF, staff={}, removed_staff_ids=frozenset({leaver}), departed={leaver: departure})


@pytest.mark.parametrize(
    ("left_on", "expected"),
    [
        pytest.param(FILING_DATE + DAY, [], id="left-the-day-after-filing"),
        pytest.param(FILING_DATE, ["staff_removed"], id="left-on-filing-date"),
        pytest.param(FILING_DATE - DAY, ["staff_removed"], id="left-before"),
    ],
)
def test_a_departed_staff_member_counts_for_filings_dated_before_they_left(left_on: date, expected: list[str]) -> None:
    # Judged as the approval stood on the filing date, whenever the departure was reported.
    assert codes(assess_on(baseline(STAFF), left(left_on))) == expected


def test_a_departed_staff_members_standing_is_judged_as_it_was() -> None:
    facts = left(FILING_DATE + DAY, until=FILING_DATE - DAY)
    assert codes(assess_on(baseline(STAFF), facts)) == ["intermediary_standing_expired"]


def test_unlisted_staff_member_may_not_file() -> None:
    facts = with_approval(STAFF, staff={"someone-else": StaffStanding(intermediary=True)})
    assert codes(assess_on(baseline(STAFF), facts)) == ["staff_not_listed"]


@pytest.mark.parametrize(
    ("standing", "code"),
    [
        pytest.param(StaffStanding(intermediary=False), "intermediary_standing_missing", id="not-intermediary"),
        pytest.param(
            StaffStanding(intermediary=True, intermediary_valid_until=FILING_DATE - DAY),
            "intermediary_standing_expired",
            id="expired-day-before",
        ),
        pytest.param(StaffStanding(intermediary=True, intermediary_valid_until=FILING_DATE), None, id="expires-today"),
        pytest.param(StaffStanding(intermediary=True), None, id="undated"),
    ],
)
@pytest.mark.parametrize("category", ORGANISATION_FILERS)
def test_staff_need_valid_intermediary_standing(
    category: FilerCategory, standing: StaffStanding, code: str | None
) -> None:
    facts = with_approval(category, staff={STAFF_ID[category]: standing})
    assert codes(assess_on(baseline(category), facts)) == ([code] if code else [])


def test_valid_standing_under_any_approval_in_force_is_enough() -> None:
    lapsed = approval(STAFF, approval_id="old", staff={STAFF_ID[STAFF]: StaffStanding(intermediary=False)})
    facts = OrganisationFacts(approvals=(lapsed, approval(STAFF)), organisation_kind=OrganisationKind.OTHER)
    assert assess_on(baseline(STAFF), facts).eligible


def test_staff_may_file_only_for_their_own_organisation() -> None:
    application = changed(baseline(STAFF), form={"receiving_organisation_id": "org-other"})
    assert codes(assess_on(application)) == ["organisation_not_receiving"]


@pytest.mark.parametrize("category", [PIC, RSO])
@pytest.mark.parametrize(
    ("acting_for", "receiving"),
    [
        pytest.param(None, ACME, id="acting-for-nobody"),
        pytest.param("org-other", ACME, id="acting-for-another"),
        pytest.param(ACME, None, id="no-receiving-organisation"),
    ],
)
def test_corporation_or_support_organisation_files_only_for_the_organisation_it_acts_for(
    category: FilerCategory, acting_for: str | None, receiving: str | None
) -> None:
    application = changed(
        baseline(category),
        filer={"acting_for_organisation_id": acting_for},
        form={"receiving_organisation_id": receiving},
    )
    assert "acting_for_mismatch" in codes(assess_on(application))


def _skilled_worker(category: FilerCategory) -> Application:
    return changed(baseline(category), applicant={"current_status": status("specified_skilled_worker")})


def test_support_organisation_may_file_a_specified_skilled_worker_case_under_that_employers_approval() -> None:
    assert assess_on(_skilled_worker(RSO)).eligible


@pytest.mark.parametrize("employer", [None, "org-other"])
def test_support_organisation_needs_an_approval_for_that_very_employer_in_specified_skilled_worker_cases(
    employer: str | None,
) -> None:
    facts = with_approval(RSO, employer_organisation_id=employer)
    assert codes(assess_on(_skilled_worker(RSO), facts)) == ["employer_approval_missing"]


def test_support_organisation_general_approval_covers_other_statuses() -> None:
    assert assess_on(baseline(RSO), with_approval(RSO, employer_organisation_id=None)).eligible


def test_an_approval_scoped_to_another_employer_covers_nothing_for_this_one() -> None:
    facts = with_approval(RSO, employer_organisation_id="org-other")
    assert codes(assess_on(baseline(RSO), facts)) == ["approval_missing"]


@pytest.mark.parametrize(
    ("kind", "eligible"),
    [
        pytest.param(OrganisationKind.SUPERVISING_BODY, True, id="supervising-body"),
        pytest.param(OrganisationKind.IMPLEMENTING_ORGANISATION, False, id="implementing-organisation"),
        pytest.param(None, False, id="unknown-kind"),
    ],
)
def test_supervised_technical_intern_training_is_filed_only_by_the_supervising_bodys_staff(
    kind: OrganisationKind | None, eligible: bool
) -> None:
    application = changed(
        baseline(STAFF), applicant={"current_status": status("technical_intern_training", "supervised")}
    )
    facts = OrganisationFacts(approvals=(approval(STAFF),), organisation_kind=kind)
    assessment = assess_on(application, facts)
    assert assessment.eligible is eligible
    assert eligible or codes(assessment) == ["organisation_kind_not_allowed"]


def test_company_type_technical_intern_training_may_be_filed_by_the_companys_staff() -> None:
    application = changed(baseline(STAFF), applicant={"current_status": status("technical_intern_training", "company")})
    assert assess_on(application).eligible


def test_a_change_to_supervised_training_is_judged_on_the_status_asked_for() -> None:
    application = changed(
        baseline(STAFF),
        applicant={"current_status": status("student")},
        form={
            "procedure": Procedure.CHANGE_OF_STATUS,
            "requested_status": status("technical_intern_training", "supervised"),
            "attachments": attachments_for(STAFF, Procedure.CHANGE_OF_STATUS),
        },
    )
    assert codes(assess_on(application)) == ["organisation_kind_not_allowed"]


def test_public_interest_corporation_attached_the_request_letter_until_march_2025() -> None:
    before = date(2025, 3, 31)
    application = changed(baseline(PIC), applicant={"stay_expires_on": before + timedelta(days=30)})
    facts = with_approval(PIC, valid_from=date(2024, 4, 1))
    assessment = assess_on(application, facts, on=before)
    assert codes(assessment) == ["documents_missing"]
    assert "request_letter" in assessment.reasons[0].message_en
    assert assess_on(application, facts, on=before + DAY).eligible
