"""The four services follow one template (docs/architecture.md, "One template"): what can be checked by reading them."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "eligibility", "notification", "reporting")
GROUP_RULE = REPO / "chassis" / "delivery.py"
# An f-string that puts a topic's name after a service's and a dot: the consumer-group rule written out again.
GROUP_SPELLED_OUT = re.compile(r'f"\{[\w.]+\}\.\{(\w+\.name|prefix)\}')


@pytest.mark.parametrize("service", SERVICES)
def test_subscribers_live_in_adapters_subscribers(service: str) -> None:
    """The composition root wires subscribers; it does not define them."""
    root = REPO / "services" / service
    assert (root / "adapters" / "subscribers.py").is_file()
    assert "BatchHandler" not in (root / "app.py").read_text(encoding="utf-8")


def test_the_consumer_group_rule_is_written_once() -> None:
    """`<service>.<topic>` lives in chassis.delivery.group_id; everything else asks it."""
    sources = [p for folder in ("chassis", "services", "bench", "deploy") for p in (REPO / folder).rglob("*.py")]
    spelled_out = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sources
        if path != GROUP_RULE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if GROUP_SPELLED_OUT.search(line)
    ]
    assert spelled_out == []
