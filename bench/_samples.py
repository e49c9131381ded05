"""Realistic sample payloads for load (about the size of a real submission)."""

from datetime import UTC, date, datetime

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

PROCEDURES = (Procedure.EXTENSION_OF_STAY, Procedure.CHANGE_OF_STATUS, Procedure.CERTIFICATE_OF_ELIGIBILITY)


def application(i: int) -> Application:
    procedure = PROCEDURES[i % len(PROCEDURES)]
    in_japan = procedure is not Procedure.CERTIFICATE_OF_ELIGIBILITY
    current = StatusOfResidence(code="engineer_humanities_international") if in_japan else None
    card = "AB12345678CD" if in_japan else None
    return Application(
        submission_id=f"sub-{i:08d}",
        filer=Filer(
            filer_id=f"staff-{i % 500:04d}",
            category=FilerCategory.ORGANISATION_STAFF,
            name="担当 太郎",
            email=f"staff{i % 500}@example.co.jp",
            organisation_id=f"org-{i % 200:04d}",
            intermediary_id=f"INT-{i % 500:05d}",
        ),
        applicant=Applicant(
            name="NGUYEN VAN AN",
            nationality="VNM",
            date_of_birth=date(1995, 4, 1),
            email=f"applicant{i}@example.com",
            residence_card_number=card,
            passport_number="C1234567",
            in_japan=in_japan,
            current_status=current,
            period_of_stay_days=365 if in_japan else None,
            stay_expires_on=date(2027, 1, 20) if in_japan else None,
        ),
        form=ApplicationForm(
            procedure=procedure,
            requested_status=StatusOfResidence(code="engineer_humanities_international"),
            receiving_organisation_id=f"org-{i % 200:04d}",
            attachments=(
                Attachment(document_type="photo", file_name="photo.jpg", size_bytes=120_000, sha256="a" * 64),
            ),
        ),
        submitted_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
    )


def received(i: int) -> ApplicationReceived:
    return ApplicationReceived(
        application_id=f"app-{i:08d}",
        provisional_number=f"P-20261125-{i:08d}",
        channel=Channel.KAFKA,
        received_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        application=application(i),
    )
