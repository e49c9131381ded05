"""The composition root: what reporting consumes, produces, runs and serves, and the ids it derives."""

import pytest

from contracts import topics
from contracts.organisations import ApprovalChange
from services.reporting.app import build
from services.reporting.handlers.outbox import change_id
from services.reporting.settings import ReportingSettings


@pytest.fixture
def settings() -> ReportingSettings:
    return ReportingSettings(kafka_bootstrap_servers="kafka:9092", mongodb_uri="mongodb://mongo:27017")


def test_reporting_consumes_the_bureau_and_the_figures_topics_and_publishes_changes_and_snapshots(
    settings: ReportingSettings,
) -> None:
    service = build(settings)
    assert {t.name for t in service.inputs} == {
        "bureau.approval-granted.v1",
        "bureau.periodic-report-accepted.v1",
        "bureau.staff-left.v1",
        "bureau.staff-added.v1",
        "bureau.approval-revoked.v1",
        "intake.application-received.v1",
        "intake.application-status-changed.v1",
        "intake.application-not-eligible.v1",
        "eligibility.application-assessed.v1",
        "notification.notice-sent.v1",
        "notification.notice-failed.v1",
        "reporting.approval-changed.v1",
    }
    assert set(service.publisher.topics) == {topics.REPORTING_APPROVAL_CHANGED.name, topics.REPORTING_FIGURES.name}
    paths = set(service.asgi().openapi()["paths"])
    assert {"/figures", "/metrics", "/dashboard", "/health/ready"} <= paths


def test_a_name_and_a_topic_prefix_keep_side_by_side_instances_apart(settings: ReportingSettings) -> None:
    service = build(settings, name="reporting-test", topic_prefix="t1.")
    assert service.name == "reporting-test"
    assert all(t.name.startswith("t1.") for t in service.inputs)
    assert set(service.publisher.topics) == {"t1.reporting.approval-changed.v1", "t1.reporting.figures.v1"}


def test_change_ids_are_the_same_for_the_same_cause_change_and_revision_and_differ_otherwise() -> None:
    same = change_id("event-1", ApprovalChange.GRANTED, 1)
    assert same == change_id("event-1", ApprovalChange.GRANTED, 1)
    assert (
        len(
            {
                same,
                change_id("event-2", ApprovalChange.GRANTED, 1),
                change_id("event-1", ApprovalChange.RENEWED, 1),
                change_id("event-1", ApprovalChange.GRANTED, 2),
            }
        )
        == 4
    )
