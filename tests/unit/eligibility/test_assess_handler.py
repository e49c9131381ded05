"""Deciding received applications: once per source event, republished alike, from the projection."""

from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.application import FilerCategory
from contracts.organisations import ApprovalState
from services.eligibility.domain import OrganisationKind
from services.eligibility.handlers.assess import decision_event_id

from .factories import ACME, FILING_DATE, approval, baseline, changed, status
from .service_fakes import NOW, Eligibility, received

STAFF = FilerCategory.ORGANISATION_STAFF


async def test_a_received_application_is_decided_stored_and_published_under_an_id_derived_from_its_event() -> None:
    eligibility = Eligibility(approval(STAFF))
    event = received(baseline(STAFF), "event-a", application_id="app-a", correlation_id="corr-a")

    [outcome] = await eligibility.assess([event])

    decision = outcome.decision
    assert not outcome.repeated
    assert decision.assessed.application_id == "app-a"
    assert decision.assessed.eligible, decision.assessed.reasons
    assert decision.assessed.assessed_at == NOW
    assert decision.event_id == decision_event_id("event-a") != decision_event_id("event-b")
    assert decision.correlation_id == "corr-a"
    assert eligibility.decisions.stored == {"event-a": decision}
    assert eligibility.publisher.published == [decision]
    assert eligibility.decisions.reads == []  # new events cost no read: the insert tells what was decided before


async def test_a_redelivered_event_republishes_the_stored_decision_with_the_same_output_id() -> None:
    eligibility = Eligibility(approval(STAFF))
    event = received(baseline(STAFF), "event-a")
    [first] = await eligibility.assess([event])

    # Days later, after the approval was withdrawn: the decision taken for this event stands,
    # while a new event in the same batch is decided on today's projection.
    eligibility.clock.set(NOW + timedelta(days=3))
    eligibility.approvals.records.clear()
    again, new = await eligibility.assess([event, received(baseline(STAFF), "event-b")])

    assert again.repeated
    assert again.decision == first.decision
    assert [b[0] for b in eligibility.publisher.batches] == [first.decision, first.decision]
    assert eligibility.decisions.reads == [{"event-a"}]
    assert not new.repeated
    assert not new.decision.assessed.eligible


async def test_an_event_twice_in_one_batch_is_decided_and_published_once() -> None:
    eligibility = Eligibility(approval(STAFF))
    event = received(baseline(STAFF), "event-a")

    outcomes = await eligibility.assess([event, event])

    assert len(outcomes) == 1
    assert len(eligibility.publisher.published) == 1


async def test_a_decision_a_concurrent_instance_stored_first_is_published_instead_of_ours() -> None:
    eligibility = Eligibility(approval(STAFF))
    event = received(baseline(STAFF), "event-a")
    rival = Eligibility()  # another instance, whose projection had not seen the approval yet
    [theirs] = await rival.assess([event])
    eligibility.decisions.rival = rival.decisions.stored

    [outcome] = await eligibility.assess([event])

    assert outcome.repeated
    assert outcome.decision == theirs.decision
    assert not outcome.decision.assessed.eligible
    assert eligibility.publisher.published == [theirs.decision]


async def test_approvals_are_read_once_per_batch_for_the_filers_organisations_only() -> None:
    eligibility = Eligibility(approval(STAFF), approval(STAFF, approval_id="other", organisation_id="org-other"))
    individual = baseline(FilerCategory.FOREIGN_NATIONAL)

    outcomes = await eligibility.assess([received(baseline(STAFF)), received(baseline(STAFF)), received(individual)])

    assert [o.decision.assessed.eligible for o in outcomes] == [True, True, True]
    assert eligibility.approvals.lookups == [{ACME}]


@pytest.mark.parametrize(
    ("submitted_at", "rules_date", "version"),
    [
        pytest.param(datetime(2025, 3, 31, 14, 59, 59, tzinfo=UTC), date(2025, 3, 31), "2024-01-01", id="23:59:59-JST"),
        pytest.param(datetime(2025, 3, 31, 15, 0, 0, tzinfo=UTC), date(2025, 4, 1), "2025-04-01", id="00:00:00-JST"),
    ],
)
async def test_the_rules_in_force_on_the_japan_date_of_submission_apply(
    submitted_at: datetime, rules_date: date, version: str
) -> None:
    application = baseline(STAFF).model_copy(update={"submitted_at": submitted_at})

    [outcome] = await Eligibility(approval(STAFF)).assess([received(application)])

    assert outcome.decision.assessed.rules_date == rules_date
    assert outcome.decision.assessed.ruleset_version == version


async def test_a_filing_date_no_rule_set_covers_is_decided_not_eligible_with_the_reason_and_published() -> None:
    eligibility = Eligibility(approval(STAFF))
    too_early = baseline(STAFF).model_copy(update={"submitted_at": datetime(2020, 1, 6, tzinfo=UTC)})

    fine, early = await eligibility.assess([received(baseline(STAFF), "event-a"), received(too_early, "event-b")])

    assert fine.decision.assessed.eligible
    assessed = early.decision.assessed
    assert not assessed.eligible
    assert [reason.code for reason in assessed.reasons] == ["no_rules_in_force"]
    assert "2020-01-06" in assessed.reasons[0].message_en
    assert "2020-01-06" in assessed.reasons[0].message_ja
    assert (assessed.ruleset_version, assessed.rules_date) == ("none", date(2020, 1, 6))
    assert set(eligibility.decisions.stored) == {"event-a", "event-b"}
    assert eligibility.publisher.published == [fine.decision, early.decision]


async def test_an_event_decided_before_is_republished_even_if_no_rule_set_covers_its_date_any_more() -> None:
    eligibility = Eligibility(approval(STAFF))
    [first] = await eligibility.assess([received(baseline(STAFF), "event-a")])
    shifted = baseline(STAFF).model_copy(update={"submitted_at": datetime(2020, 1, 6, tzinfo=UTC)})

    [again] = await eligibility.assess([received(shifted, "event-a")])  # as if the rule files had changed since

    assert again.repeated
    assert again.decision == first.decision


async def test_the_organisation_kind_on_the_approval_decides_supervised_technical_intern_training() -> None:
    intern = changed(baseline(STAFF), applicant={"current_status": status("technical_intern_training", "supervised")})
    supervising = Eligibility(approval(STAFF, organisation_kind=OrganisationKind.SUPERVISING_BODY))
    implementing = Eligibility(approval(STAFF, organisation_kind=OrganisationKind.IMPLEMENTING_ORGANISATION))

    [allowed] = await supervising.assess([received(intern)])
    [refused] = await implementing.assess([received(intern)])

    assert allowed.decision.assessed.eligible, allowed.decision.assessed.reasons
    assert [r.code for r in refused.decision.assessed.reasons] == ["organisation_kind_not_allowed"]


async def test_an_approval_lapsed_on_the_filing_date_refuses_its_staff() -> None:
    eligibility = Eligibility(approval(STAFF, state=ApprovalState.LAPSED, valid_until=FILING_DATE))
    [outcome] = await eligibility.assess([received(baseline(STAFF))])
    assert [r.code for r in outcome.decision.assessed.reasons] == ["approval_not_in_force"]
