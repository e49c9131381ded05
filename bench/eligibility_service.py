"""The eligibility service end to end on the real broker and FerretDB, next to the bare relay.

    uv run python bench/eligibility_service.py [--records 20000] [--relay-records 20000]

Runs the whole service (`services.eligibility.app.build`) on private copies of its
topics (a unique prefix), with a database of its own, so no record other runs left
behind is counted. Before the clock starts: the sample organisations' approvals are
written to the projection, and N ApplicationReceived events are produced. Measured:
from the service's start until its consumer group has committed all N records, so
every assessment is stored in MongoDB and its decision acknowledged by the broker
(and, as the steady rate, from the first tenth committed to the last).
Then the bare relay (bench/baseline.py) runs on its own N for the side-by-side.
"""

import argparse
import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench._kafka import BOOTSTRAP, cleanup, create_topics, produce_events, rss_mb, wait_committed
from bench._samples import ORGANISATIONS, approval, received
from bench.baseline import MONGODB_URI, bare_relay
from chassis.delivery import group_id
from chassis.logging import configure_logging
from contracts.organisations import ApprovalChange, ApprovalChanged, ApprovalState
from contracts.topics import ELIGIBILITY_APPLICATION_ASSESSED, INTAKE_APPLICATION_RECEIVED, REPORTING_APPROVAL_CHANGED
from services.eligibility.adapters.approvals import MongoApprovals
from services.eligibility.app import build
from services.eligibility.domain import apply_change
from services.eligibility.settings import EligibilitySettings


def granted(n: int) -> ApprovalChanged:
    """Reporting's first event for sample organisation n: active for three years from its grant."""
    now = datetime.now(UTC)
    grant = approval(n, now.date())
    return ApprovalChanged(
        approval_id=grant.approval_id,
        organisation_id=grant.organisation_id,
        category=grant.category,
        change=ApprovalChange.GRANTED,
        state=ApprovalState.ACTIVE,
        valid_from=grant.approved_on,
        valid_until=grant.approved_on + timedelta(days=3 * 365),
        report_due_by=grant.approved_on + timedelta(days=3 * 365 - 30),
        staff=grant.staff,
        revision=1,
        occurred_at=now,
        organisation_kind=grant.organisation_kind,
    )


async def eligibility_service(records: int) -> dict[str, float]:
    prefix = f"bench{uuid.uuid4().hex[:8]}."
    name = f"bench-eligibility-{uuid.uuid4().hex[:8]}"
    source, approvals, output = (
        t.prefixed(prefix)
        for t in (INTAKE_APPLICATION_RECEIVED, REPORTING_APPROVAL_CHANGED, ELIGIBILITY_APPLICATION_ASSESSED)
    )
    topics = [source.name, source.dlq, approvals.name, approvals.dlq, output.name]
    await create_topics(topics)
    settings = EligibilitySettings(kafka_bootstrap_servers=BOOTSTRAP, mongodb_uri=MONGODB_URI, mongodb_database=name)
    service = build(settings, name=name, topic_prefix=prefix)
    try:
        await MongoApprovals(service.database).save([apply_change(None, granted(n)) for n in range(ORGANISATIONS)])
        await produce_events(source, (received(i) for i in range(records)))

        group, tenth = group_id(name, source), records // 10
        started = time.perf_counter()
        async with service.lifespan():
            await wait_committed(group, source.name, tenth)
            warm = time.perf_counter()  # start-up and the first tenth behind: the steady rate follows
            await wait_committed(group, source.name, records)
            done = time.perf_counter()
            decisions = service.database["decisions"]  # the service closes its client when it stops
            stored = await decisions.count_documents({})
            eligible = await decisions.count_documents({"assessed.eligible": True})
    finally:
        await cleanup(topics, name, MONGODB_URI)
    assert stored == records, f"{stored} decisions stored for {records} records"
    return {
        "service_records": records,
        "service_assessments_per_s": records / (done - started),
        "service_steady_per_s": (records - tenth) / (done - warm),
        "service_seconds": done - started,
        "service_eligible_share": eligible / stored,
        "service_peak_rss_mb": rss_mb(),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--relay-records", type=int, default=20_000)
    args = parser.parse_args()
    configure_logging("bench", level="warning", fmt="console")
    figures = await eligibility_service(args.records)
    relay = await bare_relay(args.relay_records)
    figures |= relay | {"service_share_of_relay": figures["service_assessments_per_s"] / relay["relay_records_per_s"]}
    for name, value in figures.items():
        print(f"{name:30} {value:12.2f}")


if __name__ == "__main__":
    asyncio.run(main())
