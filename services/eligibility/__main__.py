"""Runs the eligibility service: `python -m services.eligibility`."""

from chassis.logging import configure_logging
from chassis.runner import serve
from services.eligibility.app import build
from services.eligibility.settings import EligibilitySettings


def main() -> None:
    settings = EligibilitySettings()  # required values come from the environment
    configure_logging("eligibility", level=settings.log_level, fmt=settings.log_format)
    serve(build(settings).asgi(), settings)


if __name__ == "__main__":
    main()
