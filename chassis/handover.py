"""Partitions handed to another consumer only once the batch in hand is settled.

When a consumer joins or leaves a group, Kafka takes every member's partitions back and
deals them out again. A member whose batch is still being handled (its e-mails going
out, say) would lose its partitions at once, and the member that gets them would read
the same uncommitted records and handle them at the same moment: two instances sending
one notice, each finding the other's claim without an outcome. (The fault suite's twins
run repeated 34 approval notices so, as the second instances joined.) aiokafka awaits a
rebalance listener before it rejoins the group, so this one holds the revocation until
the batch in hand returns. Everything in that batch is settled by then, so whoever reads
it next finds the outcomes and only acknowledges them, even if the commit that follows
comes too late. The fetcher hands out no new batch while the group rebalances, so the
wait is for one batch at most, within the group's rebalance timeout, set to the max poll
interval (aiokafka's default, the session timeout of 10 s, would drop the member
mid-batch): a batch held by an outage holds the rebalance as long.
"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from aiokafka import ConsumerRebalanceListener, TopicPartition

log = structlog.get_logger("chassis.handover")


class FinishBeforeHandover(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, group: str) -> None:
        self._group = group
        self._idle = asyncio.Event()
        self._idle.set()

    @contextmanager
    def handling(self) -> Iterator[None]:
        """Around each batch: the partitions are not given up while it runs."""
        self._idle.clear()
        try:
            yield
        finally:
            self._idle.set()

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        if not self._idle.is_set():
            log.info("partitions revoked; the batch in hand is finished first", group=self._group)
        await self._idle.wait()

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        pass
