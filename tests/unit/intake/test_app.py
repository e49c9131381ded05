"""The composition root: the topics intake reads and writes, renamed for an isolated copy."""

from services.intake.app import build

from .wiring import settings


def test_intake_reads_and_writes_the_catalogue_topics_by_default() -> None:
    service = build(settings())
    assert "portal.application-submitted.v1" in {t.name for t in service.inputs}
    assert "intake.application-received.v1" in set(service.publisher.topics)


def test_a_topic_prefix_puts_intake_beside_the_other_services_of_an_isolated_copy() -> None:
    """The other services take `build(..., topic_prefix=...)`; with the same prefix intake joins their copy."""
    service = build(settings(instance_name="intake-copy"), topic_prefix="t1.")
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
    }


def test_a_prefix_and_a_suffix_together_rename_both_ends() -> None:
    service = build(settings(topic_suffix=".b1"), topic_prefix="t1.")
    assert "t1.intake.application-received.v1.b1" in set(service.publisher.topics)
