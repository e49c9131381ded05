"""Settings every service reads from its environment (pydantic-settings).

Required values have no default, so a service missing one stops at start-up with
a message naming the variable instead of failing later on first use.

Any value may instead be read from a file: `<NAME>_FILE` names the file whose text
(without surrounding whitespace, such as its final newline) is the value of `<NAME>`,
as compose secrets and Kubernetes secret volumes provide them. Secrets are given that
way, never on a command line (which any local user may read in `ps`), and are held as
`SecretStr`, which shows as `**********` in reprs, dumps and log lines.
"""

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict


class DeliverySettings(BaseSettings):
    """How consumers batch, retry and dead-letter."""

    model_config = SettingsConfigDict(env_prefix="DELIVERY_", extra="ignore")

    max_records: int = Field(500, ge=1, le=10_000)
    """Records handed to one handler call; batching is what makes bulk writes possible."""
    batch_timeout_ms: int = Field(100, ge=1)
    fetch_max_wait_ms: int = Field(2_000, ge=1, le=10_000)
    """How long the broker holds a consumer's fetch while no record is there for it. The fetch is answered as soon
    as one record arrives (the minimum is one byte), so a longer hold costs no latency: it only sets how often an
    idle subscription asks again. Kafka's default, 500 ms, had the broker answer about 50 fetches a second for the
    four services' 32 subscriptions, most of them idle at any moment. Kept well under the consumers' 40 s
    request timeout and short enough that a fetch left in flight by a rebalance (the broker answers one request per
    connection at a time) delays the new assignment's first fetch by at most this long."""
    retry_backoff_ms: int = Field(200, ge=1)
    """First wait after a transient failure; each further wait doubles, up to the cap. There is no attempt
    limit: a transient failure pauses the subscription for as long as it lasts."""
    retry_backoff_max_ms: int = Field(5_000, ge=1)
    max_poll_interval_ms: int = Field(3_600_000, ge=10_000)
    """How long a batch may be held (waiting out a transient failure) before the consumer counts as failed and
    leaves its group, so that another member takes the partitions and handles the batch again. Kafka's default of
    five minutes would let a longer database outage hand a batch still in progress to a second handler."""
    park_retry_ms: int = Field(500, ge=1)
    """A parked record is handed to its handler again after this long, then after doubling waits up to the cap."""
    park_retry_max_ms: int = Field(10_000, ge=1)
    park_max_wait_seconds: float = Field(7 * 24 * 3600, gt=0)
    """A record parked longer than this goes to the dead-letter topic with reason prerequisite_missing."""
    park_release_interval_ms: int = Field(500, ge=10)
    """How often parked records whose wait is over are looked for."""
    dead_letter_max_bytes: int = Field(1_032_192, ge=16_384, le=1_048_576)
    """The most one dead letter may weigh (a longer value is cut to fit): keep it under the dead-letter
    topics' max.message.bytes (1 MiB by default) and the producer's 1 MiB request limit."""


class FileValues(PydanticBaseSettingsSource):
    """`<NAME>_FILE` variables: each names a file holding the value of `<NAME>`."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        raise NotImplementedError  # __call__ reads every field at once

    def __call__(self) -> dict[str, Any]:
        prefix = str(self.config.get("env_prefix", "")).upper()
        values: dict[str, Any] = {}
        for name in self.settings_cls.model_fields:
            variable = f"{prefix}{name}".upper()
            path = os.environ.get(f"{variable}_FILE")
            if path is None:
                continue
            if variable in os.environ:
                # Which one would win is a guess the operator should not have to make.
                raise ValueError(f"{variable} and {variable}_FILE are both set: give one")
            try:
                values[name] = Path(path).read_text(encoding="utf-8").strip()
            except OSError as error:  # the message names the file, never its content
                raise ValueError(f"{variable}_FILE: cannot read {path}: {error.strerror}") from None
        return values


class FileSettings(BaseSettings):
    """Settings whose values may also come from files (`<NAME>_FILE`, `FileValues`)."""

    model_config = SettingsConfigDict(extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, FileValues(settings_cls), dotenv_settings, file_secret_settings


class KafkaSecuritySettings(FileSettings):
    """How a Kafka client authenticates (chassis.kafka_security, docs/security.md); tools and harnesses
    without service settings read these alone."""

    kafka_security_protocol: Literal["PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    """SASL_SSL: TLS and SCRAM-SHA-512 as the principal below."""
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    """The principal's SCRAM password: KAFKA_SASL_PASSWORD_FILE, never a command line."""
    kafka_ssl_cafile: Path | None = None
    """The CA that signed the broker's certificate; the system's trust store when unset."""


class ServiceSettings(KafkaSecuritySettings):
    """Base settings; each service subclasses it and adds its own."""

    kafka_bootstrap_servers: str
    mongodb_uri: SecretStr
    """A secret, since it may carry a user and password (MONGODB_URI_FILE); or keep it plain and give those apart."""
    mongodb_username: str | None = None
    """The service's database user (one per service, with access to its own database only; docs/security.md)."""
    mongodb_password: SecretStr | None = None
    """The database user's password: MONGODB_PASSWORD_FILE."""
    mongodb_database: str | None = None
    """Defaults to the service's name: each service owns its own database."""
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    log_format: Literal["json", "console"] = "json"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    shutdown_grace_seconds: float = 15.0
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)

    @property
    def bootstrap_servers(self) -> list[str]:
        """KAFKA_BOOTSTRAP_SERVERS as a list: FastStream takes a string for one `host:port`, not a comma list."""
        return [server.strip() for server in self.kafka_bootstrap_servers.split(",") if server.strip()]

    def database_name(self, service: str) -> str:
        return self.mongodb_database or service
