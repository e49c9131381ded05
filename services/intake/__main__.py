"""Runs the intake service: `python -m services.intake`."""

from chassis.logging import configure_logging
from chassis.runner import serve
from services.intake.app import build
from services.intake.settings import IntakeSettings


def main() -> None:
    settings = IntakeSettings()  # required values come from the environment
    configure_logging(settings.instance_name, level=settings.log_level, fmt=settings.log_format)
    serve(build(settings).asgi(), settings)


if __name__ == "__main__":
    main()
