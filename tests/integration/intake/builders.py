"""Upstream payloads for the integration tests."""

from datetime import UTC, date, datetime

from contracts.application import Applicant, Application, ApplicationForm, Filer, FilerCategory, Procedure

SUBMITTED_AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def an_application(submission_id: str, filer_id: str = "staff-1") -> Application:
    return Application(
        submission_id=submission_id,
        filer=Filer(
            filer_id=filer_id,
            category=FilerCategory.ORGANISATION_STAFF,
            name="担当 太郎",
            email="tanto@example.co.jp",
            organisation_id="org-1",
        ),
        applicant=Applicant(
            name="NGUYEN VAN AN",
            nationality="VNM",
            date_of_birth=date(1995, 4, 1),
            email="an@example.com",
            stay_expires_on=date(2026, 6, 30),
            period_of_stay_days=365,
        ),
        form=ApplicationForm(procedure=Procedure.EXTENSION_OF_STAY),
        submitted_at=SUBMITTED_AT,
    )
