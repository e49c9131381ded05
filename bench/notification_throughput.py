"""Notices per second, end to end: `uv run python bench/notification_throughput.py [--count 5000]`.

Pre-produces N ApplicationAccepted events (each notice goes to filer and applicant: two
recipients; its planning reads the application's receipt from the contacts projection),
or with `--event received` N ApplicationReceived events (bench/_samples.py, realistic
size; one recipient, no read), on scratch copies of notification's topics, then runs the whole service
in-process (real Kafka, FerretDB and SMTP) and measures from the first message handed to
the mail server until every NoticeSent is acknowledged by the broker and every input
offset committed. Joining the consumer groups comes before that and is printed apart.

The mail server is the project's SMTP sink (`deploy/smtp/sink.py`: aiosmtpd, one .eml
file per message), by default a fresh instance in its own process on a free port,
storing into a temporary directory removed afterwards (so the shared sink's directory
does not fill with bench mail). `--sink local` uses the running sink on 127.0.0.1:1025;
`--sink in-process` an aiosmtpd sink inside this process, competing for its CPU.

Everything runs on one machine, so the figure is bounded by the CPU all the processes
share; the CPU each one spent per notice is printed, to show where the time goes.
"""

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from bench._kafka import BOOTSTRAP, create_topics, produce_events, rss_mb, wait_committed
from bench._samples import received
from chassis.logging import configure_logging
from chassis.settings import DeliverySettings
from contracts.base import Payload
from contracts.topics import INTAKE_APPLICATION_ACCEPTED, INTAKE_APPLICATION_RECEIVED, NOTIFICATION_NOTICE_SENT, Topic
from services.notification.adapters.smtp import SmtpMailer
from services.notification.app import CONSUMES, OUTPUTS, build
from services.notification.handlers.ports import Delivered, Mail, Undeliverable
from services.notification.settings import NotificationSettings
from tests.smtp_sink import SmtpSink
from tests.unit.notification.samples import accepted

MONGODB_URI = "mongodb://127.0.0.1:27017/?directConnection=true"
PARTITIONS = 4
REPO = Path(__file__).resolve().parent.parent
SERVERS = {"FerretDB": "ferretdb", "Kafka": "kafka.Kafka"}


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    pid: int | None
    """Its own process, if it has one (for the CPU figures)."""
    description: str


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used so far (Linux /proc); 0 if it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def find_process(needle: str) -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if needle in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    return int(entry.name)
    return None


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0) as connection:
            return connection.recv(3) == b"220"
    except OSError:
        return False


@contextlib.asynccontextmanager
async def mail_server(kind: str) -> AsyncIterator[MailServer]:
    directory = tempfile.mkdtemp(prefix="notification-bench-")
    try:
        if kind == "local":
            yield MailServer("127.0.0.1", 1025, find_process("sink.py --port 1025"), "the running local sink")
        elif kind == "in-process":
            sink = SmtpSink(Path(directory))
            await sink.start()
            try:
                yield MailServer(sink.host, sink.port, None, "aiosmtpd inside this process")
            finally:
                await sink.stop()
        else:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            script = str(REPO / "deploy/smtp/sink.py")
            process = await asyncio.create_subprocess_exec(
                sys.executable, script, "--port", str(port), "--dir", directory, stderr=asyncio.subprocess.DEVNULL
            )
            try:
                for _ in range(100):
                    if answers("127.0.0.1", port):
                        break
                    await asyncio.sleep(0.1)
                yield MailServer("127.0.0.1", port, process.pid, "deploy/smtp/sink.py in its own process")
            finally:
                process.terminate()
                await process.wait()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


class Stopwatch:
    """Starts when the first message goes to the mail server (instrumentation only), with the CPU each
    process has used by then, so the figures cover the same window as the rate."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.at: float | None = None
        self.cpu: dict[str, float] = {}
        original = SmtpMailer.send

        async def send(mailer: SmtpMailer, mail: Mail) -> Delivered | Undeliverable:
            if self.at is None:
                self.at, self.cpu = time.perf_counter(), self.cpu_now()
            return await original(mailer, mail)

        SmtpMailer.send = send  # type: ignore[method-assign,assignment]

    def cpu_now(self) -> dict[str, float]:
        return {"notification (this process)": time.process_time()} | {
            name: cpu_seconds(pid) for name, pid in self.pids.items()
        }


async def wait_published(topic: str, count: int, timeout: float = 600.0) -> None:
    """Returns once `topic` holds `count` records (NoticeSent is published only after the broker acknowledged)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        async with asyncio.timeout(timeout):
            while sum((await consumer.end_offsets(partitions)).values()) < count:  # noqa: ASYNC110 (polling the broker)
                await asyncio.sleep(0.05)
    finally:
        await consumer.stop()


