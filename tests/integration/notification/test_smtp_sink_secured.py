"""Notification against the development sink (deploy/smtp/sink.py) run as a secured relay: STARTTLS and AUTH.

The sink presents a certificate for 127.0.0.1 signed by a throwaway CA, refuses every
command but EHLO, NOOP, STARTTLS and QUIT before TLS, and takes only the login whose
password is in its password file. The service reads its own copy of that password
from SMTP_PASSWORD_FILE, as it does in compose, and trusts the CA through SMTP_CA_FILE.

A refused login (535) is permanent for that credential but says nothing about the
notice: it is a temporary failure, so notices wait (and readiness fails) until the
configuration is put right, and none is dropped for it (docs/security.md, "Mail server").
"""

import asyncio
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import pytest
import trustme

from services.notification.adapters.smtp import SmtpMailer, SmtpTemporaryFailure
from services.notification.adapters.smtp_pool import SmtpPool
from services.notification.app import smtp_config
from services.notification.handlers.ports import Delivered
from services.notification.settings import NotificationSettings
from tests.integration.notification.test_smtp_starttls import notice_mail
from tests.unit.deploy.test_smtp_sink import load_sink

SERVER = "127.0.0.1"
USER = "notification"
PASSWORD = "mail-relay-Passw0rd"


@pytest.fixture(scope="module")
def sink() -> ModuleType:
    return load_sink()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o600)
    return path


async def started(sink: ModuleType, directory: Path, **options: object) -> tuple[int, asyncio.Server]:
    server: asyncio.Server = await sink.start(SERVER, 0, directory, **options)
    return server.sockets[0].getsockname()[1], server


@pytest.fixture
async def relay(sink: ModuleType, ca: trustme.CA, tmp_path: Path) -> AsyncIterator[tuple[int, Path]]:
    """The sink with STARTTLS required and AUTH against its password file; yields its port and mail folder."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(SERVER).configure_cert(context)
    password_file = write(tmp_path / "sink-password", PASSWORD + "\n")
    (tmp_path / "mail").mkdir()
    port, server = await started(
        sink, tmp_path / "mail", tls_context=context, login=(USER, sink.read_password(password_file))
    )
    yield port, tmp_path / "mail"
    server.close()


def settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ca: trustme.CA, port: int, password: str, starttls: bool = True
) -> NotificationSettings:
    ca_file = tmp_path / "relay-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.delenv("SMTP_PASSWORD", raising=False)
    monkeypatch.setenv("SMTP_PASSWORD_FILE", str(write(tmp_path / "smtp-password", password + "\n")))
    values = {"SMTP_HOST": SERVER, "SMTP_PORT": str(port), "SMTP_USERNAME": USER, "SMTP_TIMEOUT": "2"}
    values |= {"SMTP_STARTTLS": str(starttls).lower(), "MAIL_FROM": "noreply@example.go.jp"}
    if starttls:
        values["SMTP_CA_FILE"] = str(ca_file)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return NotificationSettings(kafka_bootstrap_servers="unused:9092", mongodb_uri="mongodb://unused")  # type: ignore[arg-type]


def mailer(configured: NotificationSettings) -> SmtpMailer:
    return SmtpMailer(SmtpPool(smtp_config(configured)))


async def test_a_notice_goes_over_starttls_logged_in_with_the_password_from_its_file(
    relay: tuple[int, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ca: trustme.CA
) -> None:
    port, mail_folder = relay
    sender = mailer(settings(monkeypatch, tmp_path, ca, port, PASSWORD))
    mail = notice_mail()
    assert await sender.send(mail) == Delivered(accepted=len(mail.recipients))
    assert await sender.ping()
    assert len(list(mail_folder.glob("*.eml"))) == 1


async def test_a_wrong_password_is_a_temporary_failure_so_notices_wait_and_readiness_fails(
    relay: tuple[int, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ca: trustme.CA
) -> None:
    port, mail_folder = relay
    sender = mailer(settings(monkeypatch, tmp_path, ca, port, "not-the-password"))
    with pytest.raises(SmtpTemporaryFailure, match="SMTPAuthenticationError"):
        await sender.send(notice_mail())
    assert not await sender.ping()
    assert not list(mail_folder.glob("*.eml"))


async def test_without_a_login_the_relay_refuses_the_message_and_it_waits(
    relay: tuple[int, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ca: trustme.CA
) -> None:
    port, mail_folder = relay
    configured = settings(monkeypatch, tmp_path, ca, port, PASSWORD)
    anonymous = SmtpMailer(SmtpPool(smtp_config(configured.model_copy(update={"smtp_username": None}))))
    with pytest.raises(SmtpTemporaryFailure):
        await anonymous.send(notice_mail())
    assert not list(mail_folder.glob("*.eml"))


async def test_a_server_without_starttls_is_refused_when_starttls_is_required_and_nothing_goes_in_clear(
    sink: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ca: trustme.CA
) -> None:
    (tmp_path / "plain").mkdir()
    port, server = await started(sink, tmp_path / "plain")
    try:
        sender = mailer(settings(monkeypatch, tmp_path, ca, port, PASSWORD))
        with pytest.raises(SmtpTemporaryFailure, match="STARTTLS extension not supported"):
            await sender.send(notice_mail())
        assert not list((tmp_path / "plain").glob("*.eml"))
    finally:
        server.close()


def test_the_password_shows_in_no_repr_of_the_settings_or_the_connection_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ca: trustme.CA
) -> None:
    configured = settings(monkeypatch, tmp_path, ca, 1025, PASSWORD)
    assert configured.smtp_password is not None
    assert configured.smtp_password.get_secret_value() == PASSWORD
    shown = [repr(configured), configured.model_dump_json(), repr(smtp_config(configured))]
    assert not [text for text in shown if PASSWORD in text]
