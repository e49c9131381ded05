"""Answering a documents request (資料提出通知) online: `POST /v1/applications/{number}/documents`.

The attachments are described as at submission (type, file name, size, SHA-256), under
the same limits. Allowed while a request is open and up to its last day
(`domain.documents.may_answer`); refused with 409 `no_open_request` or
`deadline_passed` otherwise. Another filer's application answers 404, like a number
that does not exist.
"""

import uuid
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue

from contracts.application import Attachment
from services.intake.adapters.api import answers
from services.intake.adapters.api.auth import Principal, principal_dependency
from services.intake.adapters.api.errors import ApiProblem, limited_route
from services.intake.adapters.api.params import IdempotencyKey, Number, responses
from services.intake.adapters.api.routes import ApiDeps
from services.intake.adapters.api.schemas import ApplicationView
from services.intake.domain.application import ApplicationState
from services.intake.domain.documents import DocumentsRefused
from services.intake.domain.idempotency import fingerprint
from services.intake.handlers.submit import ATTACHMENTS_TOTAL_LIMIT_BYTES

log = structlog.get_logger("intake.api")


def _within_limit(attachments: tuple[Attachment, ...]) -> tuple[Attachment, ...]:
    total = sum(attachment.size_bytes for attachment in attachments)
    if total > ATTACHMENTS_TOTAL_LIMIT_BYTES:
        raise ValueError(f"attachments total {total} bytes; at most {ATTACHMENTS_TOTAL_LIMIT_BYTES} per answer")
    return attachments


class DocumentsAnswer(BaseModel):
    """The documents sent in answer to the open request, described, never uploaded."""

    model_config = ConfigDict(frozen=True)

    attachments: Annotated[tuple[Attachment, ...], Field(min_length=1), AfterValidator(_within_limit)]
    """At least one; at most 25 MB each and 25 MB together, as at submission."""


REFUSALS = {
    "no_open_request": "No documents request is open for this application: there is nothing to answer.",
    "deadline_passed": "The documents request's deadline has passed; contact the regional bureau.",
}


def documents_router(deps: ApiDeps) -> APIRouter:
    principal = principal_dependency(deps.verifier, deps.settings.api_filer_categories)
    router = APIRouter(
        prefix="/v1",
        tags=["applications"],
        route_class=limited_route(deps.settings.api_max_body_bytes),
        dependencies=[Depends(deps.limiter.per_filer(principal))],  # fair use, as on every filer's route
    )
    Caller = Annotated[Principal, Depends(principal)]

    @router.post("/applications/{number}/documents", response_model=ApplicationView, responses=responses(404, 409))
    async def answer(
        request: Request, number: Number, body: DocumentsAnswer, caller: Caller, key: IdempotencyKey = None
    ) -> Any:
        """Answer the open documents request before its deadline; 200 with the application (documents_submitted)."""
        raw: JsonValue = await request.json()

        async def work() -> tuple[int, JsonValue]:
            command_id = f"documents:{caller.filer_id}:{key}" if key else f"documents:{uuid.uuid4()}"
            with structlog.contextvars.bound_contextvars(correlation_id=command_id):
                result = await deps.access.answer_documents(number, caller.filer_id, body.attachments, command_id)
                if isinstance(result, ApplicationState):
                    log.info(
                        "documents answer applied", application_id=result.application_id, count=len(body.attachments)
                    )
            return _answer(result)

        return await deps.idempotency.run(caller.filer_id, key, fingerprint("POST", request.url.path, raw), work)

    return router


def _answer(result: ApplicationState | DocumentsRefused | None) -> tuple[int, JsonValue]:
    if result is None:
        raise answers.not_found()
    if isinstance(result, DocumentsRefused):
        raise ApiProblem(409, result.reason.value, REFUSALS[result.reason.value])
    return 200, answers.view(result)
