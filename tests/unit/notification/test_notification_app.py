"""The composition root and settings: what the service consumes and produces, read from the environment."""

import ssl
from collections.abc import Sequence
from pathlib import Path

import pytest
import trustme
from pydantic import ValidationError

from chassis.errors import Refused, TransientError, Waiting
from contracts import topics as catalogue
from services.notification.adapters.subscribers import subscriber
from services.notification.app import build, smtp_config
from services.notification.handlers.leftovers import UnusableEventId
from services.notification.handlers.ports import EventsWaiting, Rejections, Source, TemporaryFailure
from services.notification.settings import NotificationSettings

SERVERS = {"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9", "MONGODB_URI": "mongodb://127.0.0.1:9"}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in SERVERS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MAIL_FROM", "在留申請 <noreply@example.go.jp>")
    return monkeypatch


def test_the_service_consumes_the_nine_notice_topics_and_produces_the_two_outcomes(
    environment: pytest.MonkeyPatch,
) -> None:
    service = build(NotificationSettings())
    assert [t.name for t in service.inputs] == [
        "intake.application-received.v1",
        "intake.application-accepted.v1",
        "intake.application-not-eligible.v1",
        "examination.documents-requested.v1",
        "intake.documents-submitted-online.v1",
        "examination.decision-made.v1",
        "examination.coe-issued.v1",
        "examination.card-dispatched.v1",
        "reporting.approval-changed.v1",
    ]
    assert service.publisher.topics == (
        catalogue.NOTIFICATION_NOTICE_SENT.name,
        catalogue.NOTIFICATION_NOTICE_FAILED.name,
    )


def test_a_name_and_a_topic_prefix_keep_side_by_side_services_apart(environment: pytest.MonkeyPatch) -> None:
    service = build(NotificationSettings(), name="notification-2", topic_prefix="t1.")
    assert service.name == "notification-2"
    assert all(t.name.startswith("t1.") for t in service.inputs)
    assert service.publisher.topics == ("t1.notification.notice-sent.v1", "t1.notification.notice-failed.v1")


def test_without_mail_from_the_service_does_not_start(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SERVERS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MAIL_FROM", raising=False)
    with pytest.raises(ValidationError, match="mail_from"):
        NotificationSettings()


def test_the_message_id_domain_defaults_to_the_senders_and_waits_grow_to_half_a_minute(
    environment: pytest.MonkeyPatch,
) -> None:
    settings = NotificationSettings()
    assert settings.mail_domain == "example.go.jp"
    assert (settings.smtp_max_connections, settings.smtp_starttls, settings.smtp_username) == (4, False, None)
    delivery = settings.delivery
    assert (delivery.retry_backoff_ms, delivery.retry_backoff_max_ms) == (500, 30_000)
    assert not hasattr(delivery, "retry_attempts")  # a transient failure is waited out for as long as it lasts


def test_smtp_and_retry_settings_come_from_the_environment(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("SMTP_HOST", "mail.example.jp")
    environment.setenv("SMTP_PORT", "587")
    environment.setenv("SMTP_STARTTLS", "true")
    environment.setenv("SMTP_USERNAME", "notification")
    environment.setenv("SMTP_PASSWORD", "pw-7f3a9c")
    environment.setenv("MESSAGE_ID_DOMAIN", "notice.example.jp")
    environment.setenv("DELIVERY_RETRY_BACKOFF_MAX_MS", "10000")
    environment.setenv("DELIVERY_RETRY_ATTEMPTS", "3")  # no longer a setting: ignored, as before any other unknown
    settings = NotificationSettings()
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == ("mail.example.jp", 587, True)
    assert settings.smtp_password is not None
    assert settings.smtp_password.get_secret_value() == "pw-7f3a9c"
    assert "pw-7f3a9c" not in repr(settings)
    assert settings.mail_domain == "notice.example.jp"
    assert (settings.delivery.retry_backoff_ms, settings.delivery.retry_backoff_max_ms) == (500, 10_000)


def test_the_smtp_ca_file_comes_from_the_environment_and_is_the_only_ca_trusted(
    environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environment.delenv("SMTP_CA_FILE", raising=False)
    assert NotificationSettings().smtp_ca_file is None
    ca_file = tmp_path / "relay-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca_file))
    environment.setenv("SMTP_STARTTLS", "true")
    environment.setenv("SMTP_CA_FILE", str(ca_file))
    settings = NotificationSettings()
    assert settings.smtp_ca_file == ca_file
    config = smtp_config(settings)
    assert (config.starttls, config.ca_file) == (True, ca_file)
    assert config.tls_context is not None
    assert (config.tls_context.verify_mode, config.tls_context.check_hostname) == (ssl.CERT_REQUIRED, True)
    assert len(config.tls_context.get_ca_certs()) == 1
    assert config.client().tls_context is config.tls_context


def test_with_starttls_and_no_ca_file_the_certificate_is_still_verified(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("SMTP_STARTTLS", "true")
    context = smtp_config(NotificationSettings()).tls_context
    assert context is not None
    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_REQUIRED, True)


def test_a_ca_file_without_starttls_is_refused(environment: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ca_file = tmp_path / "relay-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca_file))
    environment.setenv("SMTP_STARTTLS", "false")
    environment.setenv("SMTP_CA_FILE", str(ca_file))
    with pytest.raises(ValidationError, match="SMTP_STARTTLS is off"):
        NotificationSettings()


class Failing:
    """A notifier that fails every batch with `error`."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def handle(self, events: Sequence[Source], rejections: Rejections) -> None:
        raise self.error


@pytest.mark.parametrize(
    ("raised", "seen_by_the_chassis"),
    [
        (TemporaryFailure("451 4.3.0 try later"), TransientError),  # waited out, never dead-lettered
        (EventsWaiting({"evt-1": "the acceptance of application app-1"}), Waiting),  # parked
        (UnusableEventId("event id 'a/b' is not an Identifier"), Refused),  # dead-lettered, no traceback
    ],
)
async def test_the_subscriber_tells_the_chassis_what_the_notifiers_failures_mean(
    environment: pytest.MonkeyPatch, raised: Exception, seen_by_the_chassis: type[Exception]
) -> None:
    service = build(NotificationSettings())
    topic = catalogue.EXAMINATION_DECISION_MADE
    on_batch = subscriber(service, topic, Failing(raised))  # type: ignore[arg-type]
    with pytest.raises(seen_by_the_chassis) as seen:
        await on_batch([])
    assert seen.value.__cause__ is raised
    if isinstance(seen.value, Waiting):
        assert seen.value.waiting == {"evt-1": "the acceptance of application app-1"}
