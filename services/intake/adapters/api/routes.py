"""Intake's HTTP API for organisations' systems: submit, read, prove pending, withdraw.

Each route translates and delegates; answers are built in `answers`. Every route
needs a bearer token, and a filer reaches only the applications it filed.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Request
from pydantic import JsonValue, TypeAdapter, ValidationError

from contracts.intake import Channel
from services.intake.adapters.api import answers
from services.intake.adapters.api.auth import Principal, TokenVerifier, principal_dependency
from services.intake.adapters.api.errors import limited_route
from services.intake.adapters.api.idempotency import Idempotency
from services.intake.adapters.api.params import IdempotencyKey, Number, responses
from services.intake.adapters.api.rate_limit import RateLimiter, batch_items
from services.intake.adapters.api.schemas import (
    ApplicationView,
    BatchRequest,
    BatchResult,
    PendingProofView,
    SubmissionAccepted,
    SubmissionRequest,
)
from services.intake.domain.application import ApplicationState
from services.intake.domain.idempotency import fingerprint
from services.intake.handlers.filer_access import FilerAccess
from services.intake.handlers.group_commit import Submit
from services.intake.handlers.ports import Clock
from services.intake.handlers.submit import Received, Refused, Submission
from services.intake.settings import BATCH_ROUTE, IntakeSettings

_ITEMS: TypeAdapter[SubmissionRequest] = TypeAdapter(SubmissionRequest)
log = structlog.get_logger("intake.api")


@dataclass(frozen=True)
class ApiDeps:
    settings: IntakeSettings
    submit: Submit
    """The batch use case, behind a `GroupCommit` in the service: concurrent requests share its calls."""
    access: FilerAccess
    idempotency: Idempotency
    verifier: TokenVerifier
    clock: Clock
    limiter: RateLimiter


def api_router(deps: ApiDeps) -> APIRouter:
    principal = principal_dependency(deps.verifier, deps.settings.api_filer_categories)
    Caller = Annotated[Principal, Depends(principal)]
    fair_use = deps.limiter.per_filer(principal, {BATCH_ROUTE: batch_items(deps.settings.api_max_batch_items)})
    router = APIRouter(
        prefix="/v1",
        tags=["applications"],
        route_class=limited_route(deps.settings.api_max_body_bytes),
        dependencies=[Depends(fair_use)],
    )

    @router.post("/applications", status_code=202, response_model=SubmissionAccepted, responses=responses(409))
    async def submit(request: Request, body: SubmissionRequest, caller: Caller, key: IdempotencyKey = None) -> Any:
        """Submit one application. Answers 202 once it is stored with its provisional number."""
        raw: JsonValue = await request.json()

        async def work() -> tuple[int, JsonValue]:
            submissions = [_submission(body, caller, key, deps.clock)]
            [result] = _logged(submissions, await deps.submit(submissions))
            return answers.submission(result)

        return await deps.idempotency.run(caller.filer_id, key, fingerprint("POST", request.url.path, raw), work)

    batch_text = (
        f"Submit up to {deps.settings.api_max_batch_items} applications; each item is judged on its own and gets "
        "its own result (202, 409 or 422), in order. The answer is 200 whatever the items' results."
    )

    @router.post("/applications:batch", response_model=BatchResult, responses=responses(), description=batch_text)
    async def submit_batch(request: Request, body: BatchRequest, caller: Caller, key: IdempotencyKey = None) -> Any:
        if len(body.items) > deps.settings.api_max_batch_items:
            raise answers.too_many_items(deps.settings.api_max_batch_items)
        raw: JsonValue = await request.json()

        async def work() -> tuple[int, JsonValue]:
            parsed: dict[int, SubmissionRequest] = {}
            invalid: dict[int, ValidationError] = {}
            for index, item in enumerate(body.items):
                try:
                    parsed[index] = _ITEMS.validate_python(item)
                except ValidationError as error:
                    invalid[index] = error
            submissions = [_submission(s, caller, key, deps.clock, i) for i, s in parsed.items()]
            results = _logged(submissions, await deps.submit(submissions))
            return answers.batch(len(body.items), dict(zip(parsed, results, strict=True)), invalid)

        return await deps.idempotency.run(caller.filer_id, key, fingerprint("POST", request.url.path, raw), work)

    @router.get("/applications/{number}", response_model=ApplicationView, responses=responses(404))
    async def read(number: Number, caller: Caller) -> Any:
        """An application's status and timeline, by provisional or receipt number."""
        stored = await deps.access.get(number, caller.filer_id)
        if stored is None:
            raise answers.not_found()
        return answers.view(stored.state)

    @router.get("/applications/{number}/pending-proof", response_model=PendingProofView, responses=responses(404, 409))
    async def proof(number: Number, caller: Caller) -> Any:
        """The proof of a pending application: receipt number, filing date, special-period end (change, extension)."""
        return answers.proof(await deps.access.proof(number, caller.filer_id))

    @router.post("/applications/{number}/withdraw", response_model=ApplicationView, responses=responses(404, 409))
    async def withdraw(request: Request, number: Number, caller: Caller, key: IdempotencyKey = None) -> Any:
        """Withdraw an application before it is decided."""

        async def work() -> tuple[int, JsonValue]:
            command_id = f"withdraw:{caller.filer_id}:{key}" if key else f"withdraw:{uuid.uuid4()}"
            with structlog.contextvars.bound_contextvars(correlation_id=command_id):
                result = await deps.access.withdraw(number, caller.filer_id, command_id)
                if isinstance(result, ApplicationState):
                    log.info("withdrawal applied", application_id=result.application_id, status=result.status.value)
            return answers.withdrawal(result)

        return await deps.idempotency.run(caller.filer_id, key, fingerprint("POST", request.url.path, None), work)

    return router


def _submission(
    body: SubmissionRequest, caller: Principal, key: str | None, clock: Clock, index: int | None = None
) -> Submission:
    """The command id names this request (its Idempotency-Key if it has one) on the first timeline entry."""
    command = f"http:{caller.filer_id}:{key}" if key else f"http:{uuid.uuid4()}"
    command = command if index is None else f"{command}:{index}"
    return Submission(body.application(caller, clock.now()), Channel.HTTP, command, command)


def _logged(submissions: Sequence[Submission], results: list[Received | Refused]) -> list[Received | Refused]:
    """One line per new application or refusal, bound to its ids; never its content."""
    for submission, result in zip(submissions, results, strict=True):
        application_id = result.application_id if isinstance(result, Refused) else result.state.application_id
        with structlog.contextvars.bound_contextvars(
            correlation_id=submission.correlation_id, application_id=application_id
        ):
            if isinstance(result, Refused):
                log.info("submission refused", reason=result.reason.value)
            elif result.created:
                log.info("application received", provisional_number=result.state.provisional_number, channel="http")
    return results
