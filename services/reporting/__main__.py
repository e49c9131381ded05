"""Runs the reporting service: `python -m services.reporting`."""

from chassis.logging import configure_logging
from chassis.runner import serve
from chassis.tracing import configure_tracing
from services.reporting.app import NAME, build
from services.reporting.settings import ReportingSettings


def main(*, name: str = NAME, topic_prefix: str = "") -> None:
    """`name` and `topic_prefix` as in `build`: a test or benchmark runs an isolated copy as a process."""
    settings = ReportingSettings()  # required values come from the environment
    configure_logging(name, level=settings.log_level, fmt=settings.log_format)
    configure_tracing(name)
    serve(build(settings, name=name, topic_prefix=topic_prefix).asgi(), settings)


if __name__ == "__main__":
    main()
