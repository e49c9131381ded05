"""Baseline figures: the machine's raw Kafka throughput, and a bare FastStream relay.

    uv run python bench/baseline.py [--records 300000] [--relay-records 50000]

1. Kafka's own ProducerPerformance and ConsumerPerformance (1 KB records, acks=all,
   idempotent): the physical limit of this machine.
2. A bare relay built on the chassis: consume a topic in batches and publish every
   record to another topic, with our delivery settings (acks=all, idempotent,
   commit after the batch is acknowledged). No database, no rules: the peer figure
   every service is compared with.
"""

import argparse
import asyncio
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._kafka import BOOTSTRAP, create_topics, produce_events, rss_mb, scratch, wait_committed
from bench._samples import received
from chassis.cloudevents import Inbound, Outgoing
from chassis.service import Service
from chassis.settings import ServiceSettings
from contracts.intake import ApplicationReceived

REPO = Path(__file__).resolve().parents[1]
TOOLS = REPO / ".state" / "kafka" / "tools-libs"
MONGODB_URI = "mongodb://127.0.0.1:27017/?directConnection=true"


def kafka_tools() -> str:
    if not TOOLS.exists():
        subprocess.run(
            [
                "mvn",
                "-B",
                "-q",
                "-f",
                str(REPO / "deploy/kafka/tools-pom.xml"),
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={TOOLS}",
            ],
            check=True,
        )
    return f"{TOOLS}/*"


def run_tool(main: str, args: Sequence[str]) -> str:
    command = [
        "java",
        "-Xmx512m",
        "-cp",
        kafka_tools(),
        f"-Dlog4j2.configurationFile={REPO / 'deploy/kafka/log4j2.properties'}",
        main,
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


async def raw_kafka(records: int) -> dict[str, float]:
    topic = f"bench.raw-{uuid.uuid4().hex[:8]}"
    await create_topics([topic])
    out = run_tool(
        "org.apache.kafka.tools.ProducerPerformance",
        [
            "--topic",
            topic,
            "--num-records",
            str(records),
            "--record-size",
            "1000",
            "--throughput",
            "-1",
            "--producer-props",
            f"bootstrap.servers={BOOTSTRAP}",
            "acks=all",
            "enable.idempotence=true",
            "linger.ms=5",
        ],
    )
    produced = float(re.findall(r"([\d.]+) records/sec", out)[-1])
    out = run_tool(
        "org.apache.kafka.tools.ConsumerPerformance",
        [
            "--bootstrap-server",
            BOOTSTRAP,
            "--topic",
            topic,
            "--messages",
            str(records),
            "--timeout",
            "60000",
        ],
    )
    # CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
    consumed = float(out.strip().splitlines()[-1].split(",")[5])
    return {"producer_records_per_s": produced, "consumer_records_per_s": consumed}


async def bare_relay(records: int, bootstrap: str = BOOTSTRAP, mongodb_uri: str = MONGODB_URI) -> dict[str, float]:
    source = scratch(ApplicationReceived, "application_id", "relay-in")
    sink = scratch(ApplicationReceived, "application_id", "relay-out")
    await create_topics([source.name, source.dlq, sink.name], bootstrap=bootstrap)
    await produce_events(source, (received(i) for i in range(records)), bootstrap)

    settings = ServiceSettings(kafka_bootstrap_servers=bootstrap, mongodb_uri=mongodb_uri)
    service = Service("bench-relay", settings, outputs=[sink])
    now = datetime.now(UTC)

    async def relay(events: Sequence[Inbound[Any]]) -> None:
        await service.publisher.publish(
            [Outgoing(sink, e.payload, f"{e.id}:relayed", e.time or now, e.correlation_id, e.id) for e in events]
        )

    service.consume(source, relay)
    started = time.perf_counter()
    async with service.lifespan():
        await wait_committed(f"bench-relay.{source.name}", source.name, records, bootstrap=bootstrap)
    elapsed = time.perf_counter() - started
    return {"relay_records_per_s": records / elapsed, "relay_seconds": elapsed, "relay_peak_rss_mb": rss_mb()}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--relay-records", type=int, default=50_000)
    args = parser.parse_args()
    figures = {**await raw_kafka(args.records), **await bare_relay(args.relay_records)}
    for name, value in figures.items():
        print(f"{name:28} {value:12.1f}")


if __name__ == "__main__":
    asyncio.run(main())
