"""Every error as JSON ``{"error": {"type", "message"}}``, with a status chosen from the RagAgentError tree."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ragagent.errors import (
    ConfigError,
    IndexLockedError,
    IndexNotFoundError,
    IngestAbortedError,
    IngestError,
    LLMError,
    RagAgentError,
    SandboxError,
    SourceNotFoundError,
)

log = logging.getLogger("ragagent.server")

# First match wins: subclasses before their parents.
STATUS: tuple[tuple[type[RagAgentError], int], ...] = (
    (IndexNotFoundError, 404),
    (SourceNotFoundError, 404),
    (IndexLockedError, 409),
    (ConfigError, 422),
    (IngestError, 422),
    (IngestAbortedError, 422),
    (LLMError, 502),
    (SandboxError, 503),
    (RagAgentError, 500),
)


class ApiError(Exception):
    """An HTTP-level refusal (401, 413, 415, ...) with the same JSON shape as every other error."""

    def __init__(self, status: int, type_: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.type = type_
        self.message = message


def error_body(type_: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"type": type_, "message": message}}


def status_of(exc: RagAgentError) -> int:
    return next(code for cls, code in STATUS if isinstance(exc, cls))


def describe(exc: BaseException) -> tuple[int, dict[str, dict[str, str]]]:
    """The status and body for any exception (also used inside event streams)."""
    if isinstance(exc, ApiError):
        return exc.status, error_body(exc.type, exc.message)
    if isinstance(exc, RagAgentError):
        return status_of(exc), error_body(type(exc).__name__, " ".join(str(exc).split()))
    log.exception("unexpected error", exc_info=exc)
    return 500, error_body("InternalError", f"unexpected {type(exc).__name__}: {exc}")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {str(err.get('msg', 'invalid')).replace('Value error, ', '')}")
    return "; ".join(parts)


def install(app: FastAPI) -> None:
    async def on_any(request: Request, exc: Exception) -> JSONResponse:
        status, body = describe(exc)
        return JSONResponse(body, status_code=status)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse(error_body("ValidationError", _validation_message(exc)), status_code=422)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        return JSONResponse(error_body("HTTPError", str(exc.detail)), status_code=exc.status_code,
                            headers=exc.headers)

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(ApiError, on_any)
    app.add_exception_handler(RagAgentError, on_any)
    app.add_exception_handler(Exception, on_any)
