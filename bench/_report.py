"""One row per fault run, the targets it is held to, and the table and JSON they are printed as.

Why the targets are these: under any single fault the system must lose nothing and repeat
nothing a person sees (every application reaches its expected final status, every notice
is sent exactly once), and a dead-letter topic must hold exactly the records that were
unusable, one per consumer group that read them (not a healthy record moved aside because
a server was briefly away). A row that misses any of them says which, in `problems`.
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Row:
    scenario: str
    applications: int = 0
    submitted: int = 0
    final: int = 0
    """Applications whose last status is the one expected (granted, or not eligible)."""
    other_statuses: dict[str, int] = field(default_factory=dict)
    """Applications elsewhere, by their last status ("none": never seen)."""
    notices_unique: int = 0
    notices_expected: int = 0
    notices_missing: int = 0
    notices_extra: int = 0
    notices_duplicated: int = 0
    crash_window: int = 0
    """Duplicates this run may show: only a SIGKILL of notification between the SMTP server's "250 OK" and
    the insert recording it can repeat a notice (docs/notification-delivery.md), and no protocol can close
    that instant; its scenarios allow a few, so that a wider window (a batch replayed) still fails."""
    missing_by_kind: dict[str, int] = field(default_factory=dict)
    dead_letters: dict[str, int] = field(default_factory=dict)
    dlq_reasons: dict[str, int] = field(default_factory=dict)
    dlq_expected: int = 0
    dlq_unexpected: int = 0
    """Dead letters that are not the poison records (or repeat one)."""
    dlq_poison_missing: int = 0
    drain_seconds: float | None = None
    not_drained: str = ""
    lag: dict[str, int] = field(default_factory=dict)
    """Groups still behind when the run ended."""
    fault_seconds: float = 0.0
    run_seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds each step of the run took (servers, services, load, drain, measure, teardown)."""
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    """The harness itself could not finish the run (the row is then incomplete)."""

    @property
    def problems(self) -> list[str]:
        if self.error:
            return [f"harness error: {self.error}"]  # the rest of the row was never measured
        found: list[str] = []
        if self.final < self.applications:
            found.append(f"{self.applications - self.final} application(s) not final: {self.other_statuses}")
        if self.notices_missing or self.notices_extra:
            found.append(f"notices missing {self.notices_missing} {self.missing_by_kind}, extra {self.notices_extra}")
        if self.notices_duplicated > self.crash_window:
            found.append(f"{self.notices_duplicated} notice(s) sent twice (at most {self.crash_window} may be)")
        if self.dlq_unexpected or self.dlq_poison_missing:
            found.append(f"dead letters: {self.dlq_unexpected} not poison, {self.dlq_poison_missing} poison missing")
        if self.drain_seconds is None:
            found.append(f"not drained: {self.not_drained}")
        return found

    @property
    def on_target(self) -> bool:
        return not self.problems


HEADER = (
    "| scenario | final / submitted | notices unique / expected | missing | dup | dead letters (poison) "
    "| dlq_reason | drain | fault | run | on target |"
)


def markdown(rows: list[Row]) -> str:
    lines = [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
    for r in rows:
        letters = ", ".join(f"{t}: {n}" for t, n in sorted(r.dead_letters.items())) or "0"
        reasons = ", ".join(f"{k}: {n}" for k, n in sorted(r.dlq_reasons.items())) or "-"
        drain = f"{r.drain_seconds:.0f} s" if r.drain_seconds is not None else "not drained"
        dup = (
            f"{r.notices_duplicated} (≤ {r.crash_window} in the crash window)"
            if r.crash_window
            else str(r.notices_duplicated)
        )
        lines.append(
            f"| {r.scenario} | {r.final} / {r.submitted} | {r.notices_unique} / {r.notices_expected} "
            f"| {r.notices_missing} | {dup} | {letters} ({r.dlq_expected}) | {reasons} | {drain} "
            f"| {r.fault_seconds:.0f} s | {r.run_seconds:.0f} s | {'yes' if r.on_target else 'NO'} |"
        )
    return "\n".join(lines)


def details(rows: list[Row]) -> str:
    """The problems of each row off target, and what the harness noticed on the way."""
    out = []
    for r in rows:
        for line in [*r.problems, *r.notes]:
            out.append(f"- {r.scenario}: {line}")
    return "\n".join(out)


def write_json(rows: list[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = [{**asdict(r), "problems": r.problems, "on_target": r.on_target} for r in rows]
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
