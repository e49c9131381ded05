"""Delivery settings for tests on the real servers: short waits, so a test sees an outage end and a parked
event come back within a second or so (production waits far longer between tries)."""

from chassis.settings import DeliverySettings

FAST_DELIVERY = DeliverySettings(
    batch_timeout_ms=20,
    retry_backoff_ms=20,
    retry_backoff_max_ms=200,
    park_retry_ms=50,
    park_retry_max_ms=200,
    park_release_interval_ms=50,
)
