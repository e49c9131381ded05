"""Schemathesis against the served OpenAPI document, on the real servers: no 5xx, answers as documented.

The service runs whole (lifespan, broker, database) inside schemathesis's ASGI
client, with a valid bearer token; the number of examples per operation is
bounded to keep the run short.
"""

import itertools
import sys
import unicodedata
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode
from schemathesis.python import asgi
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import negative_data_rejection

from contracts.application import PLAIN_TEXT_PATTERN
from services.intake.handlers.submit import ATTACHMENTS_TOTAL_LIMIT_BYTES
from services.intake.settings import IntakeSettings
from services.intake.tokens import issue

from .support import SECRET, isolated

EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 15}
TOKEN_CLAIMS = {
    "sub": "staff-fuzz",
    "category": "organisation_staff",
    "name": "担当 太郎",
    "email": "tanto@example.co.jp",
    "org": "org-1",
    "iss": "residence-online",
    "aud": "intake",
}


@pytest.fixture
async def api_schema(settings: IntakeSettings) -> AsyncIterator[BaseSchema]:
    app = (await isolated(settings)).asgi()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    respell(schema.raw_schema, {PLAIN_TEXT_PATTERN: plain_text_for_python()})
    yield schema
    asgi.shutdown_lifespans()  # stops the service schemathesis started in its own event loop


def plain_text_for_python() -> str:
    """The plain-text pattern spelled for Python's `re`, which schemathesis draws values from and which
    has no `\\p{...}`: the same categories, listed. Python 3.11 knows Unicode 14; the validator's
    engine knows 15, where U+13439-U+1343F became format characters too."""
    refused = [c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp")]
    refused = sorted({*refused, *range(0x13430, 0x13440)})
    ranges: list[list[int]] = []
    for code in refused:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    spelled = "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges)
    return f"^[^{spelled}]*$"


def respell(document: Any, spellings: dict[str, str]) -> None:
    """Replaces, in place, every `pattern` of the document found in `spellings`."""
    if isinstance(document, dict):
        pattern = document.get("pattern")
        if isinstance(pattern, str) and pattern in spellings:
            document["pattern"] = spellings[pattern]
        for value in document.values():
            respell(value, spellings)
    elif isinstance(document, list):
        for value in document:
            respell(value, spellings)


def test_the_api_answers_every_generated_request_as_documented_and_never_with_a_5xx(api_schema: BaseSchema) -> None:
    # Driven through each operation's strategy: schemathesis's pytest plugin (`from_fixture`) fails on pytest 9.
    headers = {"Authorization": f"Bearer {issue(TOKEN_CLAIMS, secret=SECRET)}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 14  # the API's eleven, and the chassis's liveness, readiness and metrics
    assert "POST /v1/applications/{number}/documents" in {o.label for o in operations}

    for operation, mode in itertools.product(operations, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)):
        if mode is GenerationMode.NEGATIVE and not operation.path.startswith("/v1"):
            continue  # the health endpoints take no input to get wrong
        exercise(operation, mode, headers)


def exercise(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    # The batch takes schema-violating items on purpose: it answers each with its own 422 inside a 200.
    batch = operation.path.endswith(":batch") and mode is GenerationMode.NEGATIVE
    excluded = [negative_data_rejection] if batch else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES[mode], deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def answers_as_documented(case: schemathesis.Case) -> None:
        assume(within_rules_no_schema_can_say(case.body))
        if case.headers and isinstance(case.headers.get("Idempotency-Key"), str):
            # Hypothesis reuses values; a key reused with another body is rightly a 422, not a finding.
            case.headers["Idempotency-Key"] = uuid.uuid4().hex
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    answers_as_documented()


def within_rules_no_schema_can_say(body: object) -> bool:
    """A JSON Schema cannot bound a sum: attachments over 25 MB in total are a documented 422, not a finding."""
    if not isinstance(body, dict):
        return True
    items = body.get("items") if isinstance(body.get("items"), list) else [body]
    if len(items) > 100:  # the configured batch limit, stated in the operation's description
        return False
    for item in items:
        form = item.get("form") if isinstance(item, dict) else None
        # a submission's attachments are in its form; a documents answer's are the body's own
        attachments = form.get("attachments") if isinstance(form, dict) else item.get("attachments")
        if isinstance(attachments, list):
            sizes = [a.get("size_bytes") for a in attachments if isinstance(a, dict)]
            if sum(s for s in sizes if isinstance(s, int | float)) > ATTACHMENTS_TOTAL_LIMIT_BYTES:
                return False
    return True
