"""Realistic sample payloads for load: about the size of real submissions, mostly eligible.

Organisation `org-NNNN` holds an approval whose staff `staff-NNNN-S` file extensions of
stay inside the filing window; every fifth application lacks a required document, so
the not-eligible path is exercised too.
"""

from datetime import UTC, date, datetime, timedelta

from contracts.application import (
    Applicant,
    Application,
    ApplicationForm,
    Attachment,
    Filer,
    FilerCategory,
    Procedure,
    StatusOfResidence,
)
from contracts.intake import ApplicationReceived, Channel
from contracts.organisations import ApprovalGranted, OrganisationKind, StaffMember

ORGANISATIONS = 200
STAFF_PER_ORGANISATION = 3
ENGINEER = StatusOfResidence(code="engineer_humanities_international")
DOCUMENTS = ("application_form", "photograph", "passport_copy", "residence_card_copy", "activity_evidence")


def organisation(i: int) -> str:
    return f"org-{i % ORGANISATIONS:04d}"


def staff(i: int) -> str:
    return f"{organisation(i)}-staff-{i % STAFF_PER_ORGANISATION}"


def approval(n: int, today: date) -> ApprovalGranted:
    org = organisation(n)
    return ApprovalGranted(
        approval_id=f"approval-{org}",
        organisation_id=org,
        category=FilerCategory.ORGANISATION_STAFF,
        approved_on=today - timedelta(days=30),
        organisation_kind=OrganisationKind.OTHER,
        staff=tuple(
            StaffMember(
                staff_id=f"{org}-staff-{s}",
                name="担当 太郎",
                email=f"{org}-{s}@example.co.jp",
                intermediary=True,
                intermediary_valid_until=today + timedelta(days=700),
            )
            for s in range(STAFF_PER_ORGANISATION)
        ),
    )


def eligible(i: int) -> bool:
    """Whether application `i` may be filed online: every fifth lacks a required document."""
    return i % 5 != 0


def application(i: int, now: datetime | None = None) -> Application:
    now = now or datetime.now(UTC)
    today = now.date()
    documents = DOCUMENTS if eligible(i) else DOCUMENTS[:-1]
    return Application(
        submission_id=f"sub-{i:08d}",
        filer=Filer(
            filer_id=staff(i),
            category=FilerCategory.ORGANISATION_STAFF,
            name="担当 太郎",
            email=f"{staff(i)}@example.co.jp",
            organisation_id=organisation(i),
            intermediary_id=f"INT-{i % 600:05d}",
        ),
        applicant=Applicant(
            name="NGUYEN VAN AN",
            nationality="VNM",
            date_of_birth=date(1995, 4, 1),
            email=f"applicant{i}@example.com",
            residence_card_number="AB12345678CD",
            passport_number="C1234567",
            in_japan=True,
            current_status=ENGINEER,
            period_of_stay_days=365,
            stay_expires_on=today + timedelta(days=60),
        ),
        form=ApplicationForm(
            procedure=Procedure.EXTENSION_OF_STAY,
            requested_status=ENGINEER,
            receiving_organisation_id=organisation(i),
            attachments=tuple(
                Attachment(document_type=d, file_name=f"{d}.pdf", size_bytes=120_000, sha256="a" * 64)
                for d in documents
            ),
        ),
        submitted_at=now,
    )


def received(i: int) -> ApplicationReceived:
    now = datetime.now(UTC)
    return ApplicationReceived(
        application_id=f"app-{i:08d}",
        provisional_number=f"P-{now:%Y%m%d}-{i:08d}",
        channel=Channel.KAFKA,
        received_at=now,
        application=application(i, now),
    )
