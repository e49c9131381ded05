"""Intake with a publisher that hangs after every write: `python -m tests.e2e.intake.held_intake NAME PREFIX`.

The crash test kills this process between storing an application and publishing its
events. The fault lives here, in a test adapter, so the service ships no knob for it.
"""

import asyncio
import sys
from collections.abc import Sequence

from services.intake import app
from services.intake.__main__ import main
from services.intake.adapters.publishing import KafkaPublisher
from services.intake.handlers.ports import OutboxEvent

HOLD_SECONDS = 600.0


class HeldPublisher(KafkaPublisher):
    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        await asyncio.sleep(HOLD_SECONDS)
        await super().publish(events)


if __name__ == "__main__":
    app.KafkaPublisher = HeldPublisher  # type: ignore[misc]  # build() looks the name up when it runs
    main(name=sys.argv[1], topic_prefix=sys.argv[2])
