"""The API's shared parameters and the error answers every operation documents."""

from typing import Annotated, Any

from fastapi import Header, Path

from services.intake.adapters.api.errors import Problem, ValidationProblem

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Any printable ASCII, unique per request you mean; resend it with a retry.",
    ),
]
Number = Annotated[
    str, Path(max_length=64, description="The provisional number (P-YYYYMMDD-NNNNNNNN) or the receipt number.")
]


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    described = {
        401: "No valid bearer token",
        403: "The token's filer category may not use this API",
        404: "No application of yours has this number",
        409: "Refused in the application's present state, or the same key is still running",
        413: "The body exceeds the configured limit",
        429: "Over this route's rate limit (a batch counts its items); retry after Retry-After seconds",
        503: "Briefly unavailable; retry (with the same Idempotency-Key)",
    }
    shared: dict[int | str, dict[str, Any]] = {
        code: {"model": Problem, "description": described[code]} for code in (401, 403, 413, 429, 503, *codes)
    }
    shared[429]["headers"] = {
        "Retry-After": {"description": "Seconds until the limit's window ends", "schema": {"type": "integer"}}
    }
    shared[422] = {"model": ValidationProblem, "description": "Failing fields, by location (never their values)"}
    return shared
