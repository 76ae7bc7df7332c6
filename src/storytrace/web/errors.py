"""The answers to errors raised while a request is handled: one line, never the input, never a traceback.

A page gets the message page, ``/api/`` gets ``{"detail": …}``; request errors never echo the input (it may
be huge, NaN or markup); a store held by another writer is a 503 with ``Retry-After``; an unexpected error is a
one-line 500 with the same headers as every answer.

Not here: the refusals made before a route runs (``web.middleware``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from storytrace.errors import StoreBusy
from storytrace.web.middleware import TooLarge, secure, too_large
from storytrace.web.responses import RETRY_AFTER, SafeJSONResponse, message, one_line
from storytrace.web.templating import page

NOT_JSON = "send the article as a JSON object with Content-Type: application/json"
INTERNAL = "internal error ({kind}) while answering this request; the server's log has the details"


def _problems(errors: Any) -> list[dict[str, Any]]:
    """Validation errors as ``loc``, ``msg``, ``type``: never the input, which may be huge, NaN or markup."""
    out = []
    for e in errors:
        msg = str(e.get("msg", ""))
        ctx = e.get("ctx") or {}
        loc = [part if isinstance(part, int) else str(part) for part in e.get("loc", ())]
        if e.get("type") == "json_invalid" and ctx.get("error"):
            msg = f"the body is not valid JSON: {ctx['error']}"
        elif e.get("type") == "missing" and loc == ["body"]:
            msg = "the body is empty: send a JSON object with at least 'text'"
        out.append({"loc": loc, "msg": msg, "type": str(e.get("type", ""))})
    return out


def _is_json(content_type: str) -> bool:
    """True for ``application/json`` and ``application/*+json`` (what FastAPI parses as JSON)."""
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def _unparsable(exc: HTTPException) -> str | None:
    """What was wrong with a body the framework could not parse (its 400 names no cause), or None."""
    cause = exc.__cause__
    if exc.status_code != 400 or cause is None:
        return None
    if isinstance(cause, UnicodeDecodeError):
        reason = "it is not UTF-8"
    elif isinstance(cause, RecursionError):
        reason = "it is nested too deeply"
    elif isinstance(cause, ValueError) and "digits" in str(cause):
        reason = "a number in it has too many digits"
    else:
        reason = one_line(cause) or type(cause).__name__
    return f"the request body could not be read: {reason}"


async def http_error(request: Request, exc: HTTPException) -> Response:
    """An error a route raised on purpose: its status and detail, as JSON or a page."""
    detail = _unparsable(exc) or exc.detail
    if request.url.path.startswith("/api/"):
        return SafeJSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)
    heading = "Not found" if exc.status_code == 404 else f"Error {exc.status_code}"
    return page("message.html.j2", exc.status_code, heading=heading, message=str(detail))


async def invalid(request: Request, exc: RequestValidationError) -> Response:
    """A request the routes' parameters refuse: 422 with the problems (415 for an API post that is not JSON)."""
    problems = _problems(exc.errors())
    if request.url.path.startswith("/api/"):
        if request.method == "POST" and not _is_json(request.headers.get("content-type", "")):
            return SafeJSONResponse({"detail": NOT_JSON}, status_code=415)
        return SafeJSONResponse({"detail": problems}, status_code=422)
    text = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in problems)
    return page("message.html.j2", 422, heading="Bad request", message=text)


async def body_too_large(request: Request, exc: TooLarge) -> Response:
    """A body found too large inside a route: the 413 of the middleware."""
    return too_large(request.url.path)


async def busy(request: Request, exc: StoreBusy) -> Response:
    """Another process holds the store's writer lock: 503, try again later."""
    return message(request.url.path, 503, "Store busy", exc.problem, RETRY_AFTER)


async def internal(request: Request, exc: Exception) -> Response:
    """Anything else: a one-line 500 naming the kind of error only."""
    # Starlette answers this outside every middleware (then lets the server log the
    # traceback): the headers are set here.
    response = message(request.url.path, 500, "Internal error", INTERNAL.format(kind=type(exc).__name__))
    secure(response.headers)
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Give ``app`` the handlers above, in this order."""
    app.exception_handler(HTTPException)(http_error)
    app.exception_handler(RequestValidationError)(invalid)
    app.exception_handler(TooLarge)(body_too_large)
    app.exception_handler(StoreBusy)(busy)
    app.exception_handler(Exception)(internal)