def settings_for(database: str, server: MailServer, connections: int) -> NotificationSettings:
    return NotificationSettings(
        kafka_bootstrap_servers=BOOTSTRAP,
        mongodb_uri=MONGODB_URI,
        mongodb_database=database,
        mail_from="在留申請オンラインシステム <noreply@example.go.jp>",
        message_id_domain="bench.example.go.jp",
        smtp_host=server.host,
        smtp_port=server.port,
        smtp_max_connections=connections,
        delivery=DeliverySettings(),
    )


EVENTS: dict[str, tuple[Topic, str]] = {
    "accepted": (INTAKE_APPLICATION_ACCEPTED, "ApplicationAccepted, 2 recipients each"),
    "received": (INTAKE_APPLICATION_RECEIVED, "ApplicationReceived, 1 recipient each"),
}


def payloads(event: str, count: int) -> Iterator[Payload]:
    for i in range(count):
        yield accepted().model_copy(update={"application_id": f"app-{i:07d}"}) if event == "accepted" else received(i)


async def run(count: int, connections: int, kind: str, event: str) -> None:
    # A prefix of our own: scratch topics named bench.*/smoke* get swept by other tools sharing the broker.
    prefix, suffix = f"ntfthroughput{uuid.uuid4().hex[:8]}.", uuid.uuid4().hex[:8]
    names = [t.prefixed(prefix).name for t in (*CONSUMES, *OUTPUTS)]
    names += [n + ".dlq" for n in names]
    database, name = f"bench_notification_{suffix}", f"notification-bench-{suffix}"
    inputs, sent = EVENTS[event][0].prefixed(prefix), NOTIFICATION_NOTICE_SENT.prefixed(prefix)
    await create_topics(names, partitions=PARTITIONS)
    try:
        await produce_events(inputs, payloads(event, count))
        async with mail_server(kind) as server:
            pids = {n: pid for n, needle in SERVERS.items() if (pid := find_process(needle))}
            watch = Stopwatch(pids | ({"SMTP sink": server.pid} if server.pid else {}))
            service = build(settings_for(database, server, connections), name=name, topic_prefix=prefix)
            started = time.perf_counter()
            async with service.lifespan():
                await wait_published(sent.name, count)
                await wait_committed(f"{name}.{inputs.name}", inputs.name, count)
                done, cpu = time.perf_counter(), watch.cpu_now()
        assert watch.at is not None
        elapsed = done - watch.at
        print(f"mail server: {server.description}; {connections} SMTP connections; batches of up to 500 records")
        print(f"start-up until the first message went out: {watch.at - started:.2f} s (consumer groups joining)")
        print(f"{count} notices ({EVENTS[event][1]}) in {elapsed:.2f} s: {count / elapsed:,.0f} notices/s")
        print("  (first message sent -> every NoticeSent acknowledged and every input offset committed)")
        print(
            f"CPU per notice over that window ({os.cpu_count()} CPUs on this machine, load {os.getloadavg()[0]:.1f}):"
        )
        for process, seconds in cpu.items():
            print(f"  {process:<28} {(seconds - watch.cpu[process]) / count * 1000:5.2f} ms")
        print(f"peak RSS of this process: {rss_mb():.0f} MiB")
    finally:
        await cleanup(names, database)


async def cleanup(names: list[str], database: str) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(MONGODB_URI)
    await client.drop_database(database)
    await client.close()
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        await admin.delete_topics(names)
    finally:
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=4, help="SMTP_MAX_CONNECTIONS")
    parser.add_argument("--sink", choices=("process", "local", "in-process"), default="process")
    parser.add_argument("--event", choices=tuple(EVENTS), default="accepted")
    parser.add_argument("--log-level", choices=("debug", "info", "warning"), default="warning")
    args = parser.parse_args()
    configure_logging("bench", level=args.log_level, fmt="console")
    asyncio.run(run(args.count, args.connections, args.sink, args.event))


if __name__ == "__main__":
    main()
