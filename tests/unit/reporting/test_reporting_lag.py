"""Consumer lag: end offsets minus committed offsets, per topic; and whose groups are whose, per service."""

from aiokafka import TopicPartition

from services.reporting.adapters.kafka_lag import lag_per_topic
from services.reporting.domain.lag import Subscription, per_service, subscription_of


def test_lag_is_the_sum_over_partitions_of_end_minus_committed() -> None:
    a0, a1, b0 = TopicPartition("a", 0), TopicPartition("a", 1), TopicPartition("b", 0)
    assert lag_per_topic({a0: 10, a1: 5, b0: 7}, {a0: 4, a1: 5, b0: 7}, {}) == {"a": 6, "b": 0}


def test_a_partition_never_committed_counts_from_its_beginning_offset() -> None:
    a0 = TopicPartition("a", 0)
    assert lag_per_topic({a0: 10}, {}, {a0: 3}) == {"a": 7}
    assert lag_per_topic({a0: 10}, {}, {}) == {"a": 10}


def test_lag_is_never_negative() -> None:
    a0 = TopicPartition("a", 0)
    assert lag_per_topic({a0: 10}, {a0: 12}, {}) == {"a": 0}


TOPICS = ("intake.application-received.v1", "notification.notice-sent.v1", "portal.application-submitted.v1")
SERVICES = ("intake", "eligibility", "notification", "reporting")


def test_a_group_named_by_the_delivery_rule_belongs_to_the_service_before_the_topic() -> None:
    assert subscription_of("notification.intake.application-received.v1", TOPICS, SERVICES) == Subscription(
        "notification", "intake.application-received.v1"
    )
    assert subscription_of("intake.portal.application-submitted.v1", TOPICS, SERVICES) == Subscription(
        "intake", "portal.application-submitted.v1"
    )


def test_groups_that_are_not_the_systems_are_left_out() -> None:
    assert subscription_of("console-consumer-1234", TOPICS, SERVICES) is None
    assert subscription_of("intake.application-received.v1", TOPICS, SERVICES) is None  # a topic is not a group
    assert subscription_of("redrive.intake.application-received.v1.dlq", TOPICS, SERVICES) is None
    # A side-by-side copy's groups (`<service>.<prefix>.<topic>`) are not taken for the unprefixed system's.
    assert subscription_of("reporting-1.t0a1b2.intake.application-received.v1", TOPICS, SERVICES) is None
    # A copy run under another name, or a retired consumer: its lag would grow for ever on the dashboard.
    assert subscription_of("eligibility-test-0a1b.intake.application-received.v1", TOPICS, SERVICES) is None
    assert subscription_of("eligibility-test-0a1b.intake.application-received.v1", TOPICS, ("eligibility-test-0a1b",))


def test_the_lag_of_a_service_sums_its_groups() -> None:
    lag = {
        "notification.intake.application-received.v1": 296,
        "notification.notice-sent.v1": 1,  # not of the delivery rule
        "reporting.notification.notice-sent.v1": 4,
        "reporting.intake.application-received.v1": 6,
        "intake.portal.application-submitted.v1": 0,
    }
    assert per_service(lag, TOPICS, SERVICES) == {"intake": 0, "notification": 296, "reporting": 10}
