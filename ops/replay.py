"""Replaying a topic from a moment on to one consumer group, by moving the group's committed offsets.

Each partition's offset goes to the first record at or after `since`
(`offsets_for_times`), or to the partition's end when nothing is that recent. The
group then reads everything from there on when it next starts: offsets cannot stop
it at an end time, and need not, since the services keep outcomes under the event
id and take what they handled before as duplicates. Offsets are only moved while
the group has no members: a running consumer would overwrite them with its next
commit (and the broker refuses a commit from outside a group with members anyway).
"""

from dataclasses import dataclass
from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from chassis.kafka_security import client_options
from ops.reading import admin_client, partitions


class GroupRunning(Exception):
    """The group has members: stop them first."""


@dataclass(frozen=True, slots=True)
class Move:
    partition: int
    committed: int | None
    """The group's offset before (None: it had not committed on this partition)."""
    to: int
    end: int

    @property
    def to_read(self) -> int:
        return self.end - self.to


async def replay(bootstrap: str, topic: str, group: str, since: datetime, *, dry_run: bool = False) -> list[Move]:
    """Moves `group`'s offsets on `topic` back (or forward) to `since`; raises GroupRunning while it has members."""
    async with admin_client(bootstrap) as admin:
        await _refuse_if_running(admin, group)
        committed = await admin.list_consumer_group_offsets(group)
    assigned = await partitions(bootstrap, [topic])
    if not assigned:
        raise ValueError(f"no topic {topic} on the broker")
    consumer = AIOKafkaConsumer(
        **client_options(),
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        client_id="ops.deadletters",
    )
    await consumer.start()
    try:
        ends = await consumer.end_offsets(assigned)
        found = await consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in assigned})
        moves = [
            Move(
                tp.partition,
                committed[tp].offset if tp in committed else None,
                found[tp].offset if found.get(tp) is not None else ends[tp],
                ends[tp],
            )
            for tp in assigned
        ]
        if not dry_run:
            consumer.assign(assigned)
            # Committed without joining the group: the broker accepts it only while the group has no members.
            await consumer.commit({TopicPartition(topic, m.partition): m.to for m in moves})
        return moves
    finally:
        await consumer.stop()


async def _refuse_if_running(admin: AIOKafkaAdminClient, group: str) -> None:
    for response in await admin.describe_consumer_groups([group]):
        for _error, _name, state, _ptype, _protocol, members in response.groups:
            if members:
                clients = ", ".join(sorted({f"{m[1]}@{m[2]}" for m in members}))
                raise GroupRunning(f"group {group} is {state} with {len(members)} member(s): {clients}")
