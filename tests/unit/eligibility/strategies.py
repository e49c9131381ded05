"""Hypothesis strategies for well-formed Applications and organisation facts, from the contract models.

Values are drawn from small pools (known organisation ids, status codes, document types)
mixed with arbitrary ones, so generated cases hit the interesting branches, not only
the "unknown id" ones.
"""

from datetime import UTC, date, datetime

from hypothesis import strategies as st

from contracts.application import (
    STATUS_OF_RESIDENCE_CODES,
    Applicant,
    Application,
    ApplicationForm,
    Attachment,
    Filer,
    FilerCategory,
    Procedure,
    ReceiptMethod,
    Relationship,
    StatusOfResidence,
)
from contracts.organisations import ApprovalState
from services.eligibility.domain import ApprovalRecord, OrganisationFacts, OrganisationKind
from services.eligibility.domain.approvals import Departure, StaffStanding

from .factories import ACME, PIC, RSO, rule_book

identifiers = st.text(alphabet="abcXYZ019._:-", min_size=1, max_size=12)  # the Identifier pattern, cheaply
organisation_ids = st.sampled_from([ACME, PIC, RSO]) | identifiers
staff_ids = st.sampled_from(["acme-staff-1", "pic-staff-1", "rso-staff-1", "filer-1"]) | identifiers
any_dates = st.dates()
near_dates = st.dates(min_value=date(2022, 1, 1), max_value=date(2027, 12, 31))
dates = near_dates | any_dates
document_types = sorted(
    {code for rule_set in rule_book().rule_sets for codes in rule_set.documents.values() for code in codes}
    | {"request_letter"}
)

statuses = st.builds(
    StatusOfResidence,
    code=st.sampled_from(sorted(STATUS_OF_RESIDENCE_CODES)) | identifiers,
    subtype=st.none() | st.sampled_from(["company", "supervised", "departure_preparation"]) | identifiers,
)

filers = st.builds(
    Filer,
    filer_id=staff_ids,
    category=st.sampled_from(FilerCategory),
    name=st.just("Filer"),
    email=st.just("filer@example.jp"),
    language=st.sampled_from(["ja", "en"]),
    organisation_id=st.none() | organisation_ids,
    acting_for_organisation_id=st.none() | organisation_ids,
    intermediary_id=st.none() | identifiers,
    my_number_card_verified_at=st.none() | st.datetimes(timezones=st.just(UTC)),
    relationship=st.none() | st.sampled_from(Relationship),
    filing_from_abroad=st.booleans(),
)

applicants = st.builds(
    Applicant,
    name=st.just("Applicant"),
    nationality=st.sampled_from(["VNM", "CHN", "PHL", "NPL", "USA"]),
    date_of_birth=dates,
    in_japan=st.booleans(),
    current_status=st.none() | statuses,
    period_of_stay_days=st.none() | st.integers(min_value=1, max_value=3660),
    stay_expires_on=st.none() | dates,
    unable_through_illness=st.booleans(),
)

attachments = st.builds(
    Attachment,
    document_type=st.sampled_from(document_types) | identifiers,
    file_name=st.just("document.pdf"),
    size_bytes=st.integers(min_value=1, max_value=25 * 1024 * 1024),
    sha256=st.just("a" * 64),
)

forms = st.builds(
    ApplicationForm,
    procedure=st.sampled_from(Procedure),
    accompanying=st.lists(st.sampled_from(Procedure), max_size=3).map(tuple),
    requested_status=st.none() | statuses,
    receipt_method=st.sampled_from(ReceiptMethod),
    receiving_organisation_id=st.none() | organisation_ids,
    attachments=st.lists(attachments, max_size=8).map(tuple),
)

applications = st.builds(
    Application,
    submission_id=identifiers,
    filer=filers,
    applicant=applicants,
    form=forms,
    submitted_at=st.datetimes(min_value=datetime(2022, 1, 1), timezones=st.just(UTC)),
)

standings = st.builds(StaffStanding, intermediary=st.booleans(), intermediary_valid_until=st.none() | dates)
departures = st.builds(Departure, left_on=dates, intermediary=st.booleans(), intermediary_valid_until=st.none() | dates)

approvals = st.builds(
    ApprovalRecord,
    approval_id=identifiers,
    organisation_id=organisation_ids,
    category=st.sampled_from(FilerCategory),
    employer_organisation_id=st.none() | organisation_ids,
    state=st.sampled_from(ApprovalState),
    valid_from=dates,
    valid_until=dates,
    staff=st.dictionaries(staff_ids, standings, max_size=3),
    removed_staff_ids=st.frozensets(staff_ids, max_size=2),
    departed=st.dictionaries(staff_ids, departures, max_size=2),
    revision=st.integers(min_value=0, max_value=10**6),
    revoked_on=st.none() | dates,
)

facts = st.builds(
    OrganisationFacts,
    approvals=st.lists(approvals, max_size=3).map(tuple),
    organisation_kind=st.none() | st.sampled_from(OrganisationKind),
)

rule_sets = st.sampled_from(rule_book().rule_sets)
