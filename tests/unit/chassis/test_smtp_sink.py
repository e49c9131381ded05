"""The test SMTP server speaks real SMTP: a standard client can hand it a message."""

from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from tests.smtp_sink import SmtpSink


async def test_the_sink_receives_a_message_over_smtp_with_auth(tmp_path: Path) -> None:
    sink = SmtpSink(tmp_path)
    await sink.start()
    try:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.jp", "b@example.jp", "受付番号のお知らせ"
        message.set_content("本文")
        await aiosmtplib.send(
            message, hostname=sink.host, port=sink.port, username="u", password="p", start_tls=False, use_tls=False
        )
        assert sink.to("b@example.jp")[0].message["Subject"] == "受付番号のお知らせ"
        assert (tmp_path / "000001.eml").exists()
    finally:
        await sink.stop()
