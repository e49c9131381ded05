"""The special period on the acceptance event: consistent when present, and optional within v1."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from contracts.intake import ApplicationAccepted, SpecialPeriod

OLDER_ACCEPTANCE = {
    "application_id": "app-1",
    "provisional_number": "P-1",
    "receipt_number": "R-1",
    "procedure": "extension_of_stay",
    "accepted_at": datetime(2026, 3, 2, tzinfo=UTC).isoformat(),
    "parties": {
        "filer_id": "f-1",
        "filer_name": "Filer",
        "filer_email": "filer@example.org",
        "language": "ja",
        "applicant_name": "Applicant",
    },
    "period_of_stay_days": 365,
    "stay_expires_on": "2026-06-30",
}


def test_an_acceptance_published_before_the_special_period_was_carried_still_reads() -> None:
    assert ApplicationAccepted.model_validate(OLDER_ACCEPTANCE).special_period is None


def test_the_special_period_travels_on_the_acceptance() -> None:
    found = SpecialPeriod(applies=True, ends_on=date(2026, 8, 31))
    event = ApplicationAccepted.model_validate(OLDER_ACCEPTANCE | {"special_period": found.model_dump(mode="json")})
    assert ApplicationAccepted.model_validate_json(event.model_dump_json()).special_period == found


@pytest.mark.parametrize(
    "fields",
    [
        {"applies": True},
        {"applies": False, "ends_on": "2026-08-31"},
        {"applies": True, "ends_on": "2026-08-31", "short_stay": True},
    ],
    ids=["applies-without-a-last-day", "a-last-day-without-applying", "applies-to-a-short-stay"],
)
def test_a_special_period_that_contradicts_itself_is_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SpecialPeriod.model_validate(fields)
