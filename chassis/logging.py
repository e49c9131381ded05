"""structlog set-up: JSON in containers, console on a terminal, always redacted.

Context (service, topic, event id, correlation id, application id) is bound with
`structlog.contextvars`, so every line a handler writes carries it; a line written
inside a span carries its `trace_id` and `span_id` (chassis.tracing).
"""

import logging
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

from chassis.redaction import redact_processor
from chassis.tracing import log_ids


def _flatten_extra(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """FastStream hands its context (topic, group, message id) to the logger as `extra=`, the standard library's
    way: made fields of the line like ours, and no `"extra": null` on the lines that have none."""
    extra = event_dict.pop("extra", None)
    if isinstance(extra, Mapping):
        for key, value in extra.items():
            event_dict.setdefault(str(key), value)
    return event_dict


def configure_logging(service: str, *, level: str = "info", fmt: str = "json") -> None:
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        _flatten_extra,
        log_ids,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_processor,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)

    # Libraries log through the standard library: send them through the same redaction and renderer.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=[*shared[:-1], structlog.stdlib.add_logger_name, redact_processor],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiokafka is chatty at INFO about group membership; warnings still show.
    logging.getLogger("aiokafka").setLevel(max(logging.WARNING, root.level))
