"""From use-case results to HTTP answers: a status code and a JSON body, or an ApiProblem to raise.

Answers are plain (status, body) pairs because an Idempotency-Key replay must
return exactly what the first request got.
"""

from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import JsonValue, ValidationError

from services.intake.adapters.api.errors import ApiProblem, field_errors
from services.intake.adapters.api.schemas import (
    ApplicationView,
    BatchItemResult,
    BatchResult,
    PendingProofView,
    SubmissionAccepted,
    TimelineItem,
)
from services.intake.domain.application import ApplicationState
from services.intake.domain.pending_proof import PendingProof, ProofRefused
from services.intake.domain.status import WithdrawRefused
from services.intake.handlers.submit import Received, Refusal, Refused

Answer = tuple[int, JsonValue]


def submission(result: Received | Refused) -> Answer:
    if isinstance(result, Received):
        return 202, _accepted(result.state).model_dump(mode="json")
    if (error := _field_error(result)) is not None:
        raise RequestValidationError([{**error, "loc": ["body", *error["loc"]]}])
    raise _reused()


def batch(count: int, results: dict[int, Received | Refused], invalid: dict[int, ValidationError]) -> Answer:
    items: list[BatchItemResult] = []
    for index in range(count):
        if index in invalid:
            errors = field_errors(invalid[index].errors(include_input=False, include_context=False))
            items.append(BatchItemResult.model_validate({"index": index, "status_code": 422, "errors": errors}))
            continue
        result = results[index]
        if isinstance(result, Received):
            items.append(BatchItemResult(index=index, status_code=202, result=_accepted(result.state)))
        elif (error := _field_error(result)) is not None:
            items.append(BatchItemResult.model_validate({"index": index, "status_code": 422, "errors": [error]}))
        else:
            items.append(BatchItemResult(index=index, status_code=409, problem=_reused().problem))
    return 200, BatchResult(results=items).model_dump(mode="json", exclude_none=True)


def view(state: ApplicationState) -> JsonValue:
    timeline = [
        TimelineItem(at=e.at, kind=e.kind.value, status=e.status, note=e.note, revision=e.revision)
        for e in state.timeline
    ]
    return ApplicationView(
        application_id=state.application_id,
        submission_id=state.submission_id,
        provisional_number=state.provisional_number,
        receipt_number=state.receipt_number,
        procedure=state.procedure,
        status=state.status,
        revision=state.revision,
        filed_on=state.filed_on,
        channel=state.channel,
        timeline=timeline,
    ).model_dump(mode="json")


def proof(result: PendingProof | ProofRefused | None) -> JsonValue:
    if result is None:
        raise not_found()
    if isinstance(result, ProofRefused):
        raise ApiProblem(409, result.reason.value, _PROOF_REFUSALS[result.reason.value])
    return PendingProofView.model_validate(result.model_dump()).model_dump(mode="json")


def withdrawal(result: ApplicationState | WithdrawRefused | None) -> Answer:
    if result is None:
        raise not_found()
    if isinstance(result, WithdrawRefused):
        raise ApiProblem(409, result.reason.value, _WITHDRAW_REFUSALS[result.reason.value])
    return 200, view(result)


def not_found() -> ApiProblem:
    return ApiProblem(404, "not_found", "You have filed no application with this number.")


def too_many_items(limit: int) -> RequestValidationError:
    message = f"at most {limit} items per batch"
    return RequestValidationError([{"loc": ("body", "items"), "msg": message, "type": "too_long"}])


def _accepted(state: ApplicationState) -> SubmissionAccepted:
    return SubmissionAccepted(
        application_id=state.application_id,
        submission_id=state.submission_id,
        provisional_number=state.provisional_number,
        status=state.status,
    )


def _reused() -> ApiProblem:
    detail = "This submission id was already used for a different application."
    return ApiProblem(409, Refusal.SUBMISSION_ID_REUSED.value, detail)


def _field_error(refused: Refused) -> dict[str, Any] | None:
    """The refusals that are about one field of the body, as a 422 entry located in the submission."""
    if refused.reason is Refusal.ATTACHMENTS_TOO_LARGE:
        return {"loc": ["form", "attachments"], "msg": "attachments exceed 25 MB in total", "type": "too_large"}
    return None


_PROOF_REFUSALS = {
    "no_receipt_number": "The application has no receipt number yet: it is not accepted.",
    "not_eligible": "The application may not be filed online, so nothing is pending.",
    "decided": "The application is decided; nothing is pending any more.",
    "withdrawn": "The application was withdrawn.",
}
_WITHDRAW_REFUSALS = {
    "already_decided": "The application is already decided and can no longer be withdrawn.",
    "already_withdrawn": "The application is already withdrawn.",
    "not_eligible": "The application was not eligible for online filing; there is nothing to withdraw.",
}
