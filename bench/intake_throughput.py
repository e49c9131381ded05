"""Intake's throughput: submissions per second over HTTP (single and batch) and over Kafka.

    uv run python bench/intake_throughput.py [--http 2000 --clients 32] [--batches 100 --batch-size 100]
                                             [--kafka 20000]

The service runs as it does in production (`python -m services.intake`: one uvicorn
process, here `--worker`) as a private copy, as every service's copy is isolated: its
own name (consumer groups), its topics under a prefix of its own (`build(...,
topic_prefix=...)`) and its own database, topics and database removed afterwards, so
the shared broker keeps no benchmark records.
1. HTTP: `--clients` concurrent clients each POST single submissions; then batches.
   A submission counts when its 202 (or batch result) is back: stored, numbered and
   its events acknowledged by the broker.
2. Kafka: `--kafka` portal submissions are produced first; the service then starts
   and the clock runs until every ApplicationReceived is on the output topic.
"""

import argparse
import asyncio
import os
import signal
import socket
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from chassis.kafka_security import client_options

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._kafka import BOOTSTRAP, create_topics, produce_events
from bench._samples import application
from contracts import topics
from services.intake.__main__ import main as run_intake
from services.intake.app import OUTPUTS
from services.intake.tokens import issue

REPO = Path(__file__).resolve().parents[1]
MONGODB_URI = os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/?directConnection=true")
INPUTS = (
    topics.PORTAL_APPLICATION_SUBMITTED,
    topics.ELIGIBILITY_APPLICATION_ASSESSED,
    topics.NOTIFICATION_NOTICE_SENT,
    *(t for t in topics.CATALOGUE if t.name.startswith("examination.")),
)
SECRET = "bench-secret-of-at-least-thirty-two-bytes"
CLAIMS = {
    "sub": "staff-bench",
    "category": "organisation_staff",
    "name": "担当 太郎",
    "email": "bench@example.co.jp",
    "iss": "residence-online",
    "aud": "intake",
}


def body(i: int) -> dict[str, Any]:
    sample = application(i).model_dump(mode="json")
    return {"submission_id": sample["submission_id"], "applicant": sample["applicant"], "form": sample["form"]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Intake:
    """The service process on a private set of topics and a private database."""

    def __init__(self, prefix: str, database: str):
        self.port = free_port()
        self.name, self.prefix = f"intake-bench-{uuid.uuid4().hex[:8]}", prefix
        self.env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": BOOTSTRAP,
            "MONGODB_URI": MONGODB_URI,
            "MONGODB_DATABASE": database,
            "JWT_SECRET": SECRET,
            "HTTP_PORT": str(self.port),
            "LOG_LEVEL": "warning",
        }
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--worker",
            self.name,
            self.prefix,
            env=self.env,
            cwd=REPO,
            stdout=asyncio.subprocess.DEVNULL,
        )
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}") as client:
            for _ in range(600):
                try:
                    if (await client.get("/health/ready")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("intake did not become ready")

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), 60)


async def over_http(intake: Intake, count: int, clients: int, batches: int, batch_size: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {issue(CLAIMS, secret=SECRET, ttl=3600)}"}
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{intake.port}", headers=headers, limits=limits, timeout=60
    ) as client:
        queue = iter(range(count))

        async def worker() -> None:
            for i in queue:
                response = await client.post("/v1/applications", json=body(i))
                assert response.status_code == 202, response.text

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        single = count / (time.perf_counter() - started)

        first = count
        chunks = iter(range(batches))

        async def batcher() -> None:
            for b in chunks:
                items = [body(first + b * batch_size + i) for i in range(batch_size)]
                response = await client.post("/v1/applications:batch", json={"items": items})
                assert all(r["status_code"] == 202 for r in response.json()["results"]), response.text

        started = time.perf_counter()
        await asyncio.gather(*(batcher() for _ in range(min(clients, 8))))
        batched = batches * batch_size / (time.perf_counter() - started)
    return {"http_single_per_s": single, "http_batch_per_s": batched}


async def over_kafka(prefix: str, database: str, count: int) -> dict[str, float]:
    source = topics.PORTAL_APPLICATION_SUBMITTED.prefixed(prefix)
    await produce_events(source, (application(i) for i in range(count)))
    intake = Intake(prefix, database)
    consumer = AIOKafkaConsumer(
        topics.INTAKE_APPLICATION_RECEIVED.prefixed(prefix).name,
        bootstrap_servers=BOOTSTRAP,
        auto_offset_reset="earliest",
        group_id=None,
        **client_options(),
    )
    await consumer.start()
    started = time.perf_counter()
    try:
        await intake.start()
        ready, seen = time.perf_counter(), 0
        while seen < count:
            batch = await consumer.getmany(timeout_ms=500)
            seen += sum(len(records) for records in batch.values())
            if time.perf_counter() - started > 900:
                raise TimeoutError(f"{seen} of {count} received")
        done = time.perf_counter()
    finally:
        await consumer.stop()
        await intake.stop()
    return {
        "kafka_per_s_from_process_start": count / (done - started),
        "kafka_per_s_once_ready": count / (done - ready),
        "kafka_seconds_to_start": ready - started,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--kafka", type=int, default=20_000)
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    # A prefix of our own: scratch topics named bench.*/smoke* get swept by other tools sharing the broker.
    prefix, databases = f"intakebench{run}.", (f"bench_intake_http_{run}", f"bench_intake_kafka_{run}")
    names = [name for t in (*INPUTS, *OUTPUTS) for name in (t.prefixed(prefix).name, t.prefixed(prefix).dlq)]
    await create_topics(names)
    try:
        intake = Intake(prefix, databases[0])
        await intake.start()
        try:
            report(await over_http(intake, args.http, args.clients, args.batches, args.batch_size))
        finally:
            await intake.stop()
        report(await over_kafka(prefix, databases[1], args.kafka))
    finally:
        await clean_up(names, databases)


def report(figures: dict[str, float]) -> None:
    for name, value in figures.items():
        print(f"{name:34} {value:10.1f}", flush=True)


async def clean_up(topic_names: list[str], databases: tuple[str, ...]) -> None:
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(MONGODB_URI)
    try:
        for name in databases:
            await asyncio.wait_for(mongo.drop_database(name), 120)
    finally:
        await mongo.close()
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        await admin.delete_topics(topic_names)
    finally:
        await admin.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        run_intake(name=sys.argv[2], topic_prefix=sys.argv[3])  # the service process: see Intake.start
    else:
        asyncio.run(main())
