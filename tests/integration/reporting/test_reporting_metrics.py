"""On the real servers: reporting's /metrics (the chassis's metrics, then the figures) parses as one exposition."""

from tests.integration.metrics_text import groups_with_lag, samples
from tests.integration.reporting.reporting_harness import Reporting
from tests.running import running


async def test_metrics_and_figures_parse_together_and_every_group_has_its_lag(reporting: Reporting) -> None:
    service = reporting.service()
    async with running(service) as client:
        found = samples((await client.get("/metrics")).text)
    assert groups_with_lag(found) == {d.group_id for d in service.deliveries}
    assert found["service_ready", ()] == 1
    assert ("approvals_due_next_30_days", ()) in found  # the figures follow the chassis's metrics
