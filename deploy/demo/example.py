"""What the demo submits: the example of docs/intake-api.md ("Submitting"), kept in `submission.json`.

A unit test holds the page's example and this file equal, so following the page gives what the
demo gives. Each run replaces only the submission id: intake keeps one application per filer
and submission id, so the page's own id would return the first run's application.
"""

import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).with_name("submission.json")


def body() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXAMPLE.read_text())
    return loaded


def submission(submission_id: str) -> dict[str, Any]:
    return {**body(), "submission_id": submission_id}


def new_submission_id(now: datetime) -> str:
    """`demo-<day>-<random>`: readable, and never the same twice."""
    return f"demo-{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"
