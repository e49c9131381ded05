"""Faults of the records themselves: events that arrive before what they name exists, and poison.

Why out of order: the examination system is another organisation's system on its own
topics, so nothing orders its events after intake's; a decision or a request for
documents can be read before the submission it is about. The harness knows every
application id in advance (`application_id_for` is deterministic), so it publishes such
events for applications the load will submit a few seconds later. Those applications
must still end granted, with each notice sent once: a decision published early is not
published again when the application is accepted, and a request for documents adds its
own notice.
"""

import asyncio
from datetime import timedelta

from bench._load import Load
from bench._poison import malformed, max_message_bytes, near_limit, refused
from bench._run import Run
from bench._samples import eligible
from contracts.examination import DocumentsRequested
from contracts.topics import EXAMINATION_DECISION_MADE, EXAMINATION_DOCUMENTS_REQUESTED, PORTAL_APPLICATION_SUBMITTED

EARLY_PER_KIND = 25
AHEAD_SECONDS = 1.0
"""Only applications the load will submit at least this long after the early events are published."""


async def out_of_order(run: Run) -> None:
    load = run.load
    first = load.handed_over + int(AHEAD_SECONDS * load.rate)
    ahead = [i for i in range(first, len(load.ids)) if eligible(i)]
    early_decisions, early_requests = ahead[0::2][:EARLY_PER_KIND], ahead[1::2][:EARLY_PER_KIND]
    if not early_decisions or not early_requests:
        raise RuntimeError(f"too few applications left after {first} for out-of-order events: raise --applications")
    sends = []
    for i in early_decisions:
        application_id = load.ids[i]
        load.decided.add(application_id)
        decision = load.decision(application_id, f"EARLY-RECEIPT-{i:08d}")
        sends.append(load.publish(EXAMINATION_DECISION_MADE, decision, f"decision-{application_id}"))
    for i in early_requests:
        load.documents_requested.add(load.ids[i])
        sends.append(load.publish(EXAMINATION_DOCUMENTS_REQUESTED, request(load, i), f"documents-{load.ids[i]}"))
    await asyncio.gather(*sends)
    late = load.handed_over - first
    if late > 0:
        run.notes.append(f"the load had reached {late} of the early events' applications before they were all sent")


def request(load: Load, i: int) -> DocumentsRequested:
    return DocumentsRequested(
        application_id=load.ids[i],
        receipt_number=f"EARLY-RECEIPT-{i:08d}",
        documents=("employment contract",),
        due_on=load.now.date() + timedelta(days=14),
        requested_at=load.now,
    )


async def poison(run: Run) -> None:
    """Every kind of unusable record on the portal's topic and two examination topics."""
    load = run.load
    # The reused submission id must come second, or intake would rightly refuse the original instead.
    deadline = asyncio.get_running_loop().time() + 120
    while run.statuses.status(load.ids[0]) is None and asyncio.get_running_loop().time() < deadline:
        await run.statuses.update()
        await asyncio.sleep(0.5)
    portal = PORTAL_APPLICATION_SUBMITTED
    records = [
        *malformed(portal, load.applications[1], "poison-portal"),
        *refused(portal, load.applications[0], "poison-portal"),
        near_limit(portal, load.applications[1], "poison-portal-huge", max_message_bytes()),
        *malformed(EXAMINATION_DECISION_MADE, load.decision(load.ids[1], "POISON-RECEIPT"), "poison-decision"),
        *malformed(EXAMINATION_DOCUMENTS_REQUESTED, request(load, 1), "poison-documents"),
    ]
    for record in records:
        meta = await load.publisher.send(record.topic, record.key, record.value, record.headers)
        run.poison[record.topic, int(meta.partition), int(meta.offset)] = record.kind
