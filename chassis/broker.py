"""The FastStream Kafka broker every service consumes through."""

import logging
from typing import Any

import structlog
from faststream.kafka import KafkaBroker

from chassis.kafka_security import broker_security
from chassis.settings import ServiceSettings


def make_broker(service: str, settings: ServiceSettings, security: dict[str, Any]) -> KafkaBroker:
    """`security`: the service's `chassis.kafka_security.client_options`."""
    return KafkaBroker(
        settings.bootstrap_servers,
        client_id=service,
        security=broker_security(security),
        # Records are sent by the chassis' own producer (chassis.producer); FastStream only consumes.
        consumer_only=True,
        # Topics are provisioned explicitly; a typo must not create one.
        allow_auto_create_topics=False,
        graceful_timeout=settings.shutdown_grace_seconds,
        logger=structlog.get_logger("faststream"),
        # FastStream logs each message at this level: per-message lines would swamp a peak day.
        log_level=logging.DEBUG,
    )
