"""Eligibility's settings, read from the environment (names are the field names in upper case)."""

from pathlib import Path

from chassis.settings import ServiceSettings
from services.eligibility.adapters.rule_files import DEFAULT_RULES_DIR


class EligibilitySettings(ServiceSettings):
    rules_dir: Path = DEFAULT_RULES_DIR
    """The rule files (RULES_DIR): loaded and validated when the service is built, so a bad file
    stops it before it consumes anything. Defaults to the rules shipped with the service."""
