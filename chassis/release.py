"""Hands parked records back to their subscriptions once their wait is over, oldest production time first.

One loop per service instance. Each round reads the records whose turn has come in
the consumer groups and partitions this instance holds now (`ParkingLot.due`: every
head of a key's queues, once one of them is due), sorts them by production time, and
gives each run of one subscription's records to that subscription's delivery, which
applies, parks again or dead-letters them. Records released together are so applied
in the order they were produced, across topics too.
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
        parked = await self._parking.count()
        self._health.parked_now.set(parked)
        if not parked:
            return 0  # the usual case: one count, no scan
        due = await self._parking.due(owned, now, self._limit)
        for group, run in itertools.groupby(due, key=lambda r: r.group):
            await self._deliveries[group].redeliver(list(run), now)
        return len(due)
