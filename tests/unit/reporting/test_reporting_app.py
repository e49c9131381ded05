"""The composition root: what reporting consumes, produces, runs and serves, and the ids it derives."""

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from chassis.cloudevents import Inbound
from chassis.errors import TransientError, Waiting
from contracts import topics
from contracts.organisations import ApprovalChange, StaffLeft
from services.reporting.adapters.subscribers import subscriber
from services.reporting.app import build
from services.reporting.handlers.outbox import change_id
from services.reporting.handlers.ports import AwaitingGrant, Conflict, Received
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
    app = service.asgi()
    assert {"/figures", "/metrics", "/dashboard", "/health/ready"} <= set(app.openapi()["paths"])
    metrics_routes = [r for r in app.routes if getattr(r, "path", None) == "/metrics"]
    assert len(metrics_routes) == 1, "the chassis's /metrics only: reporting's figures are added to it"


def test_a_name_and_a_topic_prefix_keep_side_by_side_instances_apart(settings: ReportingSettings) -> None:
    service = build(settings, name="reporting-test", topic_prefix="t1.")
    assert service.name == "reporting-test"
    assert all(t.name.startswith("t1.") for t in service.inputs)
    assert set(service.publisher.topics) == {"t1.reporting.approval-changed.v1", "t1.reporting.figures.v1"}


async def test_events_before_their_grant_are_handed_to_the_chassis_to_park_and_conflicts_to_retry() -> None:
    topic = topics.BUREAU_STAFF_LEFT
    left = StaffLeft(approval_id="approval-1", organisation_id="org-1", staff_id="s1", left_on=date(2026, 3, 1))
    event = Inbound[StaffLeft](id="e-left", type=topic.event_type, source="/bureau", data=left)
    seen: list[Received[Any]] = []

    async def early(events: Sequence[Received[Any]]) -> None:
        seen.extend(events)
        raise AwaitingGrant({"e-left": "the grant of approval approval-1"})

    async def conflicting(events: Sequence[Received[Any]]) -> None:
        raise Conflict("approval-1")

    with pytest.raises(Waiting) as waiting:
        await subscriber(topic, early)([event])
    assert waiting.value.waiting == {"e-left": "the grant of approval approval-1"}
    assert [(r.key, r.event_id, r.payload) for r in seen] == [(f"{topic.name}:e-left", "e-left", left)]
    with pytest.raises(TransientError):
        await subscriber(topic, conflicting)([event])


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
