"""Composition root of the reporting service: what it consumes, what it produces, and how it is wired.

Consumes: (nothing yet)
Produces: (nothing yet)
Owns: the `reporting` database.
"""

from chassis.clock import Clock, SystemClock
from chassis.service import Service
from services.reporting.settings import ReportingSettings

NAME = "reporting"


def build(settings: ReportingSettings, *, clock: Clock | None = None) -> Service:
    _clock = clock or SystemClock()
    service = Service(NAME, settings, outputs=[], description=__doc__ or "")
    return service
