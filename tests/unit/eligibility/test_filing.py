"""What the service hands `assess`: the Japan date of submission, and the filer's organisation's facts."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from contracts.organisations import OrganisationKind
from services.eligibility.domain import facts_for, filing_date

from .factories import ACME, approval


@pytest.mark.parametrize(
    ("submitted_at", "day"),
    [
        pytest.param(datetime(2025, 6, 1, 14, 59, 59, 999999, tzinfo=UTC), date(2025, 6, 1), id="23:59:59.999999-JST"),
        pytest.param(datetime(2025, 6, 1, 15, 0, tzinfo=UTC), date(2025, 6, 2), id="midnight-JST"),
        pytest.param(datetime(2025, 6, 2, 0, 0, tzinfo=timezone(timedelta(hours=9))), date(2025, 6, 2), id="JST"),
        pytest.param(datetime(2025, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=-7))), date(2025, 6, 2), id="PDT"),
        pytest.param(datetime(2025, 6, 1, 15, 0), date(2025, 6, 2), id="no-offset-read-as-UTC"),
    ],
)
def test_the_filing_date_is_the_calendar_day_in_japan(submitted_at: datetime, day: date) -> None:
    assert filing_date(submitted_at) == day


def test_facts_hold_only_the_filers_own_organisations_approvals_ordered_by_id() -> None:
    mine = [approval(approval_id="b"), approval(approval_id="a")]
    facts = facts_for(ACME, [*mine, approval(approval_id="c", organisation_id="org-other")])
    assert [a.approval_id for a in facts.approvals] == ["a", "b"]


def test_a_filer_without_an_organisation_has_no_facts() -> None:
    assert facts_for(None, [approval()]).approvals == ()


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        pytest.param([OrganisationKind.SUPERVISING_BODY, None], OrganisationKind.SUPERVISING_BODY, id="stated-once"),
        pytest.param([None], None, id="never-stated"),
        pytest.param(
            [OrganisationKind.SUPERVISING_BODY, OrganisationKind.IMPLEMENTING_ORGANISATION], None, id="contradictory"
        ),
    ],
)
def test_the_organisation_kind_is_the_one_its_approvals_state(
    kinds: list[OrganisationKind | None], expected: OrganisationKind | None
) -> None:
    approvals = [approval(approval_id=f"a{i}", organisation_kind=kind) for i, kind in enumerate(kinds)]
    assert facts_for(ACME, approvals).organisation_kind is expected
