"""Notices per second, end to end: `uv run python bench/notification_throughput.py [--count 5000] [--instances 2]`.

Runs the notification service as it is deployed, in processes of its own (`--instances`
of them, one consumer group, 4 partitions per input topic), against the real Kafka and
FerretDB and the project's SMTP sink, on scratch copies of notification's topics.
Once every instance has joined the input topic's consumer group, it produces N
ApplicationAccepted events as intake publishes them (each notice goes to filer and
applicant: two recipients; `--event accepted-undated`: events from before they carried
the filing date and stay, whose planning reads the contacts projection), or with
`--event received` N ApplicationReceived events (bench/_samples.py, realistic size;
one recipient, no read). It measures from the first message handed to the mail server
until every NoticeSent is acknowledged by the broker and every input offset committed.

The mail server is the project's SMTP sink (`deploy/smtp/sink.py`: aiosmtpd, one .eml
file per message), by default a fresh instance in its own process on a free port,
storing into a temporary directory (in memory, `/dev/shm`, unless `--store` says
otherwise) removed afterwards. `--sink local` uses the running sink on 127.0.0.1:1025.

Everything runs on one machine, so the figure is bounded by the CPU all the processes
share; the CPU each one spent per notice is printed, to show where the time goes.
"""

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosmtplib
import uvloop
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from bench._kafka import BOOTSTRAP, cleanup, create_topics, produce_events, rss_mb, wait_committed
from bench._samples import received
from bench.baseline import MONGODB_URI
from chassis.delivery import group_id
from chassis.kafka_security import client_options
from chassis.logging import configure_logging
from chassis.runner import settle_garbage_collector
from chassis.settings import DeliverySettings
from contracts.base import Payload
from contracts.topics import INTAKE_APPLICATION_ACCEPTED, INTAKE_APPLICATION_RECEIVED, NOTIFICATION_NOTICE_SENT, Topic
from services.notification.adapters import smtp_transaction
from services.notification.adapters.mail.render import Renderer
from services.notification.adapters.mail.wire import message_bytes
from services.notification.adapters.smtp import SmtpMailer
from services.notification.adapters.tariff import load_tariff
from services.notification.app import CONSUMES, OUTPUTS, build
from services.notification.domain.contacts import NoticeContext, contact_from_received, contact_with_acceptance
from services.notification.handlers.ports import Delivered, Handed, Mail, Undeliverable
from services.notification.settings import NotificationSettings
from tests.unit.notification.samples import SENDER, SENT_AT, accepted, accepted_with_its_dates, only_notice
from tests.unit.notification.samples import received as sample_received

