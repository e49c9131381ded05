"""Hands parked records back to their subscriptions once their wait is over, oldest production time first.

One loop per service instance. Each round reads the records whose turn has come in
the consumer groups and partitions this instance holds now (`ParkingLot.due`: every
head of a key's queues, once one of them is due), sorts them by production time, and
gives each run of one subscription's records to that subscription's delivery, which
applies, parks again or dead-letters them. Records released together are so applied
in the order they were produced, across topics too.

A round that can find nothing sends nothing. Records of a partition are parked only by
the instance holding it; so once a count found the lot empty, none is this instance's to
release while it parks nothing and its partitions stay the same, and the round returns
at once. It counts again after this instance parked (`ParkingLot.known_empty`), when its
partitions changed (their former holder may have parked some), at start (parked before a
restart), and every `RECOUNT_ROUNDS` rounds (a partition lost and won back between two
rounds; and the lot's gauge and wake-ups across instances, which follow that count). The
count reads `parked_records`, kept small by design (records leave it once applied or
dead-lettered), so what it costs does not grow with history either.
"""

import asyncio
import itertools
from collections.abc import Sequence

import structlog

from chassis.clock import Clock
from chassis.delivery import Delivery
from chassis.health import DeliveryHealth
from chassis.parking import ParkingLot

log = structlog.get_logger("chassis.release")
RECOUNT_ROUNDS = 20
"""While the lot is known empty, one round in this many counts: every 10 s at the default interval."""


class ParkedReleaser:
    def __init__(
        self,
        parking: ParkingLot,
        deliveries: Sequence[Delivery],
        *,
        health: DeliveryHealth,
        clock: Clock,
        interval_ms: int,
        limit: int,
    ) -> None:
        self._parking = parking
        self._deliveries = {d.group_id: d for d in deliveries}
        self._health = health
        self._clock = clock
        self._interval = interval_ms / 1000
        self._limit = limit
        self._quiet_owned: set[tuple[str, str, int]] | None = None
        """The partitions held when the last count found nothing parked; `None` when it found some."""
        self._quiet_rounds = 0

    async def run(self) -> None:
        """Forever; a failed round (the database away) raises, and the service's supervisor starts it again."""
        while True:
            await asyncio.sleep(self._interval)
            await self.release_due()

    async def release_due(self) -> int:
        """One round: returns how many parked records were handed back."""
        now = self._clock.now()
        owned = {
            (group, topic, partition) for group, d in self._deliveries.items() for topic, partition in d.assigned()
        }
        if self._parking.known_empty and owned == self._quiet_owned and self._quiet_rounds + 1 < RECOUNT_ROUNDS:
            self._quiet_rounds += 1
            return 0  # the usual case: nothing parked, nothing asked
        parked = await self._parking.count()
        self._health.parked_now.set(parked)
        self._quiet_owned, self._quiet_rounds = (None if parked else owned), 0
        if not parked:
            return 0
        due = await self._parking.due(owned, now, self._limit)
        for group, run in itertools.groupby(due, key=lambda r: r.group):
            await self._deliveries[group].redeliver(list(run), now)
        return len(due)
