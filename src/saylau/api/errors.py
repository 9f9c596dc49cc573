"""The one error handler: every SaylauError, and every request FastAPI cannot parse, becomes
one JSON envelope: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from saylau.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    RuleError,
    SaylauError,
    TooLarge,
    Unauthorized,
    Unavailable,
    ValidationFailed,
)

STATUS: tuple[tuple[type[SaylauError], int], ...] = (
    (TooLarge, 413),
    (ValidationFailed, 422),
    (RuleError, 422),
    (NotFound, 404),
    (Conflict, 409),
    (Unauthorized, 401),
    (Forbidden, 403),
    (Unavailable, 503),
    (RateLimited, 429),
)


def status_of(exc: SaylauError) -> int:
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return 400


WHEN: dict[int, str] = {
    400: "the body could not be read at all (e.g. not UTF-8)",
    401: "a token is needed here, or the token sent is not recognised",
    403: "the token's role or scope does not allow this",
    404: "no such election, contest, unit, station, key or record",
    409: "a different record already holds this slot (send a correction)",
    413: "the body is over the size limit (refused before it is read)",
    422: "the request, or the figures in it, break a rule: every problem is named",
    429: "too many requests from this caller: try again after Retry-After seconds",
    503: "the store cannot take writes now, or cannot be reached (see Retry-After)",
}
"""Every status the one handler answers with, and when (the OpenAPI responses of each route)."""


class ErrorOut(BaseModel):
    """The inner object of the error envelope."""

    model_config = ConfigDict(extra="forbid")
    code: str
    message: str
    details: dict[str, Any]


class ErrorEnvelope(BaseModel):
    """Every error answer: {"error": {"code", "message", "details"}}."""

    model_config = ConfigDict(extra="forbid")
    error: ErrorOut


RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": why} for status, why in WHEN.items()
}
"""The error answers declared on every API route (FastAPI(responses=...))."""

_ENVELOPE_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}
PAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **{status: {"description": why, "content": {"application/json": {"schema": _ENVELOPE_REF}}}
       for status, why in WHEN.items()},
    404: {"description": "no such election, unit or contest: a page saying so in the reader's "
          "language (a static file: the envelope)",
          "content": {"text/html": {"schema": {"type": "string"}},
                      "application/json": {"schema": _ENVELOPE_REF}}},
}
"""The same for the site's pages, which answer HTML: given without a model (FastAPI would put
it under text/html), referring to the envelope that the API routes' RESPONSES declare."""


def envelope(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The error envelope, every text in it encodable as UTF-8 (see `_encodable`)."""
    out: dict[str, Any] = _encodable(
        {"error": {"code": code, "message": message, "details": details or {}}})
    return out


def _encodable(value: Any) -> Any:
    """`value` with every string made encodable as UTF-8: JSON may escape half a surrogate
    pair ("\\udc00"), which Python reads as a lone surrogate that no UTF-8 body can hold; an
    error echoing it would fail to render (a 500). Such characters are shown as their escape
    (the text `\\udc00`), every other character as it is."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(v) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    """Pydantic error inputs may be bytes or other objects: make them printable."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        if isinstance(value, int) and abs(value) > 2**53:
            return str(value)
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)  # NaN and infinities (Python's JSON reader takes them) are no JSON
        return value
    return repr(value)[:200]


RETRY_AFTER_S = 5
"""Seconds a client is asked to wait before sending again after a 503 (store unavailable or
busy): resending is safe, submissions are idempotent."""

MAX_ECHO = 256
"""Characters of a string input, and items of a list or object, echoed back in an error."""
MAX_ERRORS = 100
"""Field errors listed in one response (the rest are counted)."""


def _brief(value: Any, depth: int = 0) -> Any:
    """An input echoed in an error, bounded: a large body must not come back in full."""
    if isinstance(value, str) and len(value) > MAX_ECHO:
        return f"{value[:MAX_ECHO]}... ({len(value):,} characters)"
    if isinstance(value, dict | list | tuple):
        if depth >= 3:
            return f"({type(value).__name__} of {len(value):,} items)"
        items = list(value.items()) if isinstance(value, dict) else list(value)
        extra = len(items) - 20
        if isinstance(value, dict):
            out = {str(_brief(str(k))): _brief(v, depth + 1) for k, v in items[:20]}
            if extra > 0:
                out["..."] = f"{extra:,} more"
            return out
        seq = [_brief(v, depth + 1) for v in items[:20]]
        return [*seq, f"... {extra:,} more"] if extra > 0 else seq
    return _jsonable(value)


def _field_error(e: Any) -> dict[str, Any]:
    """One Pydantic error as {field, expected, actual, message}."""
    loc = tuple(e.get("loc", ()))
    if e.get("type") == "json_invalid":
        # loc is ("body", character position): the position is no field; say where it broke
        at = loc[1] if len(loc) > 1 else None
        why = (e.get("ctx") or {}).get("error", "")
        return {"field": "body", "expected": "a JSON document",
                "actual": f"{why} at character {at}".strip(),
                "message": f"the body is not JSON: {why} at character {at}".strip()}
    actual = _brief(e.get("input"))
    if loc and loc[-1] == "iin":  # parties wing (issue 13): an IIN is never echoed back
        actual = "(not shown: personal data)"
    return {
        "field": ".".join(str(_brief(str(p))) for p in loc if p != "body"),
        "expected": e.get("type"),
        "actual": actual,
        "message": e.get("msg"),
    }


def install(app: FastAPI) -> None:
    @app.exception_handler(SaylauError)
    async def _saylau(_req: Request, exc: SaylauError) -> JSONResponse:
        headers: dict[str, str] | None = None
        if isinstance(exc, Unauthorized):
            headers = {"WWW-Authenticate": "Bearer"}
        elif isinstance(exc, Unavailable):
            headers = {"Retry-After": str(RETRY_AFTER_S)}
        elif isinstance(exc, RateLimited):
            headers = {"Retry-After": str(exc.details.get("retry_after", RETRY_AFTER_S))}
        return JSONResponse(
            envelope(exc.code, exc.message, _jsonable(exc.details)),
            status_code=status_of(exc), headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _request(_req: Request, exc: RequestValidationError) -> JSONResponse:
        found = exc.errors()
        errors = [_field_error(e) for e in found[:MAX_ERRORS]]
        summary = "; ".join(f"{x['field']}: {x['message']}" for x in errors[:10])
        if len(found) > 10:
            summary += f"; and {len(found) - 10:,} more"
        details: dict[str, Any] = {"errors": errors}
        if len(found) > MAX_ERRORS:
            details["omitted"] = len(found) - MAX_ERRORS
        return JSONResponse(
            envelope("request_invalid", f"the request is not valid: {summary}", details),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not read the body at all (e.g. not UTF-8)
            return JSONResponse(
                envelope("request_invalid", f"the body could not be read: {exc.detail}",
                         {"field": "body", "expected": "a UTF-8 JSON document",
                          "actual": "unreadable bytes"}),
                status_code=400,
            )
        return JSONResponse(
            envelope(f"http_{exc.status_code}", str(exc.detail)), status_code=exc.status_code
        )
