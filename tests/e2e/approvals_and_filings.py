"""Reporting and eligibility running together, so a test goes from the bureau's events to decisions.

Both run on the real broker and database, on their own copies of the topics (a prefix), so
nothing else on the broker reaches them; reporting's clock is the test's to move.
"""

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.clock import FixedClock
from chassis.service import Service
from contracts.application import Application
from contracts.base import Payload
from contracts.eligibility import ApplicationAssessed
from contracts.intake import ApplicationReceived, Channel
from contracts.topics import (
    ELIGIBILITY_APPLICATION_ASSESSED,
    INTAKE_APPLICATION_RECEIVED,
    REPORTING_APPROVAL_CHANGED,
    Topic,
)
from services.eligibility.app import build as build_eligibility
from services.eligibility.settings import EligibilitySettings
from services.reporting.app import build as build_reporting
from services.reporting.settings import ReportingSettings
from tests.integration.fast_delivery import FAST_DELIVERY
from tests.integration.kafka_helpers import cloudevent, consume, eventually, produce
from tests.integration.reporting.reporting_harness import create_reporting_topics, delete_reporting_topics, noon
from tests.running import running

# The database the test command points every test at (deploy/test.sh exports it), not a fixed port.
URI = os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/?directConnection=true")


@dataclass
class Pair:
    kafka: str
    prefix: str
    clock: FixedClock
    eligibility: Service

    def topic(self, topic: Topic) -> Topic:
        return topic.prefixed(self.prefix)

    async def send(self, topic: Topic, *payloads: Payload) -> None:
        await produce(self.kafka, [cloudevent(self.topic(topic), payload) for payload in payloads])

    async def file(self, application_id: str, application: Application) -> None:
        await self.send(INTAKE_APPLICATION_RECEIVED, filing(application_id, application))

    async def changes(self, count: int) -> list[str]:
        """The first `count` approval changes reporting published, by kind of change."""
        records = await consume(self.kafka, self.topic(REPORTING_APPROVAL_CHANGED).name, count)
        return [json.loads(record.value)["change"] for record in records]

    async def decisions(self, count: int) -> dict[str, ApplicationAssessed]:
        records = await consume(self.kafka, self.topic(ELIGIBILITY_APPLICATION_ASSESSED).name, count)
        assessed = (ApplicationAssessed.model_validate_json(record.value) for record in records)
        return {decision.application_id: decision for decision in assessed}

    async def projected(self, approvals: int, *, showing: str = "") -> None:
        """Waits until eligibility's projection holds `approvals` approvals, one of them `showing` that text."""

        async def holds() -> bool:
            documents = [d async for d in self.eligibility.database["approvals"].find({})]
            return len(documents) >= approvals and any(showing in str(d) for d in documents)

        await eventually(holds)


def filing(application_id: str, application: Application) -> ApplicationReceived:
    return ApplicationReceived(
        application_id=application_id,
        provisional_number=f"P-{application_id}",
        channel=Channel.KAFKA,
        received_at=application.submitted_at,
        application=application,
    )


def at(application: Application, submitted_at: datetime) -> Application:
    return application.model_copy(update={"submitted_at": submitted_at})


@asynccontextmanager
async def reporting_and_eligibility(
    kafka: str, database: AsyncDatabase[dict[str, Any]], today: date
) -> AsyncIterator[Pair]:
    """Both services running, reporting's clock at noon in Japan on `today`."""
    prefix = await create_reporting_topics(kafka)  # eligibility's topics too: reporting counts them
    clock = FixedClock(noon(today))
    reporting = build_reporting(
        ReportingSettings(
            kafka_bootstrap_servers=kafka,
            mongodb_uri=URI,
            mongodb_database=database.name,
            schedule_interval_seconds=0.1,
            delivery=FAST_DELIVERY,
        ),
        clock=clock,
        name=f"reporting-{prefix[:-1]}",
        topic_prefix=prefix,
    )
    eligibility = build_eligibility(
        EligibilitySettings(
            kafka_bootstrap_servers=kafka,
            mongodb_uri=URI,
            mongodb_database=database.name + "_e",
            delivery=FAST_DELIVERY,
        ),
        name=f"eligibility-{prefix[:-1]}",
        topic_prefix=prefix,
    )
    try:
        async with running(reporting), running(eligibility):
            yield Pair(kafka, prefix, clock, eligibility)
    finally:
        await delete_reporting_topics(kafka, prefix)
        await database.client.drop_database(database.name + "_e")
