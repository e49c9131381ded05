"""Share codes over HTTP: the filer's routes (bearer token, its own applications only) and the public check.

The check needs no token: whoever holds a code and the applicant's date of birth may ask. It is
a POST so that neither travels in a URL, where proxies and access logs keep them. Its answer is
the same `no_match` for a wrong code, a wrong date of birth, an expired or revoked code, or an
application that is neither pending nor decided. Creating a code takes no Idempotency-Key: the
replayed answer would have to keep the code, which intake stores only as a hash; a retry makes a
second code, which the filer can revoke.
"""

from dataclasses import dataclass
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Path, Request

from services.intake.adapters.api.auth import Principal, TokenVerifier, principal_dependency
from services.intake.adapters.api.errors import ApiProblem, Problem, ValidationProblem, limited_route
from services.intake.adapters.api.params import Number, responses
from services.intake.adapters.api.rate_limit import RateLimiter
from services.intake.adapters.api.share_code_schemas import (
    CheckList,
    CheckRecord,
    CheckRequest,
    CheckResult,
    ShareCodeCreated,
    ShareCodeList,
    ShareCodeView,
)
from services.intake.domain.share_codes import CheckOutcome
from services.intake.handlers.share_codes import CheckShareCode, Listed, Refused, ShareCodeAccess
from services.intake.settings import IntakeSettings

log = structlog.get_logger("intake.api")
ShareCodeId = Annotated[str, Path(max_length=64, description="The share code's id (not the code).")]
_CHECK_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"model": Problem, "description": "The body exceeds the configured limit"},
    422: {"model": ValidationProblem, "description": "Failing fields, by location (never their values)"},
    423: {"model": Problem, "description": "The code is locked after too many wrong attempts"},
    429: {"model": Problem, "description": "Too many wrong attempts with the code or from the client; see Retry-After"},
    503: {"model": Problem, "description": "Briefly unavailable; retry"},
}


@dataclass(frozen=True)
class ShareCodeDeps:
    settings: IntakeSettings
    access: ShareCodeAccess
    check: CheckShareCode
    verifier: TokenVerifier
    limiter: RateLimiter


def share_code_router(deps: ShareCodeDeps) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["share codes"], route_class=limited_route(deps.settings.api_max_body_bytes))
    principal = principal_dependency(deps.verifier, deps.settings.api_filer_categories)
    Caller = Annotated[Principal, Depends(principal)]
    # Fair use as on every route: the filer's by its token, the public check's by the client's address.
    by_filer, by_client = [Depends(deps.limiter.per_filer(principal))], [Depends(deps.limiter.per_client())]
    base = "/applications/{number}/share-codes"

    @router.post(
        base, status_code=201, response_model=ShareCodeCreated, responses=responses(404), dependencies=by_filer
    )
    async def create(number: Number, caller: Caller) -> Any:
        """A new share code for the application: the code is in this answer only."""
        created = await deps.access.create(number, caller.filer_id)
        if created is None:
            raise _not_found()
        log.info(
            "share code created",
            share_code_id=created.share_code.share_code_id,
            application_id=created.share_code.application_id,
        )
        listed = Listed(created.share_code, created.share_code.state(created.share_code.created_at, locked=False))
        return ShareCodeCreated(**_view(listed).model_dump(), code=created.code)

    @router.get(base, response_model=ShareCodeList, responses=responses(404), dependencies=by_filer)
    async def list_codes(number: Number, caller: Caller) -> Any:
        """The application's share codes, oldest first, with their state (never the codes)."""
        found = await deps.access.all(number, caller.filer_id)
        if found is None:
            raise _not_found()
        return ShareCodeList(share_codes=[_view(listed) for listed in found])

    @router.post(
        base + "/{share_code_id}/revoke", response_model=ShareCodeView, responses=responses(404), dependencies=by_filer
    )
    async def revoke(number: Number, share_code_id: ShareCodeId, caller: Caller) -> Any:
        """Revoke a share code: from now on it answers `no_match`. Revoking it again changes nothing."""
        revoked = await deps.access.revoke(number, caller.filer_id, share_code_id)
        if revoked is None:
            raise _not_found()
        log.info("share code revoked", share_code_id=share_code_id, application_id=revoked.share_code.application_id)
        return _view(revoked)

    @router.get(
        base + "/{share_code_id}/checks", response_model=CheckList, responses=responses(404), dependencies=by_filer
    )
    async def checks(number: Number, share_code_id: ShareCodeId, caller: Caller) -> Any:
        """Every check made with the share code, oldest first."""
        found = await deps.access.checks(number, caller.filer_id, share_code_id)
        if found is None:
            raise _not_found()
        return CheckList(checks=[CheckRecord(at=at, outcome=outcome) for at, outcome in found])

    @router.post(
        "/share-code-checks",
        response_model=CheckResult,
        response_model_exclude_none=True,
        responses=_CHECK_RESPONSES,
        dependencies=by_client,
    )
    async def check(request: Request, body: CheckRequest) -> Any:
        """Public, no token: is the application this code was made for pending or decided?"""
        result = await deps.check(body.code, body.date_of_birth, _client(request, deps.settings))
        if isinstance(result, Refused):
            raise _refused(result)
        return CheckResult.model_validate(result.model_dump())

    return router


def _view(listed: Listed) -> ShareCodeView:
    code = listed.share_code
    return ShareCodeView(
        share_code_id=code.share_code_id,
        created_at=code.created_at,
        expires_at=code.expires_at,
        revoked_at=code.revoked_at,
        state=listed.state,
    )


def _client(request: Request, settings: IntakeSettings) -> str:
    if settings.share_check_client_header:
        forwarded = request.headers.get(settings.share_check_client_header)
        if forwarded:
            return forwarded.strip()
    return request.client.host if request.client else "unknown"


def _refused(refused: Refused) -> ApiProblem:
    if refused.outcome is CheckOutcome.LOCKED:
        return ApiProblem(423, "code_locked", "This code is locked after too many wrong attempts; ask for a new one.")
    wait = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
    return ApiProblem(429, "too_many_attempts", "Too many wrong attempts; try again later.", wait)


def _not_found() -> ApiProblem:
    return ApiProblem(404, "not_found", "You have filed no application with this number, or it has no such code.")
