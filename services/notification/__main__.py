"""Runs the notification service: `python -m services.notification`."""

from chassis.logging import configure_logging
from chassis.runner import serve
from services.notification.app import build
from services.notification.settings import NotificationSettings


def main() -> None:
    settings = NotificationSettings()  # required values come from the environment
    configure_logging("notification", level=settings.log_level, fmt=settings.log_format)
    serve(build(settings).asgi(), settings)


if __name__ == "__main__":
    main()
