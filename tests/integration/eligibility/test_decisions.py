"""Decisions flow from intake's events to the decision topic, once per source event, on the real servers."""

import json

from contracts import cloudevents as ce
from contracts.application import FilerCategory
from contracts.topics import DLQ_SUFFIX, ELIGIBILITY_APPLICATION_ASSESSED, INTAKE_APPLICATION_RECEIVED
from services.eligibility.handlers.assess import decision_event_id
from tests.unit.eligibility.factories import FILING_DATE, baseline

from .harness import Harness, unique

DECISIONS = ELIGIBILITY_APPLICATION_ASSESSED


def headers(record: object) -> dict[str, str]:
    return {k: v.decode() for k, v in record.headers}  # type: ignore[attr-defined]


async def test_each_received_application_is_decided_and_a_duplicate_event_gets_the_same_decision_and_id(
    eligibility: Harness,
) -> None:
    individual, staff = unique("app-individual"), unique("app-staff")
    source = unique("evt")
    async with eligibility.running() as client:
        ready = await client.get("/health/ready")
        since = await eligibility.ends(DECISIONS)
        await eligibility.send(
            eligibility.arrival(baseline(FilerCategory.FOREIGN_NATIONAL), individual, source),
            eligibility.arrival(baseline(FilerCategory.ORGANISATION_STAFF), staff),  # no approval projected
        )
        first = await eligibility.read(since, [individual, staff], 2)

        await eligibility.send(eligibility.arrival(baseline(FilerCategory.FOREIGN_NATIONAL), individual, source))
        both = await eligibility.read(since, [individual], 2)

    assert ready.json()["checks"] == {"kafka": "ok", "mongodb": "ok", "delivery": "ok"}
    decided = {record.key.decode(): json.loads(record.value) for record in first}
    assert decided[individual]["eligible"] is True
    assert decided[individual]["rules_date"] == FILING_DATE.isoformat()
    assert decided[staff]["eligible"] is False
    assert [r["code"] for r in decided[staff]["reasons"]] == ["approval_missing"]

    original, again = both
    assert (
        headers(original)[ce.HEADER_PREFIX + "id"]
        == headers(again)[ce.HEADER_PREFIX + "id"]
        == decision_event_id(source)
    )
    assert headers(again)[ce.HEADER_PREFIX + ce.CAUSATION_EXTENSION] == source
    assert original.value == again.value
    assert await eligibility.database["decisions"].count_documents({}) == 2


async def test_a_malformed_record_is_dead_lettered_and_the_next_is_still_decided(eligibility: Harness) -> None:
    broken, good = unique("app-broken"), unique("app-good")
    received = eligibility.topic(INTAKE_APPLICATION_RECEIVED)
    _, _, _, valid_headers = eligibility.arrival(baseline(FilerCategory.FOREIGN_NATIONAL), broken)
    async with eligibility.running():
        letters_since = await eligibility.ends(INTAKE_APPLICATION_RECEIVED, suffix=DLQ_SUFFIX)
        since = await eligibility.ends(DECISIONS)
        await eligibility.send(
            (received.name, broken.encode(), b'{"application_id": 42}', valid_headers),
            eligibility.arrival(baseline(FilerCategory.FOREIGN_NATIONAL), good),
        )
        [decision] = await eligibility.read(since, [good], 1)
        [letter] = await eligibility.read(letters_since, [broken], 1)

    assert json.loads(decision.value)["eligible"] is True
    reasons = headers(letter)
    assert reasons[ce.DLQ_REASON_HEADER] == "malformed"
    assert reasons[ce.DLQ_ERROR_HEADER].startswith("invalid data: ")
    assert reasons[ce.DLQ_CONSUMER_GROUP_HEADER] == f"{eligibility.name}.{received.name}"
