"""What a benchmark run cost each process: CPU seconds (from /proc) and database commands (from /metrics).

Why CPU seconds and commands, not only a rate: on a shared two-core machine the rate of a
run moves with whatever else runs, while the CPU each process spent on the run's work and
the commands each service sent to the database are the run's own, and divided by the
applications they say where an application's cost goes and what a change bought.
"""

import os
from collections import Counter
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

TICKS = os.sysconf("SC_CLK_TCK")


def group_cpu_seconds(group: int) -> float:
    """User and system CPU of every live process in the process group (a server or service) and of
    their descendants: PostgreSQL's backends, for one, start sessions of their own under the postmaster."""
    processes: dict[int, tuple[int, int, int]] = {}  # pid: (parent, group, CPU ticks)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command's closing parenthesis: state, ppid, pgrp, …, utime (12th), stime (13th).
        processes[int(stat.parent.name)] = (int(fields[1]), int(fields[2]), int(fields[11]) + int(fields[12]))
    counted = {pid for pid, (_, pgrp, _) in processes.items() if pgrp == group}
    grown = True
    while grown:
        children = {pid for pid, (parent, _, _) in processes.items() if parent in counted} - counted
        counted |= children
        grown = bool(children)
    return sum(processes[pid][2] for pid in counted) / TICKS


def database_work(metrics_url: str) -> tuple[Counter[str], Counter[str]]:
    """The service's database commands and their documents so far, each by `command collection`."""
    return database_work_in(httpx.get(metrics_url, timeout=10).text)


def counted(registry: CollectorRegistry) -> tuple[Counter[str], Counter[str]]:
    """The same, from an in-process registry a `chassis.mongo_metrics.CommandMetrics` counts into."""
    return database_work_in(generate_latest(registry).decode())


def database_work_in(text: str) -> tuple[Counter[str], Counter[str]]:
    """Commands and documents by `command collection`, from the Prometheus text of `mongodb_*` metrics."""
    commands: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            what = f"{sample.labels.get('command', '')} {sample.labels.get('collection', '')}".strip()
            if sample.name == "mongodb_commands_total":
                commands[what] += int(sample.value)
            elif sample.name == "mongodb_documents_total":
                documents[what] += int(sample.value)
    return commands, documents
