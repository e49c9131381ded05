"""What a fault run ended with, read from outside the services: statuses, e-mails, dead letters.

Why black-box: the point is what the system's users and neighbours see. An application's
status is the last `intake.application-status-changed.v1` record for it (they are keyed by
application id, so one application's records keep their order; the highest revision
wins). A notice is a Message-ID in the SMTP sink's stored messages: the notification
service derives it from the notice, so the same notice sent twice shows as a repeated
Message-ID, and its last part names the notice's kind (`<event id>+<kind>@domain`). A
dead letter is a record of a `.dlq` topic, whose headers name its source record and the
consumer group that gave up on it, so it can be matched to the poison the run published.
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench._resilient import Tail, end_offsets, topics
from contracts import cloudevents as ce
from contracts.intake import ApplicationStatus, ApplicationStatusChanged
from contracts.topics import DLQ_SUFFIX, INTAKE_APPLICATION_STATUS_CHANGED

FINAL = frozenset(
    {
        ApplicationStatus.GRANTED,
        ApplicationStatus.DENIED,
        ApplicationStatus.NOT_ELIGIBLE,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.CLOSED,
    }
)
"""Statuses the run's applications do not leave (nothing after a decision is published)."""
MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]*>)", re.IGNORECASE | re.MULTILINE)


class Statuses:
    def __init__(self, bootstrap: str) -> None:
        self._tail = Tail(bootstrap, INTAKE_APPLICATION_STATUS_CHANGED.name)
        self.latest: dict[str, tuple[int, ApplicationStatus]] = {}

    async def update(self) -> None:
        while records := await self._tail.poll(timeout=0.2):
            for record in records:
                changed = ApplicationStatusChanged.model_validate_json(record.value)
                known = self.latest.get(changed.application_id)
                if known is None or changed.revision >= known[0]:
                    self.latest[changed.application_id] = (changed.revision, changed.status)

    def status(self, application_id: str) -> ApplicationStatus | None:
        known = self.latest.get(application_id)
        return None if known is None else known[1]

    async def close(self) -> None:
        await self._tail.close()


class Notices:
    """Message-IDs of the messages the sink stored, read incrementally (a file is never rewritten)."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._read: set[str] = set()
        self.ids: Counter[str] = Counter()

    def update(self) -> None:
        if not self._directory.exists():
            return
        for path in self._directory.glob("*.eml"):
            if path.name not in self._read:
                self._read.add(path.name)
                head = path.read_bytes().split(b"\r\n\r\n", 1)[0]
                found = MESSAGE_ID.search(head)
                self.ids[found[1].decode(errors="replace") if found else f"(no Message-ID: {path.name})"] += 1

    @property
    def duplicated(self) -> int:
        return sum(self.ids.values()) - len(self.ids)

    def kinds(self) -> Counter[str]:
        """Unique notices per kind (the Message-ID's part after its last `+`)."""
        return Counter(message_id.rsplit("@", 1)[0].rsplit("+", 1)[-1] for message_id in self.ids)


def shortfall(expected: Counter[str], got: Counter[str]) -> tuple[int, int]:
    """(missing, extra) notices, kind by kind."""
    return sum((expected - got).values()), sum((got - expected).values())


@dataclass(frozen=True)
class Letter:
    topic: str
    reason: str
    source: tuple[str, int, int, str]
    """(source topic, partition, offset, consumer group) as the dlq_* headers give them."""


async def dead_letters(bootstrap: str) -> list[Letter]:
    """Every record of every dead-letter topic."""
    names = sorted(t for t in await topics(bootstrap) if t.endswith(DLQ_SUFFIX))
    ends = await end_offsets(bootstrap, names) if names else {}
    letters: list[Letter] = []
    for name in names:
        wanted = sum(n for tp, n in ends.items() if tp.topic == name)
        tail = Tail(bootstrap, name)
        try:
            read = 0
            while read < wanted:
                for record in await tail.poll():
                    read += 1
                    headers = {k: v.decode(errors="replace") for k, v in record.headers or () if k.startswith("dlq_")}
                    source = (
                        headers.get(ce.DLQ_SOURCE_TOPIC_HEADER, "?"),
                        int(headers.get(ce.DLQ_SOURCE_PARTITION_HEADER, "-1")),
                        int(headers.get(ce.DLQ_SOURCE_OFFSET_HEADER, "-1")),
                        headers.get(ce.DLQ_CONSUMER_GROUP_HEADER, "?"),
                    )
                    letters.append(Letter(name, headers.get(ce.DLQ_REASON_HEADER, "?"), source))
        finally:
            await tail.close()
    return letters
