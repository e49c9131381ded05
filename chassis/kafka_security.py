"""How every Kafka client of the product authenticates: one place for TLS and SASL/SCRAM-SHA-512.

`client_options` gives the keyword arguments an aiokafka client (producer, consumer, admin) takes; a
service computes them once from its settings (`Service.kafka_security`), tools and harnesses pass nothing
and the environment is read (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE,
KAFKA_SSL_CAFILE: `chassis.settings.KafkaSecuritySettings`, whose password comes from its file like every
secret). PLAINTEXT (the default) adds nothing, so a plaintext broker is reached as before. docs/security.md.
"""

from typing import Any

from aiokafka.helpers import create_ssl_context
from faststream.security import BaseSecurity, SASLScram512

from chassis.settings import KafkaSecuritySettings

MECHANISM = "SCRAM-SHA-512"


def client_options(settings: KafkaSecuritySettings | None = None) -> dict[str, Any]:
    """aiokafka keyword arguments: nothing for PLAINTEXT, else TLS (verified against the CA file) and SCRAM."""
    settings = settings or KafkaSecuritySettings()
    if settings.kafka_security_protocol == "PLAINTEXT":
        return {}
    if not (settings.kafka_sasl_username and settings.kafka_sasl_password):
        raise ValueError("KAFKA_SECURITY_PROTOCOL=SASL_SSL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE")
    return {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": MECHANISM,
        "sasl_plain_username": settings.kafka_sasl_username,
        "sasl_plain_password": settings.kafka_sasl_password.get_secret_value(),
        "ssl_context": create_ssl_context(cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None),
    }


def broker_security(options: dict[str, Any]) -> BaseSecurity | None:
    """The same options, as FastStream's KafkaBroker takes them."""
    if not options:
        return None
    return SASLScram512(
        options["sasl_plain_username"], options["sasl_plain_password"], ssl_context=options["ssl_context"]
    )
