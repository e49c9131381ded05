"""The lines FastStream writes through the services' logging read like the services' own."""

import logging

import structlog

from tests.log_capture import captured_log


def test_faststreams_context_is_fields_of_its_line_not_a_nested_extra() -> None:
    with captured_log() as log:
        # What FastStream does with the logger the chassis gives it (chassis.broker).
        logger = structlog.get_logger("faststream")
        logger.log(logging.WARNING, "Kafka error occurred", extra={"topic": "t.v1", "group_id": "g"}, exc_info=None)
        logger.log(logging.WARNING, "without context", extra=None, exc_info=None)

    first, second = log.lines()
    assert (first["event"], first["topic"], first["group_id"]) == ("Kafka error occurred", "t.v1", "g")
    assert "extra" not in first
    assert "extra" not in second
    assert "exc_info" not in second
