"""Database commands and documents per application in eligibility's assessment path, with history stored.

    uv run python bench/eligibility_commands.py [--applications 5000] [--history 20000] [--batch 100]

In-process, on the MongoDB-protocol server of MONGODB_URI (no Kafka): grants the sample
organisations' approvals, stores `--history` earlier decisions, then assesses the
applications in batches as the subscriber hands them over, and every tenth batch again (a
redelivery, which reads its stored decisions back). Counts every command and the documents
it carried, by command and collection (a pymongo command listener): counts do not depend on
how loaded the machine is, and a read whose documents grow with `--history` is a full scan.
"""

import argparse
import asyncio
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prometheus_client import CollectorRegistry

from bench._samples import ORGANISATIONS, received
from bench._usage import counted
from bench.eligibility_service import granted
from chassis.clock import SystemClock
from chassis.mongo import connect
from chassis.mongo_metrics import CommandMetrics
from services.eligibility.adapters.approvals import MongoApprovals
from services.eligibility.adapters.decisions import MongoDecisions
from services.eligibility.adapters.rule_files import load_ruleset
from services.eligibility.domain import apply_change
from services.eligibility.handlers.assess import AssessApplications
from services.eligibility.handlers.ports import Received
from services.eligibility.settings import EligibilitySettings

MONGODB_URI = os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/?directConnection=true")


class NoPublisher:
    async def publish(self, decisions: Any) -> None:
        pass


async def run(applications: int, history: int, batch: int) -> None:
    registry = CollectorRegistry()
    client = connect(MONGODB_URI, listeners=[CommandMetrics(registry)])
    name = f"bench_eligibility_commands_{uuid.uuid4().hex[:8]}"
    database = client[name]
    try:
        approvals = MongoApprovals(database)
        await approvals.save([apply_change(None, granted(n)) for n in range(ORGANISATIONS)])
        now = datetime.now(UTC).isoformat()
        for start in range(0, history, 1000):
            old = [{"_id": f"history-{i}", "event_id": "-", "correlation_id": "-", "assessed": {"at": now}}
                   for i in range(start, min(start + 1000, history))]  # fmt: skip
            await database["decisions"].insert_many(old)
        assess = AssessApplications(
            load_ruleset(EligibilitySettings(kafka_bootstrap_servers="-", mongodb_uri=MONGODB_URI).rules_dir),
            approvals,
            MongoDecisions(database),
            NoPublisher(),
            SystemClock(),
        )
        events = [Received(uuid.uuid4().hex, received(i)) for i in range(applications)]
        before = counted(registry)
        cpu, wall = time.process_time(), time.perf_counter()
        for n, start in enumerate(range(0, applications, batch)):
            chunk = events[start : start + batch]
            await assess(chunk)
            if n % 10 == 0:
                await assess(chunk)  # redelivered
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        after = counted(registry)
    finally:
        await client.drop_database(name)
        await client.close()
    print(f"applications {applications}, history {history}, batch {batch}, every 10th batch redelivered")
    commands, documents = after[0] - before[0], after[1] - before[1]
    print(f"commands per application  {sum(commands.values()) / applications:8.3f}")
    print(f"documents per application {sum(documents.values()) / applications:8.3f}")
    print(f"client CPU ms/application {cpu * 1000 / applications:8.3f}")
    print(f"wall ms/application       {wall * 1000 / applications:8.3f}")
    for key, count in commands.most_common():
        print(f"  {key:<26} commands {count / applications:7.3f}  documents {documents[key] / applications:9.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=5_000)
    parser.add_argument("--history", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(run(args.applications, args.history, args.batch))


if __name__ == "__main__":
    main()
