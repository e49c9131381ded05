"""Settings every service reads from its environment (pydantic-settings).

Required values have no default, so a service missing one stops at start-up with
a message naming the variable instead of failing later on first use.
"""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DeliverySettings(BaseSettings):
    """How consumers batch, retry and dead-letter."""

    model_config = SettingsConfigDict(env_prefix="DELIVERY_", extra="ignore")

    max_records: int = Field(500, ge=1, le=10_000)
    """Records handed to one handler call; batching is what makes bulk writes possible."""
    batch_timeout_ms: int = Field(100, ge=1)
    retry_attempts: int = Field(5, ge=1)
    """Attempts for a transient failure before the records go to the dead-letter topic."""
    retry_backoff_ms: int = Field(200, ge=1)
    retry_backoff_max_ms: int = Field(5_000, ge=1)


class ServiceSettings(BaseSettings):
    """Base settings; each service subclasses it and adds its own."""

    model_config = SettingsConfigDict(extra="ignore")

    kafka_bootstrap_servers: str
    mongodb_uri: str
    mongodb_database: str | None = None
    """Defaults to the service's name: each service owns its own database."""
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    log_format: Literal["json", "console"] = "json"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    shutdown_grace_seconds: float = 15.0
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)

    def database_name(self, service: str) -> str:
        return self.mongodb_database or service
