"""How many events per second reporting's figures consumer keeps up with.

    uv run python bench/reporting_figures.py [--events 50000] [--duplicates 0.05]

1. Pre-produces N mixed events (received 30 %, status changes 30 %, assessments 10 %, not
   eligible 10 %, notices sent 15 %, failed 5 %) on reporting's topics under a scratch prefix,
   plus a share of duplicates (the same event ids again), so the dedupe path is exercised.
2. Starts the whole reporting service (every subscriber, the scheduler, the relay, ...) in
   this process on a fresh database, and times it from start until every counted topic's
   consumer group has committed to the end.
3. Times it until /figures matches the same unique events folded in memory (the roll-up,
   every FIGURES_ROLLUP_INTERVAL_SECONDS, has caught up), and how long /figures takes.
4. Runs the bare relay (`bench/baseline.py`) on the same servers right after, and prints the
   consuming rate as a share of the relay's (`--relay-records 0` skips it).
"""

import argparse
import asyncio
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from bench._kafka import BOOTSTRAP, create_topics, rss_mb, wait_committed
from bench._samples import received
from bench.baseline import bare_relay
from chassis.cloudevents import Outgoing, encode
from chassis.kafka_security import client_options
from chassis.logging import configure_logging
from contracts import topics as catalogue
from contracts.base import Payload
from contracts.eligibility import ApplicationAssessed, Reason
from contracts.intake import ApplicationNotEligible, ApplicationStatus, ApplicationStatusChanged, Parties
from contracts.notification import NoticeFailed, NoticeSent
from contracts.topics import Topic
from services.reporting.app import BUREAU, COUNTED, OUTPUTS, build
from services.reporting.domain.figures import increments_for, tally
from services.reporting.settings import ReportingSettings

MONGODB_URI = "mongodb://127.0.0.1:27017/?directConnection=true"
AT = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
STATUSES = (ApplicationStatus.ACCEPTED, ApplicationStatus.UNDER_EXAMINATION, ApplicationStatus.GRANTED)
REASONS = tuple(Reason(code=f"reason_{n}", message_ja="理由", message_en="reason") for n in range(6))
PARTIES = Parties(
    filer_id="filer-1", filer_name="Filer", filer_email="f@example.org", language="ja", applicant_name="Applicant"
)


def event(i: int, rng: random.Random) -> tuple[Topic, Payload]:
    kind = rng.random()
    app = f"app-{i:08d}"
    if kind < 0.30:
        return catalogue.INTAKE_APPLICATION_RECEIVED, received(i)
    if kind < 0.60:
        step = rng.randrange(len(STATUSES))
        previous = STATUSES[step - 1] if step else ApplicationStatus.SUBMITTED
        return catalogue.INTAKE_APPLICATION_STATUS_CHANGED, ApplicationStatusChanged(
            application_id=app, provisional_number=f"P-{i}", procedure="extension_of_stay",
            status=STATUSES[step], previous_status=previous, revision=step + 2, changed_at=AT,
        )  # fmt: skip
    if kind < 0.70:
        reasons = tuple(rng.sample(REASONS, rng.randrange(0, 3)))
        return catalogue.ELIGIBILITY_APPLICATION_ASSESSED, ApplicationAssessed(
            application_id=app, eligible=not reasons, reasons=reasons, ruleset_version="bench",
            rules_date=date(2026, 11, 25), assessed_at=AT,
        )  # fmt: skip
    if kind < 0.80:
        return catalogue.INTAKE_APPLICATION_NOT_ELIGIBLE, ApplicationNotEligible(
            application_id=app, provisional_number=f"P-{i}", procedure="change_of_status",
            reasons=tuple(rng.sample(REASONS, rng.randrange(1, 4))), decided_at=AT, parties=PARTIES,
        )  # fmt: skip
    notice_kind = rng.choice(("submission_received", "application_accepted", "not_eligible"))
    if kind < 0.95:
        return catalogue.NOTIFICATION_NOTICE_SENT, NoticeSent(
            notice_id=f"n-{i}", kind=notice_kind, source_event_id=f"e-{i}", message_id="<m@x>",
            recipient_count=1, sent_at=AT,
        )  # fmt: skip
    return catalogue.NOTIFICATION_NOTICE_FAILED, NoticeFailed(
        notice_id=f"n-{i}", kind=notice_kind, source_event_id=f"e-{i}", reason="451 try later", failed_at=AT
    )


