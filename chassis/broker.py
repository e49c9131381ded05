"""The Kafka broker client every service uses, with our delivery settings."""

import logging

import structlog
from faststream.kafka import KafkaBroker

from chassis.settings import ServiceSettings


def make_broker(service: str, settings: ServiceSettings) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=service,
        # Durable, ordered, never doubled by the producer's own retries.
        acks="all",
        enable_idempotence=True,
        # A few milliseconds of lingering lets one request carry many records.
        linger_ms=5,
        max_batch_size=256 * 1024,
        # Topics are provisioned explicitly; a typo must not create one.
        allow_auto_create_topics=False,
        graceful_timeout=settings.shutdown_grace_seconds,
        logger=structlog.get_logger("faststream"),
        # FastStream logs each message at this level: per-message lines would swamp a peak day.
        log_level=logging.DEBUG,
    )
