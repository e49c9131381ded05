"""A dead letter as the tool reads it: its coordinates, the `dlq_*` headers, and the record to put back.

Everything shown to an operator passes through `chassis.redaction` unless they ask
for the personal data (`--unmask`): the value's fields whose names say they hold
personal data, and strings that look like it (in the value, the error text, headers).
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chassis.redaction import REDACTED, redact, redact_text
from contracts import cloudevents as ce
from ops.reading import Record, header_map

OURS = frozenset(
    {
        ce.DLQ_REASON_HEADER,
        ce.DLQ_ERROR_HEADER,
        ce.DLQ_SOURCE_TOPIC_HEADER,
        ce.DLQ_SOURCE_PARTITION_HEADER,
        ce.DLQ_SOURCE_OFFSET_HEADER,
        ce.DLQ_CONSUMER_GROUP_HEADER,
        ce.DLQ_ATTEMPTS_HEADER,
        ce.DLQ_TRUNCATED_HEADER,
        ce.DLQ_ORIGINAL_SIZE_HEADER,
        ce.DLQ_ORIGINAL_SHA256_HEADER,
        ce.DLQ_REDRIVEN_FROM_HEADER,
    }
)
"""Headers the dead-letter path adds; a redriven record leaves them behind (and gets a fresh `dlq_redriven_from`)."""


@dataclass(frozen=True, slots=True)
class Letter:
    record: Record
    headers: dict[str, str]

    @classmethod
    def of(cls, record: Record) -> "Letter":
        return cls(record, header_map(record))

    @property
    def ref(self) -> str:
        """`<dead-letter topic>:<partition>:<offset>`: how the tool names one dead letter."""
        return f"{self.record.topic}:{self.record.partition}:{self.record.offset}"

    @property
    def at(self) -> datetime:
        """When it was dead-lettered (the dead letter's own timestamp)."""
        return datetime.fromtimestamp(self.record.timestamp / 1000, UTC)

    @property
    def reason(self) -> str:
        return self.headers.get(ce.DLQ_REASON_HEADER, "?")

    @property
    def group(self) -> str:
        return self.headers.get(ce.DLQ_CONSUMER_GROUP_HEADER, "?")

    @property
    def key(self) -> str:
        return (self.record.key or b"").decode("utf-8", "replace")

    @property
    def source(self) -> tuple[str, int, int] | None:
        """The original's topic, partition and offset; None on a record the chassis did not write."""
        try:
            return (
                self.headers[ce.DLQ_SOURCE_TOPIC_HEADER],
                int(self.headers[ce.DLQ_SOURCE_PARTITION_HEADER]),
                int(self.headers[ce.DLQ_SOURCE_OFFSET_HEADER]),
            )
        except (KeyError, ValueError):
            return None

    @property
    def source_ref(self) -> str:
        """`<topic>:<partition>:<offset>` of the original (the dead letter's own when it names none)."""
        return ":".join(map(str, self.source)) if self.source else self.ref

    @property
    def redriven_from(self) -> str | None:
        """The dead letter this one's record was a redrive of: it failed again after that redrive."""
        return self.headers.get(ce.DLQ_REDRIVEN_FROM_HEADER)

    @property
    def truncated(self) -> bool:
        return self.headers.get(ce.DLQ_TRUNCATED_HEADER) == "true"

    def original_headers(self) -> list[tuple[str, bytes]]:
        """The original record's headers, byte for byte, without ours."""
        return [(k, v) for k, v in (self.record.headers or ()) if k not in OURS]


@dataclass(frozen=True, slots=True)
class Selection:
    """Which dead letters a command acts on; an unset field selects everything."""

    reason: str | None = None
    key: str | None = None
    group: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __contains__(self, letter: Letter) -> bool:
        return (
            (self.reason is None or letter.reason == self.reason)
            and (self.key is None or letter.key == self.key)
            and (self.group is None or letter.group == self.group)
            and (self.since is None or letter.at >= self.since)
            and (self.until is None or letter.at < self.until)
        )

    @property
    def narrowed(self) -> bool:
        return any(v is not None for v in (self.reason, self.key, self.group, self.since, self.until))


def masked(text: str, unmask: bool) -> str:
    return text if unmask else redact_text(text)


def render_value(value: bytes | None, unmask: bool) -> str:
    """The value as indented JSON, personal data masked; a value that is not JSON is shown only when unmasked."""
    data = value or b""
    try:
        parsed: Any = json.loads(data)
    except ValueError:
        if unmask:
            return data.decode("utf-8", "replace")
        return f"{REDACTED} ({len(data)} bytes, not JSON: shown only with --unmask)"
    return json.dumps(parsed if unmask else redact(parsed), indent=2, ensure_ascii=False)
