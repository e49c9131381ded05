"""The composition root: the topics intake reads and writes, and how a copy of it is isolated."""

from chassis.delivery import group_id
from services.intake.app import NAME, build
from services.intake.settings import IntakeSettings

from .wiring import settings


def test_intake_reads_and_writes_the_catalogue_topics_by_default() -> None:
    service = build(settings())
    assert service.name == NAME == "intake"
    assert "portal.application-submitted.v1" in {t.name for t in service.inputs}
    assert "intake.application-received.v1" in set(service.publisher.topics)


def test_a_copy_is_isolated_by_name_and_topic_prefix_as_the_other_services_are() -> None:
    """`build(..., name=..., topic_prefix=...)`: with the prefix of the other services' copies intake joins them."""
    service = build(settings(), name="intake-copy", topic_prefix="t1.")
    assert service.name == "intake-copy"
    assert service.database.name == "intake-copy"
    assert {d.group_id for d in service.deliveries} == {group_id("intake-copy", t) for t in service.inputs}
    assert {t.name for t in service.inputs} >= {
        "t1.portal.application-submitted.v1",
        "t1.eligibility.application-assessed.v1",
        "t1.notification.notice-sent.v1",
    }
    assert all(t.name.startswith("t1.") for t in service.inputs)
    assert set(service.publisher.topics) == {
        "t1.intake.application-received.v1",
        "t1.intake.application-accepted.v1",
        "t1.intake.application-not-eligible.v1",
        "t1.intake.application-withdrawn.v1",
        "t1.intake.application-status-changed.v1",
        "t1.intake.documents-submitted-online.v1",
    }


def test_no_setting_exists_only_to_isolate_a_copy() -> None:
    assert not {"instance_name", "topic_suffix"} & set(IntakeSettings.model_fields)
