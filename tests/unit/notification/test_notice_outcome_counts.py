"""Each answer of the mail server is counted by notice kind and outcome, for /metrics."""

import pytest
from prometheus_client import CollectorRegistry

from services.notification.adapters.mail.render import Renderer
from services.notification.adapters.metrics import notice_tally
from services.notification.domain.postage import Tariff
from services.notification.handlers.ports import TemporaryFailure

from .notifier_fakes import source, wire
from .samples import accepted, not_eligible, received

FILER = "hanako@example.co.jp"


async def test_a_sent_a_refused_and_a_postponed_notice_are_each_counted_once(
    renderer: Renderer, tariff: Tariff
) -> None:
    counted: list[tuple[str, str]] = []
    w = wire(renderer, tariff, tally=lambda kind, outcome: counted.append((kind, outcome)))

    await w.handle(source(accepted(), "evt-acc"))
    await w.handle(source(accepted(), "evt-acc"))  # redelivered: nothing is sent, nothing counted
    w.mailer.permanent.add(FILER)
    await w.handle(source(not_eligible(), "evt-ne"))
    w.mailer.permanent.clear()
    w.mailer.temporary.add(FILER)
    with pytest.raises(TemporaryFailure):
        await w.handle(source(received(), "evt-rec"))

    assert counted == [
        ("application_accepted", "sent"),
        ("not_eligible", "failed"),
        ("submission_received", "postponed"),
    ]


def test_the_tally_counts_into_notification_notices_total() -> None:
    registry = CollectorRegistry()
    tally = notice_tally(registry)
    tally("application_accepted", "sent")
    tally("application_accepted", "sent")
    tally("not_eligible", "failed")
    value = registry.get_sample_value
    assert value("notification_notices_total", {"kind": "application_accepted", "outcome": "sent"}) == 2
    assert value("notification_notices_total", {"kind": "not_eligible", "outcome": "failed"}) == 1
