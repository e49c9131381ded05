"""Reading the postage and fee tariff (`data/postage.yaml`) once at start-up.

The amounts live in a file an operator can correct without a release; the domain
(`domain/postage.py`) receives the checked `Tariff` and never opens the file.
"""

from pathlib import Path

import yaml

from services.notification.domain.postage import Tariff

DEFAULT_TARIFF_PATH = Path(__file__).parent.parent / "data" / "postage.yaml"


def parse_tariff(text: str) -> Tariff:
    return Tariff.model_validate(yaml.safe_load(text))


def load_tariff(path: Path = DEFAULT_TARIFF_PATH) -> Tariff:
    """Read and check the tariff; a mistake fails start-up rather than a notice."""
    return parse_tariff(path.read_text(encoding="utf-8"))
