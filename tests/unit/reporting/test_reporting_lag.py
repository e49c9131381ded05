"""Consumer lag: end offsets minus committed offsets, per topic."""

from aiokafka import TopicPartition

from services.reporting.adapters.kafka_lag import lag_per_topic


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
