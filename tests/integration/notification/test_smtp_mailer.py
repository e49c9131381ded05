"""The SMTP adapter against a real SMTP server (aiosmtpd on loopback): replies sorted, connections reused."""

import asyncio
from typing import Any

import pytest

from chassis.errors import TransientError
from services.notification.adapters.smtp import SmtpMailer
from services.notification.adapters.smtp_pool import SmtpConfig, SmtpPool
from services.notification.handlers.ports import Delivered, Mail, Undeliverable
from tests.smtp_sink import SmtpSink

DATA = b"From: <noreply@example.go.jp>\r\nTo: <a@example.com>\r\nSubject: test\r\nMessage-ID: <x@y>\r\n\r\nbody\r\n"


def mailer(sink: SmtpSink, **config: Any) -> SmtpMailer:
    values: dict[str, Any] = {"host": sink.host, "port": sink.port, "timeout": 2.0, "local_hostname": "example.go.jp"}
    return SmtpMailer(SmtpPool(SmtpConfig(**(values | config))))


def mail(*recipients: str) -> Mail:
    return Mail("n-1:kind", "noreply@example.go.jp", recipients or ("a@example.com",), DATA)


def refuse(sink: SmtpSink, refused: set[str], reply: str = "550 5.1.1 no such user") -> None:
    """Makes the sink refuse these recipients at RCPT (and take the others)."""

    async def handle_rcpt(_server: Any, _session: Any, envelope: Any, address: str, _options: Any) -> str:
        if address in refused:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    sink.handle_RCPT = handle_rcpt  # type: ignore[attr-defined]


async def test_messages_arrive_byte_for_byte_over_one_reused_connection(smtp_sink: SmtpSink) -> None:
    sender = mailer(smtp_sink)
    for _ in range(3):
        assert await sender.send(mail("a@example.com", "b@example.com")) == Delivered(accepted=2)
    assert [m.rcpt_tos for m in smtp_sink.messages] == [("a@example.com", "b@example.com")] * 3
    assert smtp_sink.messages[0].raw.replace(b"\r\n", b"\n") == DATA.replace(b"\r\n", b"\n")
    assert sender._pool.opened == 1


async def test_concurrent_sends_never_use_more_connections_than_allowed(smtp_sink: SmtpSink) -> None:
    sender = mailer(smtp_sink, size=2)
    results = await asyncio.gather(*(sender.send(mail()) for _ in range(12)))
    assert results == [Delivered(accepted=1)] * 12
    assert sender._pool.opened == 2


async def test_a_temporary_refusal_is_a_transient_error_and_the_next_send_succeeds(smtp_sink: SmtpSink) -> None:
    sender = mailer(smtp_sink)
    smtp_sink.failure = "451 4.3.0 try later"
    with pytest.raises(TransientError, match=r"451 4\.3\.0 try later"):
        await sender.send(mail())
    smtp_sink.failure = None
    assert await sender.send(mail()) == Delivered(accepted=1)


async def test_a_permanent_refusal_is_a_value_with_the_reply_and_no_address(smtp_sink: SmtpSink) -> None:
    smtp_sink.failure = "554 5.7.1 <a@example.com> message refused"
    assert await mailer(smtp_sink).send(mail()) == Undeliverable("554 5.7.1 [address] message refused")


async def test_every_recipient_refused_for_good_is_undeliverable(smtp_sink: SmtpSink) -> None:
    refuse(smtp_sink, {"a@example.com", "b@example.com"})
    result = await mailer(smtp_sink).send(mail("a@example.com", "b@example.com"))
    assert result == Undeliverable("every recipient refused: 550 5.1.1 no such user")


async def test_a_recipient_refused_only_for_now_makes_the_whole_notice_wait(smtp_sink: SmtpSink) -> None:
    refuse(smtp_sink, {"a@example.com"}, reply="450 4.2.1 mailbox busy")
    with pytest.raises(TransientError, match="450"):
        await mailer(smtp_sink).send(mail("a@example.com"))


async def test_one_recipient_refused_among_others_is_delivered_to_the_rest(smtp_sink: SmtpSink) -> None:
    refuse(smtp_sink, {"b@example.com"})
    assert await mailer(smtp_sink).send(mail("a@example.com", "b@example.com")) == Delivered(accepted=1, refused=1)
    assert [m.rcpt_tos for m in smtp_sink.messages] == [("a@example.com",)]


async def test_an_unreachable_server_is_transient_and_the_mailer_connects_when_it_is_back(smtp_sink: SmtpSink) -> None:
    sender = mailer(smtp_sink)
    await smtp_sink.stop()
    assert not await sender.ping()
    with pytest.raises(TransientError, match="mail server unavailable: SMTPConnectError"):
        await sender.send(mail())
    await smtp_sink.start()
    assert await sender.ping()
    assert await sender.send(mail()) == Delivered(accepted=1)


async def test_a_pooled_connection_the_server_dropped_is_replaced_before_a_message_uses_it(smtp_sink: SmtpSink) -> None:
    sender = mailer(smtp_sink, reuse_check=0)
    await sender.send(mail())
    ((client, _),) = sender._pool._idle
    await client.quit()  # as a server does to an idle connection
    assert await sender.send(mail()) == Delivered(accepted=1)
    assert sender._pool.opened == 2


async def test_auth_without_starttls_logs_in_before_sending(smtp_sink: SmtpSink) -> None:
    sender = mailer(smtp_sink, username="notification", password="secret", starttls=False)
    assert await sender.ping()
    assert await sender.send(mail()) == Delivered(accepted=1)
    assert [m.authenticated for m in smtp_sink.messages] == [True]
