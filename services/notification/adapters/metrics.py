"""Notification's own metric: each answer of the mail server, by notice kind and outcome.

`notification_notices_total{kind,outcome}` counts answers, not notices: a notice postponed
twice and then sent counts twice `postponed` and once `sent`; a redelivered event whose
notice is already settled sends nothing and counts nothing.
"""

from typing import Any

from prometheus_client import CollectorRegistry, Counter

from services.notification.handlers.sending import Tally


def notice_tally(registry: CollectorRegistry) -> Tally:
    notices = Counter(
        "notification_notices",
        "Answers of the mail server, by notice kind and outcome (sent, failed for good, postponed to a retry).",
        ["kind", "outcome"],
        registry=registry,
    )
    children: dict[tuple[str, str], Any] = {}  # kinds and outcomes are a handful: each child is looked up once

    def tally(kind: str, outcome: str) -> None:
        child = children.get((kind, outcome))
        if child is None:
            child = children[kind, outcome] = notices.labels(kind, outcome)
        child.inc()

    return tally
