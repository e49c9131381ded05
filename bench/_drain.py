"""When a run is over: every service's consumer group has committed everything, and the caller's own test holds.

Why here: the system benchmark and the fault suite both wait for the same thing, and both
must tell "done" from "stuck". A group's lag is computed from the topic its name carries
(`<service>.<topic>`, chassis.delivery), not only from the partitions it has committed so
far, so a group that never committed on a partition still counts as behind. `settle` asks
twice in a row (a quiet moment between two batches is not the end), and gives up either
at a deadline or, if told, when nothing has moved for a while: a consumer rewinding the
same batch forever makes no progress, and waiting out the whole deadline would only
hide that.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass

from bench._resilient import committed, end_offsets, groups
from bench._stack import SERVICES


async def service_groups(bootstrap: str) -> list[str]:
    return sorted(g for g in await groups(bootstrap) if g.split(".", 1)[0] in SERVICES)


async def lag(bootstrap: str, group_names: Iterable[str]) -> dict[str, int]:
    """Records each group has yet to commit, over every partition of the topic it consumes."""
    names = list(group_names)
    topic_of = {group: group.split(".", 1)[1] for group in names}
    ends = await end_offsets(bootstrap, sorted(set(topic_of.values())))
    done = await committed(bootstrap, names)
    return {
        group: sum(max(0, end - max(done[group].get(tp, 0), 0)) for tp, end in ends.items() if tp.topic == topic)
        for group, topic in topic_of.items()
    }


async def counts(bootstrap: str, topics: Iterable[str]) -> dict[str, int]:
    """Records in each topic (none are compacted or deleted during a run)."""
    names = list(topics)
    ends = await end_offsets(bootstrap, names)
    return {name: sum(n for tp, n in ends.items() if tp.topic == name) for name in names}


@dataclass(frozen=True)
class Probe:
    done: bool
    progress: Hashable
    """Anything that changes while work gets done (counts, lag): unchanged for `stall` s means stuck."""
    detail: str = ""


@dataclass(frozen=True)
class Settled:
    seconds: float | None
    """From the start of the wait until done; None if it never was."""
    why: str = ""
    """Why not: "timeout" or "stalled", with the last probe's detail."""


async def settle(
    probe: Callable[[], Awaitable[Probe]], timeout: float, stall: float | None = None, interval: float = 1.0
) -> Settled:
    started = last_move = time.monotonic()
    calm, last = 0, Probe(False, None)
    while True:
        seen = await probe()
        now = time.monotonic()
        calm = calm + 1 if seen.done else 0
        if calm == 2:
            return Settled(now - started)
        if seen.progress != last.progress:
            last_move = now
        last = seen
        if now - started > timeout:
            return Settled(None, f"timeout after {timeout:.0f}s: {seen.detail}")
        if stall is not None and now - last_move > stall:
            return Settled(None, f"stalled {stall:.0f}s: {seen.detail}")
        await asyncio.sleep(interval)
