"""Reporting's settings, read from the environment.

Intervals are settings, not constants, so an operator can trade freshness for load and
tests can run the loops fast; the validity rules file is a path so a correction to the
effective-dated periods needs no release.
"""

from pathlib import Path

from pydantic import Field

from chassis.settings import ServiceSettings
from services.reporting.adapters.validity_file import DEFAULT_VALIDITY_PATH


class ReportingSettings(ServiceSettings):
    validity_path: Path = DEFAULT_VALIDITY_PATH
    schedule_interval_seconds: float = Field(60.0, gt=0)
    """How often the scheduler looks for reminders, deadlines and lapses that fell due."""
    figures_interval_seconds: float = Field(15.0, gt=0)
    """How often a FiguresSnapshot is published to reporting.figures.v1 (FIGURES_INTERVAL_SECONDS)."""
    relay_interval_seconds: float = Field(30.0, gt=0)
    """How often the relay looks for outboxes left unsent (after a crash): a scan of the approvals."""
    outbox_grace_seconds: float = Field(30.0, ge=0)
    """The relay only publishes outboxes older than this: younger ones belong to a writer that is
    publishing them, and republishing would send their events twice (with the same ids)."""
    lag_cache_seconds: float = Field(5.0, ge=0)
    """Consumer lag is read from Kafka at most this often; dashboards poll far more."""
    figures_rollup_interval_seconds: float = Field(1.0, gt=0)
    """How often counted events are rolled up into the figures: how far the figures trail the events."""
    figures_rollup_margin_seconds: float = Field(60.0, ge=0)
    """After this long, a counting batch whose consumer never said what it claimed is resolved from
    the seen-records: longer than any consumer stalls between the two (see adapters/ledger.py)."""
    system_services: tuple[str, ...] = ("intake", "eligibility", "notification", "reporting")
    """The services whose consumer groups (`<service>.<topic>`) make the dashboard's lag; reporting
    itself always counts. Groups of any other name (a copy run under another name, a retired
    consumer) are left out: their lag would grow for ever. As JSON: `["intake", ...]`."""
    history_sample_seconds: float = Field(60.0, gt=0)
    """How often each service's lag and the dead-letter total are sampled into the hourly history."""