async def produce(prefix: str, events: list[tuple[Topic, Payload, str]]) -> float:
    producer = AIOKafkaProducer(
        **client_options(), bootstrap_servers=BOOTSTRAP, acks=1, linger_ms=20, max_batch_size=512 * 1024
    )
    await producer.start()
    started = time.perf_counter()
    try:
        pending = []
        for topic, payload, event_id in events:
            key, value, headers = encode(Outgoing(topic.prefixed(prefix), payload, event_id, AT), "/bench")
            sent = await producer.send(
                prefix + topic.name, value, key=key, headers=[(k, v.encode()) for k, v in headers.items()]
            )
            pending.append(sent)
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return time.perf_counter() - started


async def timed_figures(http: httpx.AsyncClient) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = await http.get("/figures")
    return time.perf_counter() - started, response.json()


async def main(count: int, duplicate_share: float, relay_records: int) -> None:
    configure_logging("bench", level="warning", fmt="console")
    rng = random.Random(20260105)
    unique = [(*event(i, rng), uuid.uuid4().hex) for i in range(count)]
    repeats = rng.sample(unique, int(count * duplicate_share))
    events = unique + repeats
    rng.shuffle(events)
    expected = tally(inc for _, payload, _ in unique for inc in increments_for(payload))
    expected = {key: value for key, value in expected.items() if value}

    prefix = f"bench{uuid.uuid4().hex[:8]}."
    names = [t.prefixed(prefix).name for t in {*BUREAU, *COUNTED, *OUTPUTS}]
    await create_topics([*names, *(n + ".dlq" for n in names)], partitions=4)
    database = f"bench_{uuid.uuid4().hex[:8]}"
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(MONGODB_URI, tz_aware=True)
    try:
        produced_in = await produce(prefix, events)
        per_topic: dict[str, int] = {}
        for topic, _, _ in events:
            per_topic[topic.name] = per_topic.get(topic.name, 0) + 1
        print(f"produced {len(events):,} events ({len(repeats):,} duplicates) in {produced_in:.1f}s")

        settings = ReportingSettings(
            kafka_bootstrap_servers=BOOTSTRAP, mongodb_uri=MONGODB_URI, mongodb_database=database
        )
        service = build(settings, name=f"bench-{uuid.uuid4().hex[:8]}", topic_prefix=prefix)
        started = time.perf_counter()
        async with LifespanManager(service.asgi(), startup_timeout=60, shutdown_timeout=60) as manager:
            group_of = {delivery.topic.name: delivery.group_id for delivery in service.deliveries}
            await asyncio.gather(*(wait_committed(group_of[prefix + t], prefix + t, n) for t, n in per_topic.items()))
            consumed = time.perf_counter() - started
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as http:
                got: dict[Any, int] = {}
                while got != expected and time.perf_counter() - started < 600:
                    latency, figures = await timed_figures(http)
                    got = {(c["name"], tuple(sorted(c["labels"].items()))): c["value"] for c in figures["counters"]}
                    got = {key: value for key, value in got.items() if value}
                    await asyncio.sleep(0.1)
                exact = time.perf_counter() - started

        print(
            f"consumed (offsets committed): {len(events):,} events in {consumed:.1f}s = {len(events) / consumed:,.0f}/s"
        )
        print(f"figures exact after {exact:.1f}s = {len(events) / exact:,.0f} events/s end to end ({count:,} unique)")
        print(f"figures exact: {got == expected} ({len(expected)} series); GET /figures {latency * 1000:.0f} ms")
        print(f"peak RSS {rss_mb():.0f} MB")
        for name in sorted(per_topic):
            print(f"  {name}: {per_topic[name]:,}")
        if relay_records:  # the peer figure, same servers, same moment: the service's share of it
            relay = await bare_relay(relay_records)
            rate = relay["relay_records_per_s"]
            print(f"bare relay: {rate:,.0f} records/s; reporting consumed at {len(events) / consumed / rate:.0%} of it")
    finally:
        await mongo.drop_database(database)
        await mongo.close()
        admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=BOOTSTRAP)
        await admin.start()
        try:
            await admin.delete_topics([*names, *(n + ".dlq" for n in names)])
        finally:
            await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--duplicates", type=float, default=0.05)
    parser.add_argument("--relay-records", type=int, default=20_000, help="the bare relay's run after (0: none)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.events, arguments.duplicates, arguments.relay_records))
