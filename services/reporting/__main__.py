"""Runs the reporting service: `python -m services.reporting`."""

from chassis.logging import configure_logging
from chassis.runner import serve
from services.reporting.app import build
from services.reporting.settings import ReportingSettings


def main() -> None:
    settings = ReportingSettings()  # required values come from the environment
    configure_logging("reporting", level=settings.log_level, fmt=settings.log_format)
    serve(build(settings).asgi(), settings)


if __name__ == "__main__":
    main()
