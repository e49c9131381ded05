"""Runs the eligibility service: `python -m services.eligibility`."""

from chassis.logging import configure_logging
from chassis.runner import serve
from chassis.tracing import configure_tracing
from services.eligibility.adapters.rule_files import RuleFileError
from services.eligibility.app import NAME, build
from services.eligibility.settings import EligibilitySettings


def main(*, name: str = NAME, topic_prefix: str = "") -> None:
    """`name` and `topic_prefix` as in `build`: a test or benchmark runs an isolated copy as a process."""
    settings = EligibilitySettings()  # required values come from the environment
    configure_logging(name, level=settings.log_level, fmt=settings.log_format)
    configure_tracing(name)
    try:
        service = build(settings, name=name, topic_prefix=topic_prefix)
    except RuleFileError as error:
        # Printed whole rather than logged: the log redactor would mask the dates in rule file names.
        raise SystemExit(f"eligibility: not started, the rules are invalid: {error}") from None
    serve(service.asgi(), settings)


if __name__ == "__main__":
    main()
