"""The dashboard's lag is the whole system's, per service: another service's consumer group, read from the broker.

A group named by the delivery rule (`<service>.<topic>`) on one of the catalogue's topics (the
test's copy) commits part of what was produced; reporting's figures, history and dashboard must
show that service exactly `end - committed` behind. Dead letters written while reporting runs
show in the hour's history.
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from chassis.kafka_security import client_options
from contracts.topics import INTAKE_APPLICATION_RECEIVED, PORTAL_APPLICATION_SUBMITTED
from services.reporting.adapters.kafka_lag import KafkaLag
from tests.integration.kafka_helpers import create_topics, delete_topics, eventually, produce
from tests.integration.reporting.reporting_harness import Reporting
from tests.running import running


@pytest.fixture
async def submissions(reporting: Reporting) -> AsyncIterator[str]:
    """The test's copy of a topic reporting does not read (intake does), with two partitions."""
    name = reporting.topic(PORTAL_APPLICATION_SUBMITTED).name
    await create_topics(reporting.kafka, [name], partitions=2)
    yield name
    await delete_topics(reporting.kafka, [name])


async def commit_some(kafka: str, group: str, topic: str) -> int:
    """Commits the first partition's offset short of its end, the second not at all; returns the lag left."""
    consumer = AIOKafkaConsumer(**client_options(), bootstrap_servers=kafka, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        beginnings = await consumer.beginning_offsets(partitions)
        assert ends[partitions[0]] >= 2, "both partitions got records"
        await consumer.commit({partitions[0]: ends[partitions[0]] - 2})
        return 2 + ends[partitions[1]] - beginnings[partitions[1]]
    finally:
        await consumer.stop()


async def test_the_figures_and_the_dashboard_show_another_services_lag_as_end_minus_committed(
    reporting: Reporting, submissions: str
) -> None:
    service = "intake"  # the group is the test's own all the same: its topic is the test's copy
    await produce(reporting.kafka, [(submissions, f"k{n}".encode(), b"{}", []) for n in range(20)])
    expected = await commit_some(reporting.kafka, f"{service}.{submissions}", submissions)
    assert expected > 2

    probe = KafkaLag(reporting.kafka, {}, topics=[submissions], services=[service], cache_seconds=0)
    try:
        assert (await probe.read()).by_service == {service: expected}
    finally:
        await probe.close()

    async with running(reporting.service()) as http:
        figures: dict[str, Any] = {}

        async def shown() -> bool:
            nonlocal figures
            figures = (await http.get("/figures")).json()
            hours = (await http.get("/figures/history")).json()["hours"]
            return figures["service_lag"].get(service) == expected and hours[-1]["lag"].get(service) == expected

        await eventually(shown, timeout=30)
        page = (await http.get("/dashboard")).text

    assert figures["service_lag"][service] == expected
    assert reporting.name in figures["service_lag"], "reporting's own groups are a service like the others"
    assert f">{service} {expected}</text>" in page, "the lag chart's legend: the service and its lag"


async def test_records_dead_lettered_while_reporting_runs_show_in_the_hours_dead_letters(
    reporting: Reporting,
) -> None:
    async with running(reporting.service()) as http:

        async def history() -> dict[str, Any]:
            hours: list[dict[str, Any]] = (await http.get("/figures/history")).json()["hours"]
            return hours[-1]

        async def sampled() -> bool:
            return (await history())["dead_letters"] is not None

        await eventually(sampled, timeout=30)
        topic = reporting.topic(INTAKE_APPLICATION_RECEIVED).name
        await produce(reporting.kafka, [(topic, b"bad-1", b"not an event", []), (topic, b"bad-2", b"{}", [])])

        async def counted() -> bool:
            return (await history())["dead_letters"] == 2

        await eventually(counted, timeout=30)
    assert len(await reporting.records(INTAKE_APPLICATION_RECEIVED, suffix=".dlq")) == 2
