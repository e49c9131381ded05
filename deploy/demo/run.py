"""The demo from start to end: approve, submit, follow, print."""

import time
from collections.abc import Callable
from datetime import datetime

from deploy.demo import approval, intake, mail, report
from deploy.demo.organisation import JAPAN
from deploy.demo.settings import DemoSettings

MTIME_SLACK_NS = 1_000_000_000
"""File times may lag the clock by a tick; a second earlier is safe (the numbers pick the messages)."""


async def run(settings: DemoSettings, say: Callable[[str], None]) -> bool:
    """Whether the application was accepted."""
    started_ns = time.time_ns()
    now = datetime.now(JAPAN)
    say(f"Granting the demo organisation's approval on {now.date()} and waiting until eligibility holds it ...")
    report.approval(say, await approval.grant_and_wait(settings, now.date()))
    say("Submitting the example of docs/intake-api.md and following it ...")
    view = await intake.submit_and_follow(settings, now)
    report.application(say, view)
    numbers = [n for n in (view.provisional_number, view.receipt_number) if n]
    found = mail.messages_about(settings.mail_dir, numbers, since_ns=started_ns - MTIME_SLACK_NS)
    report.mails(say, found, str(settings.mail_dir))
    return view.receipt_number is not None
