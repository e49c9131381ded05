"""Notification's settings, read from the environment.

The SMTP server is reached with the `SMTP_*` values; `MAIL_FROM` has no default
because a notice from a made-up sender is worse than a service that will not start.
Waiting out a transient failure is the chassis's (`DELIVERY_RETRY_BACKOFF_*`): it lasts
as long as the failure does, with no attempt limit. The waits grow to a longer cap here
than elsewhere: a mail server being restarted is the outage this service meets most,
and trying it every few seconds throughout would only fill the log.
"""

from pathlib import Path

from pydantic import Field, SecretStr, model_validator

from chassis.settings import DeliverySettings, ServiceSettings
from contracts.application import Language
from services.notification.adapters.tariff import DEFAULT_TARIFF_PATH


class NotificationSettings(ServiceSettings):
    mail_from: str
    """`noreply@example.go.jp` or `Name <noreply@example.go.jp>`: the From header and envelope sender."""
    message_id_domain: str | None = None
    """The right-hand side of every Message-ID (and the EHLO name); defaults to MAIL_FROM's domain."""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_username: str | None = None
    """With SMTP_PASSWORD: AUTH after connecting (and after STARTTLS, when that is on)."""
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    """STARTTLS right after connecting, before AUTH; a server that does not offer it is a temporary failure."""
    smtp_ca_file: Path | None = None
    """A PEM bundle of the CAs that sign the mail server's certificate (a private relay's), trusted instead of the
    system's trust store; unset: the system's. The certificate is always verified; there is no way to turn that off."""
    smtp_timeout: float = Field(10.0, gt=0)
    """Seconds for connecting and for each SMTP reply; a timeout is a temporary failure."""
    smtp_max_connections: int = Field(4, ge=1, le=64)
    """Connections kept open and used at once: the bound on concurrent sends."""
    smtp_reuse_check_seconds: float = Field(5.0, ge=0)
    """An idle connection older than this is checked with NOOP before a message goes over it."""
    smtp_idle_close_seconds: float = Field(60.0, gt=0)
    """Idle connections are closed after this long (servers drop them after a few minutes anyway)."""
    smtp_ready_timeout: float = Field(2.0, gt=0)
    tariff_path: Path = DEFAULT_TARIFF_PATH
    organisation_language: Language = "ja"
    """The language organisation notices open with; the contracts give staff no language."""
    documents_reminder_days_before: int = Field(3, ge=0, le=60)
    """A documents request not answered online is reminded of this many days before its last day (0: on it)."""
    documents_reminder_interval_seconds: float = Field(600.0, gt=0)
    """How often the reminder check runs; it runs at start too, so reminders missed while down go out then."""
    delivery: DeliverySettings = Field(default_factory=lambda: NoticeDelivery())

    @model_validator(mode="after")
    def _ca_file_needs_starttls(self) -> "NotificationSettings":
        if self.smtp_ca_file is not None and not self.smtp_starttls:
            # A CA for a server we then talk to in the clear is a configuration mistake, not a choice.
            raise ValueError("SMTP_CA_FILE is set but SMTP_STARTTLS is off: mail would go unencrypted")
        return self

    @property
    def mail_domain(self) -> str:
        return self.message_id_domain or self.mail_from.rsplit("@", 1)[-1].strip(" >")


class NoticeDelivery(DeliverySettings):
    """The chassis's delivery settings (still `DELIVERY_*`), with longer waits between attempts while a transient
    failure lasts: 0.5, 1, 2, 4, 8, 16, then every 30 seconds. The same waits apply to recording a notice's outcome
    while the database is away (`app.persist`)."""

    retry_backoff_ms: int = Field(500, ge=1)
    retry_backoff_max_ms: int = Field(30_000, ge=1)