PARTITIONS = 4
REPO = Path(__file__).resolve().parent.parent
SERVERS = {"FerretDB": "ferretdb", "Kafka": "kafka.Kafka"}
FIRST_SENT = "first-sent"
IDLE_WINDOW = 5.0
EVENTS: dict[str, tuple[Topic, str]] = {
    "accepted": (INTAKE_APPLICATION_ACCEPTED, "ApplicationAccepted, 2 recipients each"),
    "received": (INTAKE_APPLICATION_RECEIVED, "ApplicationReceived, 1 recipient each"),
    "accepted-undated": (INTAKE_APPLICATION_ACCEPTED, "ApplicationAccepted without its dates, 2 recipients each"),
}


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


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all CPUs (Linux /proc/stat)."""
    user, nice, system, idle, iowait, *rest = (int(v) for v in Path("/proc/stat").read_text().split()[1:9])
    ticks = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + sum(rest)) / ticks, (user + nice + system + idle + iowait + sum(rest)) / ticks


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
async def mail_server(kind: str, store: str | None) -> AsyncIterator[MailServer]:
    if kind == "local":
        yield MailServer("127.0.0.1", 1025, find_process("sink.py --port 1025"), "the running local sink")
        return
    directory = tempfile.mkdtemp(prefix="notification-bench-", dir=store)
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
        yield MailServer("127.0.0.1", port, process.pid, f"deploy/smtp/sink.py in its own process, storing in {store}")
    finally:
        process.terminate()
        await process.wait()
        shutil.rmtree(directory, ignore_errors=True)


@dataclass(frozen=True)
class Instance:
    process: asyncio.subprocess.Process
    first_sent: asyncio.Future[float]
    """Wall-clock time (time.time()) this instance handed its first message to the mail server."""


@contextlib.asynccontextmanager
async def instances(count: int, worker_args: list[str]) -> AsyncIterator[list[Instance]]:
    started: list[Instance] = []
    loop = asyncio.get_running_loop()

    async def watch(instance: Instance) -> None:
        assert instance.process.stdout is not None
        async for line in instance.process.stdout:
            kind, _, value = line.decode().partition(" ")
            if kind == FIRST_SENT and not instance.first_sent.done():
                instance.first_sent.set_result(float(value))

    try:
        for _ in range(count):
            process = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--worker", *worker_args, stdout=asyncio.subprocess.PIPE
            )
            started.append(Instance(process, loop.create_future()))
        watchers = [asyncio.create_task(watch(i)) for i in started]
        yield started
    finally:
        for instance in started:
            if instance.process.returncode is None:
                instance.process.send_signal(signal.SIGTERM)
        for instance in started:
            await instance.process.wait()
        for watcher in watchers:
            watcher.cancel()


async def wait_members(group: str, members: int, timeout: float = 120.0) -> None:
    """Returns once `group` is stable with `members` members (so no rebalance falls inside the measured window)."""
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        async with asyncio.timeout(timeout):
            while True:
                for response in await admin.describe_consumer_groups([group]):
                    for _error, _name, state, _type, _protocol, joined in response.groups:
                        if state == "Stable" and len(joined) == members:
                            return
                await asyncio.sleep(0.1)
    finally:
        await admin.close()


async def wait_published(topic: str, count: int, timeout: float = 600.0) -> None:
    """Returns once `topic` holds `count` records (NoticeSent is published only after the broker acknowledged)."""
    consumer = AIOKafkaConsumer(**client_options(), bootstrap_servers=BOOTSTRAP, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        async with asyncio.timeout(timeout):
            while sum((await consumer.end_offsets(partitions)).values()) < count:  # noqa: ASYNC110 (polling the broker)
                await asyncio.sleep(0.05)
    finally:
        await consumer.stop()


async def bare_smtp_rate(server: MailServer, count: int, connections: int) -> float:
    """The baseline, measured in the same run: one rendered notice sent `count` times straight to the same
    sink over `connections` connections (aiosmtplib and the service's own transaction), with no Kafka, database or
    rendering. The service's figure is read against this one: it moves with the machine's load."""
    contact = contact_with_acceptance(contact_from_received(sample_received()), accepted())
    notice = only_notice(accepted(), NoticeContext(tariff=load_tariff(), contact=contact))
    data = message_bytes(Renderer().render(notice, sender=SENDER, message_id_domain="bench.example.jp", date=SENT_AT))
    recipients = [r.address for r in notice.recipients]
    clients = [aiosmtplib.SMTP(hostname=server.host, port=server.port) for _ in range(connections)]
    for client in clients:
        await client.connect()
        await client.ehlo()
    left = count

    async def send_over(client: aiosmtplib.SMTP) -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await smtp_transaction.send(client, "noreply@example.go.jp", recipients, data)

    started = time.perf_counter()
    await asyncio.gather(*map(send_over, clients))
    elapsed = time.perf_counter() - started
    for client in clients:
        await client.quit()
    return count / elapsed


def payloads(event: str, count: int) -> Iterator[Payload]:
    for i in range(count):
        if event == "received":
            yield received(i)
        else:
            yield (accepted_with_its_dates() if event == "accepted" else accepted()).model_copy(
                update={"application_id": f"app-{i:07d}"}
            )


async def run(args: argparse.Namespace) -> None:
    # A prefix of our own: scratch topics named bench.*/smoke* get swept by other tools sharing the broker.
    prefix, suffix = f"ntfthroughput{uuid.uuid4().hex[:8]}.", uuid.uuid4().hex[:8]
    names = [t.prefixed(prefix).name for t in (*CONSUMES, *OUTPUTS)]
    names += [n + ".dlq" for n in names]
    database, name = f"bench_notification_{suffix}", f"notification-bench-{suffix}"
    inputs, sent = EVENTS[args.event][0].prefixed(prefix), NOTIFICATION_NOTICE_SENT.prefixed(prefix)
    group = group_id(name, inputs)
    await create_topics(names, partitions=PARTITIONS)
    try:
        async with mail_server(args.sink, args.store) as server:
            baseline = await bare_smtp_rate(server, min(args.count, 3000), args.connections)
            worker_args = [prefix, database, name, server.host, str(server.port), str(args.connections), args.loop]
            async with instances(args.instances, worker_args) as running:
                await wait_members(group, args.instances)
                pids = {n: pid for n, needle in SERVERS.items() if (pid := find_process(needle))}
                pids |= {f"notification #{i + 1}": i_.process.pid for i, i_ in enumerate(running)}
                pids |= {"SMTP sink": server.pid} if server.pid else {}
                await produce_events(inputs, payloads(args.event, args.count))
                await asyncio.wait([i.first_sent for i in running], return_when=asyncio.FIRST_COMPLETED)
                cpu_at_start = {process: cpu_seconds(pid) for process, pid in (pids | {"bench": os.getpid()}).items()}
                machine_at_start = machine_cpu()
                await wait_published(sent.name, args.count)
                await wait_committed(group, inputs.name, args.count)
                done = time.time()
                cpu = {process: cpu_seconds(pid) - cpu_at_start[process] for process, pid in pids.items()}
                own = cpu_seconds(os.getpid()) - cpu_at_start["bench"]
                busy, total = (now - then for now, then in zip(machine_cpu(), machine_at_start, strict=True))
                rss = {f"notification #{i + 1}": rss_mb(i_.process.pid) for i, i_ in enumerate(running)}
                idle_from = {i_.process.pid: cpu_seconds(i_.process.pid) for i_ in running}
                await asyncio.sleep(IDLE_WINDOW)
                idle = [(cpu_seconds(pid) - cpu) / IDLE_WINDOW for pid, cpu in idle_from.items()]
                start = min(i.first_sent.result() for i in running if i.first_sent.done())
        elapsed = done - start
        print(f"mail server: {server.description}; event loop: {args.loop}")
        print(f"{args.instances} instance(s), {args.connections} SMTP connections each, batches of up to 500 records")
        rate = args.count / elapsed
        print(f"{args.count} notices ({EVENTS[args.event][1]}) in {elapsed:.2f} s: {rate:,.0f} notices/s")
        print("  (first message sent -> every NoticeSent acknowledged and every input offset committed)")
        print(f"baseline, same run: {baseline:,.0f} messages/s from one client straight to the same sink")
        print(f"CPU per notice over that window ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}):")
        for process, seconds in cpu.items():
            print(f"  {process:<28} {seconds / args.count * 1000:5.2f} ms")
        print(f"  {'sum':<28} {sum(cpu.values()) / args.count * 1000:5.2f} ms")
        print(f"  {'(this benchmark: producer, watcher)':<28} {own / args.count * 1000:5.2f} ms")
        print(f"machine busy over that window: {busy / total:.0%} of {os.cpu_count()} CPUs")
        print("idle, afterwards: " + ", ".join(f"{share:.0%} of a CPU" for share in idle) + " per instance")
        print("peak RSS: " + ", ".join(f"{process} {mib:.0f} MiB" for process, mib in rss.items()))
    finally:
        await cleanup(names, database, MONGODB_URI)


async def worker(prefix: str, database: str, name: str, host: str, port: str, connections: str) -> None:
    """One instance of the service, as `python -m services.notification` runs it, until SIGTERM."""
    settings = NotificationSettings(
        kafka_bootstrap_servers=BOOTSTRAP,
        mongodb_uri=MONGODB_URI,
        mongodb_database=database,
        mail_from="在留申請オンラインシステム <noreply@example.go.jp>",
        message_id_domain="bench.example.go.jp",
        smtp_host=host,
        smtp_port=int(port),
        smtp_max_connections=int(connections),
        delivery=DeliverySettings(),
    )
    original = SmtpMailer.send
    reported = False

    async def send(mailer: SmtpMailer, mail: Mail, handed: Handed | None = None) -> Delivered | Undeliverable:
        nonlocal reported
        if not reported:  # instrumentation only: when this instance's first message went out
            reported = True
            print(FIRST_SENT, time.time(), flush=True)
        return await original(mailer, mail, handed)  # handed: the outcome is recorded as the message ends

    SmtpMailer.send = send  # type: ignore[method-assign,assignment]
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    service = build(settings, name=name, topic_prefix=prefix)
    settle_garbage_collector()  # as chassis.runner.serve does before it starts a service
    async with service.lifespan():
        await stop.wait()


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        *params, loop = sys.argv[2:]
        configure_logging("bench", level="warning", fmt="console")
        (uvloop.run if loop == "uvloop" else asyncio.run)(worker(*params))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--instances", type=int, default=1, help="service processes in one consumer group")
    parser.add_argument("--connections", type=int, default=4, help="SMTP_MAX_CONNECTIONS of each instance")
    parser.add_argument("--sink", choices=("process", "local"), default="process")
    parser.add_argument("--event", choices=tuple(EVENTS), default="accepted")
    parser.add_argument(
        "--store",
        default="/dev/shm" if Path("/dev/shm").is_dir() else None,
        help="where a fresh sink keeps its .eml files (default: memory, so the disk's cost of creating a file, "
        "0.4-1 ms on some virtual disks, is not charged to the service); give a disk directory to include it",
    )
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop", help="as chassis.runner: uvloop")
    args = parser.parse_args()
    configure_logging("bench", level="warning", fmt="console")
    uvloop.run(run(args))


if __name__ == "__main__":
    main()
