"""What reporting shows about the system: a point-in-time snapshot of its figures.

Counters are the running totals reporting folds from the events it consumes (see
`services/reporting/domain/figures.py` for the names and labels); the snapshot adds
figures read at the moment it was taken.
"""

from datetime import datetime

from pydantic import Field

from contracts.base import Payload


class CounterValue(Payload):
    """One labelled series and its current total."""

    name: str
    labels: dict[str, str] = Field(default_factory=dict)
    value: int


class FiguresSnapshot(Payload):
    """Every counter, the approvals whose periodic report falls due soon, and how far behind each topic is."""

    taken_at: datetime
    counters: tuple[CounterValue, ...] = ()
    approvals_due_next_30_days: int = 0
    """Active approvals whose periodic report is due within 30 days, or overdue but not yet lapsed."""
    consumer_lag: dict[str, int] = Field(default_factory=dict)
    """Records not yet consumed by reporting, per topic name."""
    service_lag: dict[str, int] = Field(default_factory=dict)
    """Records each service has yet to consume, summed over its consumer groups (`<service>.<topic>`):
    the whole system's lag, per service. Added within v1; absent from older snapshots."""
