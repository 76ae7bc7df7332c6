"""How the app answers besides full pages: HTML-safe JSON, one-line messages, and the text they quote.

A one-line answer is JSON ``{"detail": message}`` under ``/api/`` and the message page elsewhere; an id echoed
in it is cut to :data:`ECHO_CHARS`; an error is written on one line.

Not here: the templates (``web.templating``); which errors become which answers (``web.errors``).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse, Response

from storytrace.web.templating import page

ECHO_CHARS = 120  # an id echoed in a 404 message is cut to this many characters
RETRY_AFTER = {"Retry-After": "5"}  # on a 503: seconds a client should wait before trying again


class SafeJSONResponse(JSONResponse):
    """JSON with ``<``, ``>``, ``&`` and U+2028/U+2029 written as escapes: no markup in the bytes, same values parsed.

    The line separators are valid in JSON but end a line in JavaScript before ES2019: escaped,
    the bytes stay safe to embed in a script as they are.
    """

    def render(self, content: Any) -> bytes:
        """Serialise ``content`` as compact UTF-8 JSON, HTML-safe."""
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.translate(_JSON_ESCAPES).encode("utf-8")


_JSON_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"}


def message(path: str, status: int, heading: str, text: str, headers: dict[str, str] | None = None) -> Response:
    """A one-line answer: JSON ``{"detail": text}`` under ``/api/``, else a page."""
    if path.startswith("/api/"):
        return SafeJSONResponse({"detail": text}, status_code=status, headers=headers)
    return page("message.html.j2", status, headers, heading=heading, message=text)


def shown(value: str) -> str:
    """``value`` cut for an error message."""
    return value if len(value) <= ECHO_CHARS else value[: ECHO_CHARS - 1] + "…"


def one_line(error: BaseException) -> str:
    """``error``'s text with its whitespace runs, newlines included, made single spaces."""
    return " ".join(str(error).split())
