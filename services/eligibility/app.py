"""Composition root of the eligibility service: what it consumes, what it produces, and how it is wired.

Consumes: (nothing yet)
Produces: (nothing yet)
Owns: the `eligibility` database.
"""

from chassis.clock import Clock, SystemClock
from chassis.service import Service
from services.eligibility.settings import EligibilitySettings

NAME = "eligibility"


def build(settings: EligibilitySettings, *, clock: Clock | None = None) -> Service:
    _clock = clock or SystemClock()
    service = Service(NAME, settings, outputs=[], description=__doc__ or "")
    return service
