"""End to end: `make demo` against a stack of the four services reaches acceptance, and does again.

The four services run in this process on the test servers, each on copies of every catalogue
topic under a prefix of the test's own (`build(..., topic_prefix=...)`), with its own service name
(consumer groups) and database, so nothing else on the broker reaches them; intake answers HTTP
on a free port, and the development SMTP sink (deploy/smtp/sink.py, as `make run` starts it)
stores their mail in the test's state folder. The demo runs as `make demo` runs it, in a process
of its own, pointed at this stack by the environment and DEMO_ARGS.
"""

import asyncio
import email
import email.policy
import os
import re
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import uvicorn
from aiokafka import AIOKafkaConsumer, TopicPartition
from pymongo import AsyncMongoClient

from chassis.clock import Clock
from chassis.kafka_security import client_options
from chassis.service import Service
from contracts.topics import CATALOGUE, REPORTING_APPROVAL_CHANGED
from deploy.demo.settings import DemoSettings
from deploy.smtp.sink import start as start_sink
from services.eligibility.app import build as build_eligibility
from services.eligibility.settings import EligibilitySettings
from services.intake.app import build as build_intake
from services.intake.settings import IntakeSettings
from services.notification.app import build as build_notification
from services.notification.settings import NotificationSettings
from services.reporting.app import build as build_reporting
from services.reporting.settings import ReportingSettings
from tests.integration.fast_delivery import FAST_DELIVERY
from tests.integration.kafka_helpers import create_topics, delete_topics
from tests.running import running
from tests.servers import Servers

REPO = Path(__file__).resolve().parents[2]
SECRET = "e2e-demo-secret-of-at-least-32-bytes"
RECEIPT_NUMBER = re.compile(r"receipt number (ON-\d{4}-\d{9}-\d{2})")
RECEIVED_MAIL = re.compile(r"Application received \(provisional number P-\d{8}-\d{8}\)")
SERVICES = ("intake", "eligibility", "notification", "reporting")


