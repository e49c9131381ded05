"""Faults of processes and servers: a service killed or stopped, a server away, a mail server refusing.

Why whole process groups: each service runs as `uv run` with Python beneath it, and each
server in a session of its own (deploy/*.sh), so signalling the group is what a container
runtime or an out-of-memory kill does to the service as a whole. Each function returns
when the fault is over: the process is back and ready, the server answers again.
"""

import asyncio
import os
import signal
import time
from pathlib import Path

from bench._run import Run

TERM_GRACE = 30.0
"""Seconds a service gets to stop after SIGTERM before it is killed (its own grace is 15 s)."""


def group_alive(pgid: int) -> bool:
    """Whether any process of the group still runs (zombies, awaiting their reaper, do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


async def signal_group(run: Run, instance: str, sig: signal.Signals, grace: float = TERM_GRACE) -> None:
    """Sends `sig` to the instance's process group and waits until it is gone (SIGKILL after `grace` s)."""
    pgid = run.stack.pid(instance)
    if pgid is None:
        raise RuntimeError(f"{instance} is not running: nothing to signal")
    os.killpg(pgid, sig)
    deadline = time.monotonic() + grace
    while group_alive(pgid):
        if time.monotonic() > deadline:
            run.notes.append(f"{instance} still running {grace:.0f}s after {sig.name}: killed")
            os.killpg(pgid, signal.SIGKILL)
            deadline = float("inf")
        await asyncio.sleep(0.1)


async def restart_service(run: Run, instance: str, sig: signal.Signals, down_for: float = 3.0) -> None:
    await signal_group(run, instance, sig)
    await asyncio.sleep(down_for)
    await asyncio.to_thread(run.stack.services, "start", instance)


async def kill_instance(run: Run, instance: str) -> None:
    """SIGKILL, not restarted: the group's other member must take over its partitions."""
    await signal_group(run, instance, signal.SIGKILL)


async def server_away(run: Run, server: str, seconds: float) -> None:
    """The server stopped (SIGTERM to its group, as deploy/servers.sh does) for `seconds`, then started."""
    await asyncio.to_thread(run.stack.servers, "stop", server)
    await asyncio.sleep(seconds)
    await asyncio.to_thread(run.stack.servers, "start", server)


async def broker_killed(run: Run, node: str, down_for: float) -> None:
    """One node of a Kafka cluster SIGKILLed (no controlled shutdown), started again after `down_for` s."""
    await signal_group(run, node, signal.SIGKILL)
    await asyncio.sleep(down_for)
    await asyncio.to_thread(run.stack.servers, "start", node)


async def smtp_refusing(run: Run, seconds: float, reply: str = "451 4.3.0 Try again later (fault suite)") -> None:
    """The sink answers every message with `reply` while its fail file exists (deploy/smtp/sink.py)."""
    flag = run.stack.state / "smtp" / "fail-with"
    flag.write_text(reply + "\n")
    try:
        await asyncio.sleep(seconds)
    finally:
        flag.unlink(missing_ok=True)
