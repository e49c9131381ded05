"""STARTTLS against a real SMTP server on loopback that requires it, with a CA and certificate made per test.

The sink (aiosmtpd) offers STARTTLS, refuses MAIL and AUTH before it, and presents a
certificate for 127.0.0.1 signed by a throwaway CA (trustme). The mailer trusts that
CA through `ca_file` (SMTP_CA_FILE), as it would a private relay's, and verifies the
certificate; any failure to upgrade is a temporary failure, never a plaintext send.
"""

import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from services.notification.adapters.mail.render import Renderer
from services.notification.adapters.mail.wire import message_bytes
from services.notification.adapters.smtp import SmtpMailer, SmtpTemporaryFailure
from services.notification.adapters.smtp_pool import SmtpConfig, SmtpPool
from services.notification.adapters.tariff import load_tariff
from services.notification.domain.contacts import NoticeContext, contact_from_received
from services.notification.handlers.ports import Delivered, Mail
from tests.smtp_sink import SmtpSink
from tests.unit.notification.samples import DOMAIN, SENDER, SENT_AT, not_eligible, only_notice, received

SERVER = "127.0.0.1"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "relay-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def other_ca_file(tmp_path: Path) -> Path:
    """A CA that signed nothing the server presents."""
    path = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
async def tls_sink(ca: trustme.CA, tmp_path: Path) -> AsyncIterator[SmtpSink]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(SERVER).configure_cert(context)
    sink = SmtpSink(tmp_path / "tls-mail", host=SERVER, tls_context=context)
    await sink.start()
    yield sink
    await sink.stop()


def mailer(sink: SmtpSink, **config: Any) -> SmtpMailer:
    values: dict[str, Any] = {
        "host": sink.host,
        "port": sink.port,
        "timeout": 2.0,
        "local_hostname": "example.go.jp",
        "starttls": True,
        "username": "notification",
        "password": "secret",
    }
    return SmtpMailer(SmtpPool(SmtpConfig(**(values | config))))


def notice_mail() -> Mail:
    """A planned notice rendered as the sender renders it: the bytes that go over SMTP."""
    notice = only_notice(not_eligible(), NoticeContext(tariff=load_tariff(), contact=contact_from_received(received())))
    message = Renderer().render(notice, sender=SENDER, message_id_domain=DOMAIN, date=SENT_AT)
    recipients = tuple(r.address for r in notice.recipients)
    return Mail(notice.notice_id, "noreply@example.go.jp", recipients, message_bytes(message))


async def test_a_notice_goes_over_starttls_with_auth_and_arrives_intact(tls_sink: SmtpSink, ca_file: Path) -> None:
    sender = mailer(tls_sink, ca_file=ca_file)
    mail = notice_mail()
    for _ in range(2):
        assert await sender.send(mail) == Delivered(accepted=len(mail.recipients))
    assert sender._pool.opened == 1  # the upgraded, logged-in connection is reused
    assert [m.authenticated for m in tls_sink.messages] == [True, True]
    assert all(m.tls for m in tls_sink.messages)
    first = tls_sink.messages[0]
    assert (first.mail_from, first.rcpt_tos) == ("noreply@example.go.jp", mail.recipients)
    assert first.raw.replace(b"\r\n", b"\n") == mail.data.replace(b"\r\n", b"\n")
    assert first.message["Message-ID"] == f"<evt-1+not_eligible@{DOMAIN}>"


async def test_a_certificate_the_ca_file_does_not_vouch_for_is_a_temporary_failure_and_nothing_is_sent(
    tls_sink: SmtpSink, other_ca_file: Path
) -> None:
    with pytest.raises(SmtpTemporaryFailure, match="mail server unavailable: SSLCertVerificationError"):
        await mailer(tls_sink, ca_file=other_ca_file).send(notice_mail())
    assert tls_sink.messages == []


async def test_the_system_trust_store_does_not_vouch_for_a_private_ca(tls_sink: SmtpSink) -> None:
    with pytest.raises(SmtpTemporaryFailure, match="SSLCertVerificationError"):
        await mailer(tls_sink).send(notice_mail())
    assert tls_sink.messages == []


async def test_a_certificate_for_another_host_is_refused(ca: trustme.CA, tmp_path: Path, ca_file: Path) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("mail.example.jp").configure_cert(context)
    sink = SmtpSink(tmp_path / "mail", host=SERVER, tls_context=context)
    await sink.start()
    try:
        with pytest.raises(SmtpTemporaryFailure, match="SSLCertVerificationError"):
            await mailer(sink, ca_file=ca_file).send(notice_mail())
        assert sink.messages == []
    finally:
        await sink.stop()


async def test_starttls_against_a_server_that_does_not_offer_it_is_a_temporary_failure(
    smtp_sink: SmtpSink, ca_file: Path
) -> None:
    sender = mailer(smtp_sink, ca_file=ca_file)
    with pytest.raises(SmtpTemporaryFailure, match="STARTTLS extension not supported"):
        await sender.send(notice_mail())
    assert not await sender.ping()
    assert smtp_sink.messages == []


async def test_the_readiness_ping_upgrades_and_logs_in_and_fails_with_the_wrong_ca(
    tls_sink: SmtpSink, ca_file: Path, other_ca_file: Path
) -> None:
    assert await mailer(tls_sink, ca_file=ca_file).ping()
    assert not await mailer(tls_sink, ca_file=other_ca_file).ping()


async def test_without_starttls_a_server_that_requires_it_refuses_the_message(tls_sink: SmtpSink) -> None:
    """The sink is strict, as a relay that requires TLS is: nothing goes over it in the clear."""
    with pytest.raises(SmtpTemporaryFailure):
        await mailer(tls_sink, starttls=False, username=None, password=None).send(notice_mail())
    assert tls_sink.messages == []


def test_a_missing_ca_file_stops_the_service_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        SmtpConfig(SERVER, 25, 2.0, "example.go.jp", starttls=True, ca_file=tmp_path / "absent.pem")
