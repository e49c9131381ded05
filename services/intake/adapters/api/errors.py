"""The API's error answers, and a route class that enforces the body limit and shapes every error.

The route class lives on intake's router, so the API carries its own rules into
whatever application includes it. It refuses a body over the limit with 413
before parsing it (by Content-Length, or while reading a body sent without one).
FastAPI's default 422 echoes the offending input, which would put personal data
in a response (and in any log or proxy that keeps responses): here a 422 names
each failing field and says what is wrong, never what was sent. A transient
failure (database out of reach, a race that did not settle) is a 503 to retry.
Each refusal is one log line (`request refused`: route, status, and the problem's code
or the failing fields' locations and error types), never what was sent; anything
else is raised, and logged with its traceback by the server.
"""

from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from chassis.errors import is_transient
from services.intake.handlers.ports import Contention

log = structlog.get_logger("intake.api")


class Problem(BaseModel):
    """An error answer: a stable code for programs and a sentence for people."""

    code: str
    detail: str


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(BaseModel):
    """Every failing field, by location (`body`, `header`, `path`, then the field path)."""

    detail: list[FieldError]


class ApiProblem(Exception):
    def __init__(self, status_code: int, code: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status_code = status_code
        self.problem = Problem(code=code, detail=detail)
        self.headers = headers


class Refusal(JSONResponse):
    """An error answer, with what the log line says of it: a code or field locations and error types, since
    even the answer's messages are for the caller, not the log."""

    def __init__(self, content: Any, status_code: int, reason: str, headers: dict[str, str] | None = None):
        super().__init__(content, status_code=status_code, headers=headers)
        self.reason = reason


def problem_response(problem: ApiProblem) -> JSONResponse:
    return Refusal(problem.problem.model_dump(), problem.status_code, problem.problem.code, problem.headers)


def field_errors(errors: Any) -> list[dict[str, Any]]:
    return [FieldError(loc=list(e["loc"]), msg=_message(e), type=e["type"]).model_dump() for e in errors]


def _message(error: Any) -> str:
    # Pydantic's own messages describe the rule, not the input; the e-mail validator's may quote
    # parts of the address, so those are cut to their first clause.
    message = str(error["msg"])
    return message.split(":")[0] if message.startswith("value is not a valid email address") else message


_LOGGED_FIELDS = 5


def validation_response(errors: list[dict[str, Any]]) -> JSONResponse:
    where = [f"{'.'.join(str(p) for p in e['loc'])}: {e['type']}" for e in errors]
    more = f"; and {len(where) - _LOGGED_FIELDS} more" if len(where) > _LOGGED_FIELDS else ""
    return Refusal({"detail": errors}, 422, "; ".join(where[:_LOGGED_FIELDS]) + more)


_UNREADABLE_BODY = {"loc": ["body"], "msg": "The body is not JSON in UTF-8", "type": "json_invalid"}


class _BodyTooLarge(HTTPException):
    """An HTTPException, so that FastAPI's body reading passes it through untouched."""

    def __init__(self) -> None:
        super().__init__(413)


class _LimitedRequest(Request):
    limit: int

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            chunks, size = [], 0
            async for chunk in self.stream():
                size += len(chunk)
                if size > self.limit:
                    raise _BodyTooLarge
                chunks.append(chunk)
            self._body = b"".join(chunks)
        return self._body


def limited_route(max_body_bytes: int) -> type[APIRoute]:
    too_large = ApiProblem(413, "body_too_large", f"The request body exceeds the limit of {max_body_bytes} bytes.")
    # The database out of reach, or a race with another instance that did not settle: nothing was lost.
    unavailable = ApiProblem(
        503, "try_again", "Intake is briefly unavailable; retry with the same Idempotency-Key.", {"Retry-After": "1"}
    )

    class LimitedRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            original = super().get_route_handler()

            async def handler(request: Request) -> Response:
                response = await respond(request)
                if isinstance(response, Refusal) and response.status_code < 500:  # a 503 is a pause, not a refusal
                    log.info(
                        "request refused",
                        method=request.method,
                        route=self.path,
                        status=response.status_code,
                        reason=response.reason,
                    )
                return response

            async def respond(request: Request) -> Response:
                declared = request.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_body_bytes:
                    return problem_response(too_large)
                limited = _LimitedRequest(request.scope, request.receive)
                limited.limit = max_body_bytes
                try:
                    return await original(limited)
                except _BodyTooLarge:
                    return problem_response(too_large)
                except RequestValidationError as error:
                    return validation_response(field_errors(error.errors()))
                except ApiProblem as problem:
                    return problem_response(problem)
                except HTTPException as error:  # FastAPI's own: a body it could not read (not UTF-8, say)
                    if error.status_code != 400:
                        raise
                    return validation_response([_UNREADABLE_BODY])
                except Exception as error:
                    if not (is_transient(error) or isinstance(error, Contention)):
                        raise
                    return problem_response(unavailable)

            return handler

    return LimitedRoute
