"""What has been redriven: a compacted topic of its own, one record per dead letter put back.

Keyed by the dead letter's coordinates (`Letter.ref`), so each dead letter is
redriven once whatever how often the command runs. The record goes back first and
its mark is written after, once the broker has acknowledged it: a run stopped
between the two redrives that record again next time, and the consumers, which keep
their outcomes under the event id (unchanged by a redrive), take it as a duplicate.
The other order could lose a dead letter for good.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from ops.reading import ensure_topic, read_all

LEDGER_TOPIC = "ops.redriven.v1"


@dataclass(frozen=True, slots=True)
class Mark:
    letter: str
    """The dead letter's `<topic>:<partition>:<offset>`."""
    source: str
    """The original's `<topic>:<partition>:<offset>`, which several groups' dead letters may share."""
    to: str
    """Where the record went back: `<topic>:<partition>:<offset>`."""
    at: datetime

    def record(self, ledger: str) -> tuple[str, int, bytes, bytes, list[tuple[str, bytes]]]:
        """(topic, partition, key, value, headers) of this mark on the one-partition ledger topic."""
        value = {"letter": self.letter, "source": self.source, "to": self.to, "at": self.at.isoformat()}
        return ledger, 0, self.letter.encode(), json.dumps(value).encode(), []


class Ledger:
    def __init__(self, bootstrap: str, prefix: str = "", replication_factor: int = 1) -> None:
        self.topic = prefix + LEDGER_TOPIC
        self._bootstrap = bootstrap
        self._replication_factor = replication_factor

    async def marks(self) -> dict[str, Mark]:
        """Every dead letter redriven so far, by its coordinates (none when the ledger does not exist yet)."""
        await self.ensure()
        marks = {}
        for record in await read_all(self._bootstrap, [self.topic]):
            if record.value is None:
                continue
            value = json.loads(record.value)
            marks[value["letter"]] = Mark(
                value["letter"], value["source"], value["to"], datetime.fromisoformat(value["at"])
            )
        return marks

    async def ensure(self) -> None:
        await ensure_topic(
            self._bootstrap,
            self.topic,
            replication_factor=self._replication_factor,
            # Compacted: one mark per dead letter is kept for good, however old.
            configs={"cleanup.policy": "compact"},
        )

    def new_marks(self, redriven: Iterable[tuple[str, str, str]]) -> list[Mark]:
        """Marks for (dead letter, source, where it went)."""
        now = datetime.now(UTC)
        return [Mark(letter, source, to, now) for letter, source, to in redriven]
