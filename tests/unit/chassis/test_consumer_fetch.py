"""How every subscription's consumer asks the broker for records: a long poll answered at the first record."""

from typing import Any

from chassis.service import Service
from chassis.settings import DeliverySettings, ServiceSettings
from contracts.topics import EXAMINATION_DOCUMENTS_SUBMITTED as TOPIC


def consumer_options(delivery: DeliverySettings) -> dict[str, Any]:
    """The options the subscription's consumer is started with (FastStream keeps them until start)."""
    settings = ServiceSettings(
        kafka_bootstrap_servers="127.0.0.1:1", mongodb_uri="mongodb://127.0.0.1:1", delivery=delivery
    )
    service = Service("fetching", settings, outputs=())

    async def handle(events: Any) -> None:
        pass

    service.consume(TOPIC, handle)
    (subscriber,) = service.broker.subscribers
    options: dict[str, Any] = subscriber._connection_args  # type: ignore[attr-defined]
    return options


def test_an_idle_subscription_long_polls_for_seconds_not_kafkas_half_second() -> None:
    options = consumer_options(DeliverySettings())

    # Kafka's 500 ms had the broker answer ~50 fetches a second, mostly for the services' idle subscriptions.
    assert options["fetch_max_wait_ms"] >= 2_000
    # ...while a fetch is still answered at the first record, so the long poll adds no latency.
    assert options["fetch_min_bytes"] == 1


def test_the_long_poll_is_a_delivery_setting() -> None:
    assert consumer_options(DeliverySettings(fetch_max_wait_ms=250))["fetch_max_wait_ms"] == 250
