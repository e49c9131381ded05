"""Intake's settings, read from the environment."""

from chassis.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    pass
