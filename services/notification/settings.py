"""Notification's settings, read from the environment."""

from chassis.settings import ServiceSettings


class NotificationSettings(ServiceSettings):
    pass
