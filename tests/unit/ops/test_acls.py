"""The broker's ACLs, drawn from the catalogue: each principal gets exactly what the catalogue names it to."""

from typing import Any

import pytest

from contracts import topics as t
from contracts.topics import CATALOGUE, DLQ_SUFFIX
from ops import acls as generator
from ops.acls import Acl, acls, principals
from services.eligibility.app import build as eligibility
from services.eligibility.settings import EligibilitySettings
from services.intake.app import build as intake
from services.notification.app import build as notification
from services.notification.settings import NotificationSettings
from services.reporting.app import build as reporting
from services.reporting.settings import ReportingSettings
from tests.unit.intake.wiring import settings as intake_settings

SERVICES = ("eligibility", "intake", "notification", "reporting")
UPSTREAM = (t.UPSTREAM_BUREAU, t.UPSTREAM_EXAMINATION, t.UPSTREAM_PORTAL)


def granted(principal: str, operation: str, resource: str = "TOPIC") -> set[str]:
    return {a.name for a in acls() if a.principal == principal and a.operation == operation and a.resource == resource}


def test_the_catalogue_names_as_readers_exactly_the_services_that_subscribe(monkeypatch: pytest.MonkeyPatch) -> None:
    servers: dict[str, Any] = {"kafka_bootstrap_servers": "127.0.0.1:9", "mongodb_uri": "mongodb://127.0.0.1:9"}
    monkeypatch.setenv("MAIL_FROM", "noreply@example.go.jp")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    built = {
        "eligibility": eligibility(EligibilitySettings(**servers)),
        "intake": intake(intake_settings()),
        "notification": notification(NotificationSettings(**servers)),
        "reporting": reporting(ReportingSettings(**servers)),
    }
    subscribed = {(name, topic.name) for name, service in built.items() for topic in service.inputs}
    catalogued = {(reader, topic.name) for topic in CATALOGUE for reader in topic.readers}
    assert subscribed == catalogued


def test_the_principals_are_the_four_services_and_the_upstream_systems() -> None:
    assert principals() == sorted((*SERVICES, *UPSTREAM))


def test_a_writer_may_write_only_its_topics_and_the_dead_letter_topics_of_its_inputs() -> None:
    for principal in principals():
        own = {topic.name for topic in CATALOGUE if topic.writer == principal}
        dead_letters = {topic.dlq for topic in CATALOGUE if principal in topic.readers}
        assert granted(principal, "WRITE") == own | dead_letters, principal


def test_only_eligibility_may_write_assessments() -> None:
    assert [p for p in principals() if t.ELIGIBILITY_APPLICATION_ASSESSED.name in granted(p, "WRITE")] == [
        "eligibility"
    ]


def test_a_reader_may_read_only_its_inputs_in_its_own_groups() -> None:
    for principal in principals():
        assert granted(principal, "READ") == {topic.name for topic in CATALOGUE if principal in topic.readers}
        groups = {a for a in acls() if a.principal == principal and a.resource == "GROUP" and a.operation == "READ"}
        assert groups == (
            {Acl(principal, "GROUP", f"{principal}.", "PREFIXED", "READ")} if principal in SERVICES else set()
        )


def test_upstream_systems_read_nothing_and_write_only_their_upstream_topics() -> None:
    for principal in UPSTREAM:
        assert not granted(principal, "READ")
        assert not granted(principal, "READ", "GROUP")
        assert all(not name.endswith(DLQ_SUFFIX) for name in granted(principal, "WRITE"))
        assert granted(principal, "WRITE") == {topic.name for topic in CATALOGUE if topic.writer == principal}


def test_only_reporting_may_describe_every_topic_and_group() -> None:
    wildcard = [a for a in acls() if a.name == generator.ANY]
    assert {(a.principal, a.resource, a.operation) for a in wildcard} == {
        ("reporting", "TOPIC", "DESCRIBE"),
        ("reporting", "GROUP", "DESCRIBE"),
    }


def test_print_shows_one_acl_a_line_and_principals_one_name_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert generator.main(["print"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(acls())
    assert "User:eligibility ALLOW WRITE on TOPIC eligibility.application-assessed.v1 (LITERAL)" in lines
    assert generator.main(["principals"]) == 0
    assert capsys.readouterr().out.split() == principals()
    assert generator.main([]) == 2
