"""Idempotency keys on HTTP commands, as pure logic; the adapter stores the records.

A client retrying a command sends the same `Idempotency-Key`. The request's
fingerprint (method, path and the canonical JSON of its body: sorted keys, no
whitespace, UTF-8) tells a true retry, which gets the stored response again, from
a different request reusing the key, which is a `Conflict` (HTTP 422). The
adapter claims a key by inserting the `New` record before doing the work (a unique
index on the key, scoped by caller, settles a race) and fills in the result after;
a retry arriving in between finds a record without a result: `InProgress` (HTTP 409).
Numbers are canonical as Python's json writes them: 1 and 1.0 differ, so clients
should resend the same bytes, as retries do.
"""

import hashlib
import json

from pydantic import BaseModel, ConfigDict, JsonValue


class StoredResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    status_code: int
    body: JsonValue


class IdempotencyRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    fingerprint: str
    result: StoredResult | None = None
    """None while the first request is still being handled."""


class New(BaseModel):
    model_config = ConfigDict(frozen=True)

    record: IdempotencyRecord
    """The claim to insert before handling the request."""


class Replay(BaseModel):
    model_config = ConfigDict(frozen=True)

    result: StoredResult


class InProgress(BaseModel):
    model_config = ConfigDict(frozen=True)


class Conflict(BaseModel):
    """The key was used before for a different request."""

    model_config = ConfigDict(frozen=True)


def canonical_json(body: JsonValue) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(method: str, path: str, body: JsonValue) -> str:
    """SHA-256 hex of method, path and canonical body; a newline cannot occur in the first two."""
    text = f"{method.upper()}\n{path}\n{canonical_json(body)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compare(
    stored: IdempotencyRecord | None, key: str, request_fingerprint: str
) -> New | Replay | InProgress | Conflict:
    if stored is None:
        return New(record=IdempotencyRecord(key=key, fingerprint=request_fingerprint))
    if stored.key != key or stored.fingerprint != request_fingerprint:
        return Conflict()
    if stored.result is None:
        return InProgress()
    return Replay(result=stored.result)
