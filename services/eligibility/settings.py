"""Eligibility's settings, read from the environment."""

from chassis.settings import ServiceSettings


class EligibilitySettings(ServiceSettings):
    pass
