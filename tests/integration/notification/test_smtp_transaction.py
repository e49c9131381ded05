"""The mail transaction against a real SMTP server (aiosmtpd): what arrives is what `sendmail` delivers."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiosmtplib import SMTP, SMTPDataError, SMTPException, SMTPRecipientsRefused, SMTPSenderRefused

from services.notification.adapters import smtp_transaction
from services.notification.adapters.smtp_pool import SmtpConfig, SmtpPool
from tests.smtp_sink import SmtpSink

SENDER = "noreply@example.go.jp"
HEAD = b"From: <noreply@example.go.jp>\r\nSubject: dots\r\n\r\n"
BODIES = {
    "plain": HEAD + b"body\r\n",
    "lines starting with dots": HEAD + b".hidden\r\n..two\r\n.\r\nend\r\n",
    "a dot first of all": b".X-Odd: header\r\n" + HEAD + b"body\r\n",
    "no line break at the end": HEAD + b"last line",
    "bare line feeds": b"Subject: lf\n\n.dot\nbody\n",
    "a bare carriage return": HEAD + b"one\rtwo\r\n",
}


@asynccontextmanager
async def connected(host: str, port: int) -> AsyncIterator[SMTP]:
    """A greeted connection from the pool (aiosmtpd reads a handler's hooks when a connection opens)."""
    pool = SmtpPool(SmtpConfig(host=host, port=port, timeout=2.0, local_hostname="example.go.jp"))
    async with pool.connection() as client:
        yield client
    await pool.close()


@pytest.fixture
async def client(smtp_sink: SmtpSink) -> AsyncIterator[SMTP]:
    async with connected(smtp_sink.host, smtp_sink.port) as client:
        yield client


@pytest.mark.parametrize("data", BODIES.values(), ids=BODIES.keys())
async def test_the_server_receives_exactly_what_sendmail_would_deliver(
    smtp_sink: SmtpSink, client: SMTP, data: bytes
) -> None:
    assert await smtp_transaction.send(client, SENDER, ["a@example.com", "b@example.com"], data) == {}
    await client.sendmail(SENDER, ["a@example.com", "b@example.com"], data)
    ours, theirs = smtp_sink.messages
    assert ours.raw == theirs.raw
    envelope = ("mail_from", "rcpt_tos", "mail_options")
    assert [getattr(ours, name) for name in envelope] == [getattr(theirs, name) for name in envelope]


async def test_the_declared_size_is_the_message_as_transmitted(smtp_sink: SmtpSink, client: SMTP) -> None:
    data = BODIES["lines starting with dots"]
    await smtp_transaction.send(client, SENDER, ["a@example.com"], data)
    assert smtp_sink.messages[0].mail_options == (f"SIZE={len(data)}",)


async def test_a_refused_recipient_is_reported_and_the_others_get_the_message(smtp_sink: SmtpSink) -> None:
    async def handle_rcpt(_server: object, _session: object, envelope: object, address: str, _o: object) -> str:
        if address == "gone@example.com":
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"

    smtp_sink.handle_RCPT = handle_rcpt  # type: ignore[attr-defined]
    async with connected(smtp_sink.host, smtp_sink.port) as client:
        refused = await smtp_transaction.send(client, SENDER, ["gone@example.com", "a@example.com"], BODIES["plain"])
        assert {address: reply.code for address, reply in refused.items()} == {"gone@example.com": 550}
        assert smtp_sink.messages[0].rcpt_tos == ("a@example.com",)
        with pytest.raises(SMTPRecipientsRefused):
            await smtp_transaction.send(client, SENDER, ["gone@example.com"], BODIES["plain"])
        assert await smtp_transaction.send(client, SENDER, ["a@example.com"], BODIES["plain"]) == {}  # reset


async def test_a_refused_message_raises_and_the_connection_is_reset_for_the_next(
    smtp_sink: SmtpSink, client: SMTP
) -> None:
    smtp_sink.failure = "554 5.6.0 rejected"
    with pytest.raises(SMTPDataError, match="rejected"):
        await smtp_transaction.send(client, SENDER, ["a@example.com"], BODIES["plain"])
    smtp_sink.failure = None
    assert await smtp_transaction.send(client, SENDER, ["a@example.com"], BODIES["plain"]) == {}
    assert len(smtp_sink.messages) == 1


async def test_the_caller_is_told_once_the_end_is_written_before_the_server_answers(smtp_sink: SmtpSink) -> None:
    """From the end of the message on, the server may take it whatever becomes of its reply (RFC 1047)."""
    answer, told = asyncio.Event(), list[int]()

    async def handle_data(_server: object, _session: object, envelope: object) -> str:
        await answer.wait()
        return "250 OK"

    smtp_sink.handle_DATA = handle_data  # type: ignore[method-assign]
    async with connected(smtp_sink.host, smtp_sink.port) as client:
        recipients = ["a@example.com", "b@example.com"]
        sending = asyncio.create_task(smtp_transaction.send(client, SENDER, recipients, BODIES["plain"], told.append))
        for _ in range(2000):
            if told:
                break
            await asyncio.sleep(0.001)
        assert told == [0]
        assert not sending.done()
        answer.set()
        assert await sending == {}
    assert told == [0]


async def test_a_sender_the_server_refuses_raises(smtp_sink: SmtpSink) -> None:
    async def handle_mail(_server: object, _session: object, _envelope: object, _address: str, _o: object) -> str:
        return "553 5.7.1 sender not allowed"

    smtp_sink.handle_MAIL = handle_mail  # type: ignore[attr-defined]
    async with connected(smtp_sink.host, smtp_sink.port) as client:
        with pytest.raises(SMTPSenderRefused):
            await smtp_transaction.send(client, SENDER, ["a@example.com"], BODIES["plain"])
    assert smtp_sink.messages == []


async def test_an_address_that_needs_quoting_goes_through_sendmail(smtp_sink: SmtpSink, client: SMTP) -> None:
    await smtp_transaction.send(client, SENDER, ['"with space"@example.com'], BODIES["plain"])
    assert smtp_sink.messages[0].rcpt_tos == ('"with space"@example.com',)


async def test_a_server_that_knows_only_helo_is_greeted_with_helo() -> None:
    """RFC 5321 4.1.1.1: a client falls back to HELO when EHLO is not recognised; the transaction then has no SIZE."""
    commands: list[bytes] = []

    async def old_server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 old\r\n")
        while line := await reader.readline():
            commands.append(line.split(b" ")[0].strip().upper())
            if line.startswith(b"EHLO"):
                writer.write(b"500 5.5.1 command not recognised\r\n")
            elif line.startswith(b"DATA"):
                writer.write(b"354 go on\r\n")
                while await reader.readline() != b".\r\n":
                    pass
                writer.write(b"250 taken\r\n")
            else:
                writer.write(b"221 bye\r\n" if line.startswith(b"QUIT") else b"250 ok\r\n")

    server = await asyncio.start_server(old_server, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with connected("127.0.0.1", port) as old:
        assert await smtp_transaction.send(old, SENDER, ["a@example.com"], BODIES["plain"]) == {}
    server.close()
    assert commands == [b"EHLO", b"HELO", b"MAIL", b"RCPT", b"DATA", b"QUIT"]


async def test_an_address_outside_ascii_is_never_sent_in_a_mangled_form(smtp_sink: SmtpSink, client: SMTP) -> None:
    """It goes through `sendmail`, which cannot encode it without SMTPUTF8; nothing reaches any other mailbox."""
    with pytest.raises((SMTPException, UnicodeError)):
        await smtp_transaction.send(client, SENDER, ["ü@example.com"], BODIES["plain"])
    assert smtp_sink.messages == []