@dataclass(frozen=True)
class Stack:
    prefix: str
    intake_port: int
    state: Path

    @property
    def run(self) -> str:
        return self.prefix.rstrip(".")

    def name(self, service: str) -> str:
        return f"{service}-{self.run}"

    @property
    def messages(self) -> Path:
        return self.state / "smtp" / "messages"

    def demo_settings(self, kafka: str) -> DemoSettings:
        """The demo's settings pointed at this stack, for tests that drive it as `make demo` does."""
        return DemoSettings(
            intake_url=f"http://127.0.0.1:{self.intake_port}",
            kafka=kafka,
            jwt_secret=SECRET,
            mail_dir=self.messages,
            topic_prefix=self.prefix,
            eligibility_name=self.name("eligibility"),
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def services(
    stack: Stack, kafka: str, uri: str, smtp_port: int, notification_clock: Clock | None = None, **notification: Any
) -> dict[str, Service]:
    """`notification_clock` and `notification` (settings) let a test move notification's schedule."""
    common: dict[str, Any] = {"kafka_bootstrap_servers": kafka, "mongodb_uri": uri, "delivery": FAST_DELIVERY}
    database = {s: {"mongodb_database": stack.name(s).replace("-", "_")} for s in SERVICES}
    intake = IntakeSettings(
        **common,
        **database["intake"],
        jwt_secret=SECRET,
        http_port=stack.intake_port,
        outbox_relay_interval_seconds=0.2,
        outbox_grace_seconds=0.5,
    )
    eligibility = EligibilitySettings(**common, **database["eligibility"])
    notification_settings = NotificationSettings(
        **common,
        **database["notification"],
        mail_from="noreply@residence.example.jp",
        smtp_port=smtp_port,
        **notification,
    )
    reporting = ReportingSettings(**common, **database["reporting"])
    prefix = stack.prefix
    return {
        "intake": build_intake(intake, name=stack.name("intake"), topic_prefix=prefix),
        "eligibility": build_eligibility(eligibility, name=stack.name("eligibility"), topic_prefix=prefix),
        "notification": build_notification(
            notification_settings, clock=notification_clock, name=stack.name("notification"), topic_prefix=prefix
        ),
        "reporting": build_reporting(reporting, name=stack.name("reporting"), topic_prefix=prefix),
    }


@asynccontextmanager
async def serving(service: Service, port: int) -> AsyncIterator[None]:
    """The service under uvicorn on a real port, its whole lifespan included, as `python -m` runs it."""
    config = uvicorn.Config(service.asgi(), host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(60):
            while not server.started:
                if task.done():
                    task.result()
                    raise AssertionError("intake stopped during start-up")
                await asyncio.sleep(0.05)
        yield
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def the_stack(
    kafka: str,
    uri: str,
    mongo: AsyncMongoClient[dict[str, Any]],
    state: Path,
    notification_clock: Clock | None = None,
    **notification: Any,
) -> AsyncIterator[Stack]:
    stack = Stack(prefix=f"t{uuid.uuid4().hex[:10]}.", intake_port=free_port(), state=state)
    topics = [name for t in CATALOGUE for name in (t.prefixed(stack.prefix).name, t.prefixed(stack.prefix).dlq)]
    await create_topics(kafka, topics, partitions=1)
    stack.messages.mkdir(parents=True)
    smtp_port = free_port()
    sink = await start_sink("127.0.0.1", smtp_port, stack.messages)
    built = services(stack, kafka, uri, smtp_port, notification_clock, **notification)
    try:
        async with AsyncExitStack() as running_services:
            for name in ("reporting", "eligibility", "notification"):
                await running_services.enter_async_context(running(built[name]))
            await running_services.enter_async_context(serving(built["intake"], stack.intake_port))
            yield stack
    finally:
        sink.close()
        await sink.wait_closed()
        await delete_topics(kafka, topics)
        for service in SERVICES:
            await mongo.drop_database(stack.name(service).replace("-", "_"))


async def make_demo(stack: Stack, kafka: str) -> tuple[int, str, str]:
    """`make demo` pointed at the stack: returns its exit status, stdout and stderr."""
    arguments = f"--topic-prefix {stack.prefix} --eligibility-name {stack.name('eligibility')} --timeout 120"
    environment = {
        **os.environ,
        "INTAKE_PORT": str(stack.intake_port),
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "STATE_DIR": str(stack.state),
        "JWT_SECRET": SECRET,
    }
    process = await asyncio.create_subprocess_exec(
        "make",
        "--no-print-directory",
        "demo",
        f"DEMO_ARGS={arguments}",
        cwd=REPO,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=280)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def records_on(kafka: str, topic: str) -> int:
    """How many records the test's one-partition copy of `topic` holds."""
    partition = TopicPartition(topic, 0)
    consumer = AIOKafkaConsumer(**client_options(), bootstrap_servers=kafka, group_id=None)
    await consumer.start()
    try:
        end, start = await consumer.end_offsets([partition]), await consumer.beginning_offsets([partition])
    finally:
        await consumer.stop()
    return int(end[partition] - start[partition])


def stored_mail(folder: Path) -> list[EmailMessage]:
    messages = []
    for file in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        messages.append(message)
    return messages


async def test_the_demo_reaches_acceptance_and_the_acceptance_email_is_sent_every_time_it_runs(
    kafka: str, servers: Servers, mongo_client: AsyncMongoClient[dict[str, Any]], tmp_path: Path
) -> None:
    async with the_stack(kafka, servers.mongodb_uri, mongo_client, tmp_path / "state") as stack:
        first = await make_demo(stack, kafka)
        again = await make_demo(stack, kafka)
        changes = await records_on(kafka, REPORTING_APPROVAL_CHANGED.prefixed(stack.prefix).name)

    receipts = []
    for status, out, err in (first, again):
        assert status == 0, f"make demo exited {status}\n{out}\n{err}"
        assert "(revision 1); eligibility holds it" in out  # the approval as first granted
        assert "status under_examination" in out
        receipt = RECEIPT_NUMBER.search(out)
        assert receipt is not None, out
        receipts.append(receipt.group(1))
        assert f"Application accepted (receipt number {receipt.group(1)})" in out  # the e-mail, as printed
        assert RECEIVED_MAIL.search(out) is not None  # and the e-mail saying it was received
    assert receipts[0] != receipts[1], "each run files a new application"
    assert changes == 1, "the approval was granted once, however often the demo runs"

    accepted = {
        receipt: [m for m in stored_mail(stack.messages) if f"receipt number {receipt}" in str(m["Subject"])]
        for receipt in receipts
    }
    for receipt, messages in accepted.items():
        assert len(messages) == 1, f"one acceptance e-mail for {receipt}"
        recipients = str(messages[0]["X-Envelope-To"])
        assert "tanto@example.co.jp" in recipients  # the filer
        assert "an@example.com" in recipients  # and the applicant: it is the proof of a pending application
