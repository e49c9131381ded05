"""Reading the validity rules (`data/validity.yaml`) from a file into the domain's `ValidityRules`.

The path is a setting so a correction to the effective-dated periods needs no release; what the
rules mean and how they are checked is the domain's (`domain/validity.py`).
"""

from pathlib import Path
from typing import Final

import yaml
from pydantic import ValidationError

from services.reporting.domain.validity import ValidityRules

DEFAULT_VALIDITY_PATH: Final = Path(__file__).resolve().parent.parent / "data" / "validity.yaml"


class ValidityFileError(ValueError):
    """The validity file is missing, not YAML, or does not describe valid rules."""


def load_validity(path: Path = DEFAULT_VALIDITY_PATH) -> ValidityRules:
    """Read and check the rules; any problem is a `ValidityFileError` naming the file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValidityFileError(f"{path}: cannot read validity rules: {exc}") from exc
    try:
        return ValidityRules.model_validate(raw)
    except ValidationError as exc:
        raise ValidityFileError(f"{path}: invalid validity rules: {exc}") from exc
