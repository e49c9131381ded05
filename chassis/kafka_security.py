"""How every Kafka client of the product authenticates: one place for TLS and SASL/SCRAM-SHA-512.

`client_options` gives the keyword arguments an aiokafka client (producer, consumer, admin) takes; services
pass their settings, tools and harnesses pass nothing and the environment is read (KAFKA_SECURITY_PROTOCOL,
KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE, KAFKA_SSL_CAFILE). The password is read from its file and never
logged; PLAINTEXT (the default) adds nothing, so a plaintext broker is reached as before. docs/security.md.
"""

from pathlib import Path
from typing import Any, Literal, Protocol

from aiokafka.helpers import create_ssl_context
from faststream.security import BaseSecurity, SASLScram512
from pydantic_settings import BaseSettings, SettingsConfigDict

SecurityProtocol = Literal["PLAINTEXT", "SASL_SSL"]
MECHANISM = "SCRAM-SHA-512"


class KafkaSecurity(Protocol):
    kafka_security_protocol: SecurityProtocol
    kafka_sasl_username: str | None
    kafka_sasl_password_file: Path | None
    kafka_ssl_cafile: Path | None


class KafkaSecuritySettings(BaseSettings):
    """The same four settings as ServiceSettings', for clients that have no service settings (ops, bench)."""

    model_config = SettingsConfigDict(extra="ignore")

    kafka_security_protocol: SecurityProtocol = "PLAINTEXT"
    kafka_sasl_username: str | None = None
    kafka_sasl_password_file: Path | None = None
    kafka_ssl_cafile: Path | None = None


def read_secret(path: Path) -> str:
    """A secret from its file, without the trailing newline editors and `echo` leave."""
    return path.read_text(encoding="utf-8").strip()


def client_options(settings: KafkaSecurity | None = None) -> dict[str, Any]:
    """aiokafka keyword arguments: nothing for PLAINTEXT, else TLS (verified against the CA file) and SCRAM."""
    settings = settings or KafkaSecuritySettings()
    if settings.kafka_security_protocol == "PLAINTEXT":
        return {}
    if not (settings.kafka_sasl_username and settings.kafka_sasl_password_file):
        raise ValueError("KAFKA_SECURITY_PROTOCOL=SASL_SSL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE")
    return {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": MECHANISM,
        "sasl_plain_username": settings.kafka_sasl_username,
        "sasl_plain_password": read_secret(settings.kafka_sasl_password_file),
        "ssl_context": create_ssl_context(cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None),
    }


def broker_security(settings: KafkaSecurity | None = None) -> BaseSecurity | None:
    """The same, as FastStream's KafkaBroker takes it."""
    options = client_options(settings)
    if not options:
        return None
    return SASLScram512(
        options["sasl_plain_username"], options["sasl_plain_password"], ssl_context=options["ssl_context"]
    )
