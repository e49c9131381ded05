"""Settings every service reads: the broker list as Kafka clients take it."""

from chassis.settings import ServiceSettings


def test_several_bootstrap_servers_are_a_list_for_the_broker_not_one_host_named_with_commas() -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers="127.0.0.1:29092, 127.0.0.1:29192,127.0.0.1:29292", mongodb_uri="mongodb://x"
    )
    assert settings.bootstrap_servers == ["127.0.0.1:29092", "127.0.0.1:29192", "127.0.0.1:29292"]
