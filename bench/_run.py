"""One fault run from fresh state to its row: servers, services, load, the fault, the drain, the measurements.

Why every run starts from nothing: a run's rows must not depend on what an earlier fault
left behind (a parked record, a stuck consumer group, a half-written ledger). Why the
harness owns the clock of the run: the fault lands a few seconds into the load, on work
in flight, and the drain is timed from the end of the fault. Whatever goes wrong, the
servers and services this run started are stopped, and their logs kept beside the rows.
"""

import asyncio
import contextlib
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench._drain import Probe, counts, lag, service_groups, settle
from bench._load import Load
from bench._measure import FINAL, Notices, Statuses
from bench._report import Row
from bench._resilient import Publisher, retrying
from bench._samples import ORGANISATIONS
from bench._stack import SERVICES, Stack
from bench._verdict import measure
from chassis.provision import provision


@dataclass
class Run:
    """What a fault gets to work with, and what it leaves for the measurements."""

    stack: Stack
    load: Load
    statuses: Statuses
    poison: dict[tuple[str, int, int], str] = field(default_factory=dict)
    """The kind of each poison record published, by (topic, partition, offset)."""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    inject: Callable[[Run], Awaitable[None]]
    """Returns when the fault is over (the server is back, the service restarted, the records sent)."""
    kafka_nodes: int = 1
    twins: bool = False
    """A second instance of every service, in the same consumer groups."""
    crash_window: int = 0
    """Duplicate notices allowed (see Row.crash_window): only where notification is SIGKILLed."""


@dataclass(frozen=True)
class Options:
    root: Path
    applications: int
    rate: float
    fault_after: float
    drain_timeout: float
    stall: float
    log_level: str = "warning"
    port_offset: int = 0
    """Added to every port, so that a second suite (the test command's short one) can run beside `make faults`."""


def stack_for(options: Options, kafka_nodes: int = 1) -> Stack:
    state = options.root / "run"
    shift = options.port_offset
    ports = (29092 + shift, 27019 + shift, 21025 + shift, 28081 + shift)
    return Stack(state, *ports, kafka_nodes, options.log_level, state / "deploy.log")


def leave_nothing_running(options: Options) -> None:
    """After an interruption: whatever a run of either shape (one or three Kafka nodes) left running."""
    for nodes in (1, 3):
        stack_for(options, nodes).down()


async def execute(scenario: Scenario, options: Options) -> Row:
    row = Row(scenario.name, applications=options.applications, crash_window=scenario.crash_window)
    lap = Laps(row.phases)
    stack = stack_for(options, scenario.kafka_nodes)
    publisher = Publisher(stack.bootstrap)
    tasks: list[asyncio.Task[None]] = []
    statuses = Statuses(stack.bootstrap)
    try:
        await asyncio.to_thread(stack.fresh)
        await asyncio.to_thread(stack.servers, "start")
        await retrying(lambda: provision(stack.bootstrap, replication_factor=scenario.kafka_nodes), "provisioning")
        lap("servers")
        load = Load(publisher, stack.bootstrap, options.applications, options.rate)
        await load.grant_approvals()
        twins = [f"{s}-2" for s in SERVICES] if scenario.twins else []
        await asyncio.to_thread(stack.services, "start", *SERVICES, *twins)
        await _approvals_projected(stack.bootstrap)
        lap("services")
        run = Run(stack, load, statuses)
        tasks = [asyncio.create_task(load.examine(), name="examiner"), asyncio.create_task(load.submit(), name="load")]
        await asyncio.sleep(options.fault_after)
        lap("load before the fault")
        await scenario.inject(run)
        row.fault_seconds = lap("fault")
        notices = Notices(stack.messages)
        settled = await settle(_drained(run, notices), options.drain_timeout, options.stall)
        row.drain_seconds, row.not_drained = settled.seconds, settled.why
        lap("drain")
        for task in tasks:  # a load that gave up shows as applications missing; say why too
            if task.done() and task.exception() is not None:
                row.notes.append(f"the {task.get_name()} failed: {task.exception()!r}")
        row.peak_rss_mb = {i: stack.peak_rss_mb(i) for i in (*SERVICES, *twins)}
        await measure(load, statuses, notices, run.poison, row)
        row.notes += run.notes
        lap("measure")
    except Exception as error:  # the row says the harness broke and how; the suite goes on to the next run
        row.error = f"{type(error).__name__}: {error}"
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        with contextlib.suppress(Exception):  # a client cut off by the fault must not keep the servers up
            async with asyncio.timeout(30):
                await statuses.close()
                await publisher.close()
        await asyncio.to_thread(stack.down, 0)  # measured already: nothing left to shut down cleanly
        keep_logs(stack.state, options.root / "logs" / scenario.name)
        lap("teardown")
        row.run_seconds = sum(row.phases.values())
    return row


class Laps:
    """Records the seconds since the previous lap under each name."""

    def __init__(self, into: dict[str, float]) -> None:
        self._into = into
        self._last = time.monotonic()

    def __call__(self, name: str) -> float:
        now = time.monotonic()
        self._into[name] = round(now - self._last, 1)
        self._last = now
        return self._into[name]


async def _approvals_projected(bootstrap: str) -> None:
    """Eligibility must hold every approval before the first filing is judged."""

    async def probe() -> Probe:
        held = (await counts(bootstrap, ["reporting.approval-changed.v1"]))["reporting.approval-changed.v1"]
        behind = sum((await lag(bootstrap, await service_groups(bootstrap))).values())
        return Probe(held >= ORGANISATIONS and behind == 0, (held, behind), f"{held} approvals, lag {behind}")

    settled = await settle(probe, timeout=180, interval=0.5)
    if settled.seconds is None:
        raise TimeoutError(f"approvals not projected: {settled.why}")


def _drained(run: Run, notices: Notices) -> Callable[[], Awaitable[Probe]]:
    """Every application final, every expected notice in the sink, every group caught up."""
    load, bootstrap = run.load, run.stack.bootstrap

    async def probe() -> Probe:
        await run.statuses.update()
        notices.update()
        final = sum(run.statuses.status(a) in FINAL for a in load.ids)
        missing = sum((load.expected_notices() - notices.kinds()).values())
        behind = sum((await lag(bootstrap, await service_groups(bootstrap))).values())
        done = load.acknowledged == len(load.ids) and not load.deciding and final == len(load.ids)
        detail = f"{load.acknowledged} submitted, {final} final, {missing} notices missing, lag {behind}"
        progress = (load.acknowledged, len(load.decided), final, len(notices.ids), behind)
        return Probe(done and missing == 0 and behind == 0, progress, detail)

    return probe


def keep_logs(state: Path, into: Path) -> None:
    """The services', servers' and deploy scripts' logs of the run, kept after its state is wiped."""
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    for log in [*state.glob("*.log"), *state.glob("*/*.log"), *state.glob("*/*.log.1")]:
        shutil.copy(log, into / f"{log.parent.name}-{log.name}" if log.parent != state else into / log.name)
