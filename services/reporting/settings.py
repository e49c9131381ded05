"""Reporting's settings, read from the environment."""

from chassis.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    pass
