"""Composition root of the notification service: what it consumes, what it produces, and how it is wired.

Consumes: (nothing yet)
Produces: (nothing yet)
Owns: the `notification` database.
"""

from chassis.clock import Clock, SystemClock
from chassis.service import Service
from services.notification.settings import NotificationSettings

NAME = "notification"


def build(settings: NotificationSettings, *, clock: Clock | None = None) -> Service:
    _clock = clock or SystemClock()
    service = Service(NAME, settings, outputs=[], description=__doc__ or "")
    return service
