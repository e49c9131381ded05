"""The committed AsyncAPI documents are generated from the four FastStream apps and kept current.

Regenerate with `UPDATE_ASYNCAPI=1 uv run pytest tests/unit/contracts/test_asyncapi.py`.
"""

import importlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[3] / "docs" / "asyncapi"
SERVICES = ("intake", "eligibility", "notification", "reporting")
UPDATE = os.environ.get("UPDATE_ASYNCAPI") == "1"
# Fixed addresses, so the documents do not depend on the machine that generated them.
ENVIRONMENT = {
    "KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
    "MONGODB_URI": "mongodb://mongo:27017/?replicaSet=rs0",
    "JWT_PUBLIC_KEY": "unused",
    "MAIL_FROM": "noreply@example.jp",
}


# The broker's security comes from the environment (the test command runs as the secured broker's admin);
# the committed document is the same wherever it is made.
UNSET = ("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD_FILE", "KAFKA_SSL_CAFILE")


def generate(service: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    app = importlib.import_module(f"services.{service}.app")
    settings_module = importlib.import_module(f"services.{service}.settings")
    own = settings_module.__name__
    settings_class = next(v for k, v in vars(settings_module).items() if k.endswith("Settings") and v.__module__ == own)
    document: dict[str, Any] = app.build(settings_class()).asyncapi()
    return json.loads(json.dumps(document, sort_keys=True))


@pytest.mark.parametrize("service", SERVICES)
def test_the_committed_asyncapi_document_matches_the_app(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = DOCS / f"{service}.json"
    document = generate(service, monkeypatch)
    if UPDATE:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    assert path.exists(), f"no AsyncAPI document for {service}: run with UPDATE_ASYNCAPI=1"
    assert json.loads(path.read_text()) == document, f"{path.name} is stale: run with UPDATE_ASYNCAPI=1"
