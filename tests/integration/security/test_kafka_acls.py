"""The secured broker refuses what the catalogue's ACLs do not allow (ops.acls, docs/security.md).

Runs against the broker the test command starts (deploy/servers.sh, KAFKA_SECURITY=on): the harness's own
clients are the super user `admin`, whose password file lies beside every other principal's.
"""

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import GroupAuthorizationFailedError, KafkaError, TopicAuthorizationFailedError
from pydantic import SecretStr

from chassis.kafka_security import client_options
from chassis.settings import KafkaSecuritySettings
from contracts import topics as t

ASSESSED = t.ELIGIBILITY_APPLICATION_ASSESSED.name


def as_principal(name: str, password: str | None = None) -> dict[str, Any]:
    admin_password = os.environ.get("KAFKA_SASL_PASSWORD_FILE")
    if KafkaSecuritySettings().kafka_security_protocol != "SASL_SSL" or admin_password is None:
        pytest.fail(
            "These tests need the secured broker: run them with deploy/test.sh (KAFKA_SECURITY_PROTOCOL=SASL_SSL)"
        )
    own = (Path(admin_password).parent / f"{name}.password").read_text(encoding="utf-8").strip()
    settings = KafkaSecuritySettings(kafka_sasl_username=name, kafka_sasl_password=SecretStr(own))
    options = client_options(settings)
    if password is not None:
        options["sasl_plain_password"] = password
    return options


async def publish(kafka: str, topic: str, security: dict[str, Any]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka, request_timeout_ms=10_000, **security)
    await producer.start()
    try:
        await asyncio.wait_for(producer.send_and_wait(topic, b"{}", key=b"test"), 30)
    finally:
        await producer.stop()


async def read(kafka: str, topic: str, group: str, security: dict[str, Any]) -> int:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **security,
    )
    try:
        await consumer.start()
        batch = await asyncio.wait_for(consumer.getmany(timeout_ms=3_000), 30)
        return sum(len(records) for records in batch.values())
    finally:
        await consumer.stop()


async def test_the_writer_of_a_topic_may_publish_and_its_reader_may_read_it(kafka: str) -> None:
    await publish(kafka, ASSESSED, as_principal("eligibility"))
    assert await read(kafka, ASSESSED, f"intake.acl-test.{os.getpid()}", as_principal("intake")) >= 1


@pytest.mark.parametrize("intruder", ["intake", "upstream-portal", "reporting"])
async def test_an_assessment_published_by_any_other_principal_is_refused(kafka: str, intruder: str) -> None:
    with pytest.raises(TopicAuthorizationFailedError):
        await publish(kafka, ASSESSED, as_principal(intruder))


async def test_a_client_without_the_password_is_not_let_in(kafka: str) -> None:
    with pytest.raises(KafkaError):
        await publish(kafka, ASSESSED, as_principal("eligibility", password="not-the-password"))


async def test_a_client_without_tls_and_sasl_is_not_let_in(kafka: str) -> None:
    with pytest.raises(KafkaError):
        await publish(kafka, ASSESSED, {})


async def test_a_service_cannot_read_a_topic_it_does_not_consume(kafka: str) -> None:
    # Eligibility consumes received applications, not status changes (contracts/topics.py).
    with pytest.raises(TopicAuthorizationFailedError):
        await read(kafka, t.INTAKE_APPLICATION_STATUS_CHANGED.name, "eligibility.acl-test", as_principal("eligibility"))


async def test_a_service_cannot_consume_in_another_services_group(kafka: str) -> None:
    with pytest.raises(GroupAuthorizationFailedError):
        await read(kafka, t.INTAKE_APPLICATION_RECEIVED.name, "intake.acl-test", as_principal("eligibility"))


async def test_an_upstream_system_may_write_only_its_own_topics(kafka: str) -> None:
    await publish(kafka, t.PORTAL_APPLICATION_SUBMITTED.name, as_principal("upstream-portal"))
    with pytest.raises(TopicAuthorizationFailedError):
        await publish(kafka, t.EXAMINATION_DECISION_MADE.name, as_principal("upstream-portal"))
