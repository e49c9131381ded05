"""What a service writes to its log, captured as its JSON lines, for tests that read the log an operator reads."""

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from typing import Any

from chassis.logging import configure_logging


class CapturedLog:
    def __init__(self) -> None:
        self.buffer = io.StringIO()

    @property
    def text(self) -> str:
        return self.buffer.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def named(self, event: str) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line.get("event") == event]


@contextmanager
def captured_log(service: str = "tests", level: str = "info") -> Iterator[CapturedLog]:
    """The log as a service in a container writes it (JSON, redacted), structlog's and the standard library's
    lines alike; the session's console logging is restored afterwards."""
    log = CapturedLog()
    try:
        with redirect_stderr(log.buffer):
            configure_logging(service, level=level, fmt="json")
            yield log
    finally:
        configure_logging("tests", level="warning", fmt="console")
