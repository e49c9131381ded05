"""Composition root of the intake service: what it consumes, what it produces, and how it is wired.

Consumes: (nothing yet)
Produces: (nothing yet)
Owns: the `intake` database.
"""

from chassis.clock import Clock, SystemClock
from chassis.service import Service
from services.intake.settings import IntakeSettings

NAME = "intake"


def build(settings: IntakeSettings, *, clock: Clock | None = None) -> Service:
    _clock = clock or SystemClock()
    service = Service(NAME, settings, outputs=[], description=__doc__ or "")
    return service
