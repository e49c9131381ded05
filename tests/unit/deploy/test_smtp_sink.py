"""The development SMTP sink (deploy/smtp/sink.py) keeps exactly what a client sent.

Its DATA phase and address parsing replace aiosmtpd's for speed, so these tests hold
them to the same results: the stored bytes equal the message a standard client hands
over, whatever its dots and line lengths, and the protocol's limits still answer.
"""

import asyncio
import importlib.util
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import aiosmtplib
import pytest
from aiosmtpd.smtp import SMTP

REPO = Path(__file__).resolve().parents[3]


def load_sink() -> ModuleType:
    spec = importlib.util.spec_from_file_location("smtp_sink_script", REPO / "deploy" / "smtp" / "sink.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


sink = load_sink()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[int, Path]]:
    started = await sink.start("127.0.0.1", 0, tmp_path)
    port = started.sockets[0].getsockname()[1]
    try:
        yield port, tmp_path
    finally:
        started.close()
        await started.wait_closed()


def stored(directory: Path) -> list[bytes]:
    """Each stored message without the two envelope headers the sink puts first."""
    files = sorted(directory.glob("*.eml"), key=lambda f: f.name)
    return [f.read_bytes().split(b"\r\n", 2)[2] for f in files]


BODIES = {
    "dots at line starts": b"Subject: dots\r\n\r\n.leading\r\n..two\r\n.\r\nafter a lone dot\r\nend.\r\n",
    "blank first line": b"\r\n.\r\nx\r\n",
    "a long run without any dot": b"Subject: long\r\n\r\n" + (b"A" * 76 + b"\r\n") * 200,
    "lines ending in a dot": b"Subject: s\r\n\r\n" + b"Sentence.\r\n" * 50,
    "998-character lines": b"Subject: wide\r\n\r\n" + (b"W" * 998 + b"\r\n") * 3,
    "UTF-8 text": "Subject: 受付\r\n\r\n在留カード.\r\n.続き\r\n".encode(),
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
async def test_the_stored_message_is_the_one_the_client_sent(server: tuple[int, Path], body: bytes) -> None:
    port, directory = server
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port) as client:
        await client.sendmail("from@example.jp", ["to@example.jp", "cc@example.jp"], body)
    [message] = stored(directory)
    assert message == body


async def test_one_connection_carries_many_messages(server: tuple[int, Path]) -> None:
    port, directory = server
    bodies = [f"Subject: {i}\r\n\r\n.{i}\r\n".encode() for i in range(20)]
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port) as client:
        for body in bodies:
            await client.sendmail("from@example.jp", ["to@example.jp"], body)
    assert sorted(stored(directory)) == sorted(bodies)


async def converse(port: int, lines: list[bytes]) -> list[bytes]:
    """Sends each line raw and collects the reply to it (greeting first)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    replies = [await reader.readline()]
    for line in lines:
        writer.write(line)
        await writer.drain()
        reply = await reader.readline()
        while reply[3:4] == b"-":  # a multi-line reply (EHLO)
            reply = await reader.readline()
        replies.append(reply)
    writer.close()
    return replies


async def test_an_over_long_line_is_refused_and_the_session_goes_on(server: tuple[int, Path]) -> None:
    port, directory = server
    envelope = [b"EHLO test\r\n", b"MAIL FROM:<a@example.jp>\r\n", b"RCPT TO:<b@example.jp>\r\n", b"DATA\r\n"]
    too_long = b"X" * 1001 + b"\r\n.\r\n"
    replies = await converse(port, [*envelope, too_long, *envelope[1:], b"fine\r\n.\r\n"])
    assert replies[5].startswith(b"500 ")
    assert replies[-1].startswith(b"250 ")
    assert stored(directory) == [b"fine\r\n"]


async def test_data_needs_a_recipient(server: tuple[int, Path]) -> None:
    port, _ = server
    replies = await converse(port, [b"EHLO test\r\n", b"MAIL FROM:<a@example.jp>\r\n", b"DATA\r\n"])
    assert replies[-1].startswith(b"503 ")


PATHS = [
    "<a@example.jp>",
    " <a.b+tag@mail.example.jp> SIZE=15200",
    "<user@example.jp> BODY=8BITMIME SMTPUTF8",
    "<a..b@example.jp>",
    "<.a@example.jp>",
    '<"quoted name"@example.jp>',
    "<ユーザー@example.jp>",
    "<a@[127.0.0.1]>",
    "a@example.jp",
    "<a@example.jp",
    "<a@example.jp> (comment) SIZE=1",
    "<a@example.jp>\tSIZE=1 ",
    "<>",
    "<a@b@example.jp>",
    "",
]


@pytest.mark.parametrize("path", PATHS)
def test_the_plain_path_parser_agrees_with_aiosmtpd(path: str) -> None:
    fast = sink.BulkDataSMTP(sink.SaveToDir(Path("/nonexistent")), hostname="t")
    assert fast._getaddr(path) == SMTP._getaddr(fast, path)


# The fault mode (--fail-file) the fault suite relies on: while the file exists every message is answered
# with its first line (a 4xx) and nothing is stored; once it is gone the same connection is served again.
async def test_the_sink_answers_4xx_while_its_fail_file_exists_and_stores_again_once_it_is_gone(
    tmp_path: Path,
) -> None:
    messages, flag = tmp_path / "messages", tmp_path / "fail-with"
    messages.mkdir()
    server = await sink.start("127.0.0.1", 0, messages, flag)
    port = server.sockets[0].getsockname()[1]
    try:
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port) as client:
            flag.write_text("452 4.3.1 Insufficient system storage\n")
            with pytest.raises(aiosmtplib.SMTPDataError) as refused:
                await client.sendmail("from@example.jp", ["to@example.jp"], b"Subject: one\r\n\r\nbody\r\n")
            assert (refused.value.code, refused.value.message) == (452, "4.3.1 Insufficient system storage")

            flag.write_text("")
            with pytest.raises(aiosmtplib.SMTPDataError) as default:
                await client.sendmail("from@example.jp", ["to@example.jp"], b"Subject: two\r\n\r\nbody\r\n")
            assert default.value.code == 451
            assert list(messages.glob("*.eml")) == []

            flag.unlink()
            await client.sendmail("from@example.jp", ["to@example.jp"], b"Subject: three\r\n\r\nbody\r\n")
        [stored] = messages.glob("*.eml")
        assert b"Subject: three" in stored.read_bytes()
    finally:
        server.close()
        await server.wait_closed()
