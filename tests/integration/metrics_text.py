"""Reading a service's /metrics in tests: the text must parse as the Prometheus text format."""

from prometheus_client.parser import text_string_to_metric_families

Labels = tuple[tuple[str, str], ...]


def samples(text: str) -> dict[tuple[str, Labels], float]:
    """Every sample of an exposition (which must parse), by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def groups_with_lag(found: dict[tuple[str, Labels], float]) -> set[str]:
    """The consumer groups `delivery_consumer_lag` has a reading for."""
    return {dict(labels)["group"] for name, labels in found if name == "delivery_consumer_lag"}
