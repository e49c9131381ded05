"""The subscribers translate, delegate and log: ids and codes in every line, personal data in none."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

from chassis.cloudevents import Inbound
from contracts.application import FilerCategory
from contracts.organisations import ApprovalState
from services.eligibility.adapters.subscribers import on_approval_changed, on_received

from .factories import FILING_DATE, approval, baseline
from .service_fakes import Eligibility, approval_changed, received

STAFF = FilerCategory.ORGANISATION_STAFF


@pytest.fixture
def logs() -> Iterator[list[dict[str, Any]]]:
    """Info lines as the service writes them, bound context included (the test session logs warnings only)."""
    previous = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    try:
        with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as captured:
            yield captured
    finally:
        structlog.configure(**previous)


async def test_each_decision_is_logged_with_its_application_event_and_correlation_ids_and_nothing_personal(
    logs: list[dict[str, Any]],
) -> None:
    eligibility = Eligibility(approval(STAFF, state=ApprovalState.LAPSED, valid_until=FILING_DATE))
    event = received(baseline(STAFF), "event-a", application_id="app-a", correlation_id="corr-a")
    inbound = Inbound(id="event-a", type="t", source="/tests", data=event.payload, correlation_id="corr-a")

    await on_received(eligibility.assess)([inbound])

    [line] = [entry for entry in logs if entry["event"] == "application assessed"]
    assert line["application_id"] == "app-a"
    assert line["event_id"] == "event-a"
    assert line["correlation_id"] == "corr-a"
    assert line["reasons"] == ["approval_not_in_force"]
    text = repr(logs)
    for personal in ("Applicant", "Filer", "filer@example.jp", "1990"):
        assert personal not in text
    assert len(eligibility.publisher.published) == 1


async def test_approval_changes_are_projected_through_the_subscriber(logs: list[dict[str, Any]]) -> None:
    eligibility = Eligibility()
    inbound = Inbound(id="c-1", type="t", source="/tests", data=approval_changed(1))

    await on_approval_changed(eligibility.project)([inbound])

    assert [entry["event"] for entry in logs] == ["approval projected"]
    assert eligibility.approvals.records[f"approval-{STAFF.value}"].revision == 1
