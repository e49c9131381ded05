"""Figures in the Prometheus text exposition format (version 0.0.4), rendered purely.

Label values escape backslash, double quote and line feed; HELP text escapes backslash and
line feed (text exposition format, "Comments, help text, and type information"). Names are
checked rather than mangled, so a bad name fails loudly instead of producing a wrong series.
"""

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Final

from contracts.reporting import CounterValue, FiguresSnapshot
from services.reporting.domain.figures import METRICS, Metric, MetricKind

_METRIC_NAME: Final = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LABEL_NAME: Final = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")

SNAPSHOT_GAUGES: Final[Mapping[str, Metric]] = {
    "approvals_due_next_30_days": Metric(
        MetricKind.GAUGE, "Active approvals whose periodic report is due within 30 days or overdue."
    ),
    "consumer_lag_records": Metric(MetricKind.GAUGE, "Records reporting has yet to consume, per topic."),
}


def escape_label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _sample(name: str, labels: Mapping[str, str], value: int) -> str:
    for label in labels:
        if not _LABEL_NAME.match(label) or label.startswith("__"):
            raise ValueError(f"invalid label name {label!r} on {name}")
    if not labels:
        return f"{name} {value}"
    pairs = ",".join(f'{label}="{escape_label_value(labels[label])}"' for label in sorted(labels))
    return f"{name}{{{pairs}}} {value}"


def render_prometheus(snapshot: FiguresSnapshot) -> str:
    """Every series of the snapshot, grouped by metric with its HELP and TYPE, in a stable order."""
    series: dict[str, list[CounterValue]] = defaultdict(list)
    for counter in snapshot.counters:
        series[counter.name].append(counter)
    series["approvals_due_next_30_days"].append(
        CounterValue(name="approvals_due_next_30_days", value=snapshot.approvals_due_next_30_days)
    )
    for topic, lag in snapshot.consumer_lag.items():
        series["consumer_lag_records"].append(
            CounterValue(name="consumer_lag_records", labels={"topic": topic}, value=lag)
        )
    lines: list[str] = []
    for name in sorted(series):
        if not _METRIC_NAME.match(name):
            raise ValueError(f"invalid metric name {name!r}")
        metric = METRICS.get(name) or SNAPSHOT_GAUGES.get(name)
        if metric is not None:
            lines.append(f"# HELP {name} {escape_help(metric.help)}")
            lines.append(f"# TYPE {name} {metric.kind}")
        else:
            lines.append(f"# TYPE {name} untyped")
        ordered = sorted(series[name], key=lambda counter: sorted(counter.labels.items()))
        lines.extend(_sample(name, counter.labels, counter.value) for counter in ordered)
    return "\n".join(lines) + "\n"
