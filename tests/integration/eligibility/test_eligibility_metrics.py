"""On the real servers: eligibility's /metrics parses and has a lag reading for each of its groups."""

from contracts.topics import INTAKE_APPLICATION_RECEIVED, REPORTING_APPROVAL_CHANGED
from tests.integration.metrics_text import groups_with_lag, samples

from .harness import Harness


async def test_metrics_parse_and_every_group_has_its_lag(eligibility: Harness) -> None:
    async with eligibility.running() as client:
        found = samples((await client.get("/metrics")).text)
    inputs = (INTAKE_APPLICATION_RECEIVED, REPORTING_APPROVAL_CHANGED)
    assert groups_with_lag(found) == {eligibility.group(topic) for topic in inputs}
    assert found["service_ready", ()] == 1
