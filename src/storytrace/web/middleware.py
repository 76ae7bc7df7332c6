"""The ASGI middleware between the server and the routes, and the Content-Security-Policy they give.

Outermost first: :class:`SecurityHeaders` gives every response a Content-Security-Policy that lets only the
app's own inline script run (by its SHA-256), ``nosniff`` and no framing; :class:`KnownHosts` refuses (421) a
``Host`` the server was not told it is (DNS rebinding, ``web.hosts``); :class:`CrossSiteWrites` refuses writes
a browser marks as sent from another site, or from an origin on a host not allowed; :class:`BodyLimit` caps
request bodies at :data:`MAX_UPLOAD_BYTES` (413 beyond).

Not here: which host names are allowed (``web.hosts``); the answers to errors raised in routes (``web.errors``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from fastapi.responses import Response
from starlette.datastructures import Headers, MutableHeaders

from storytrace.web.hosts import AllowedHosts
from storytrace.web.responses import message, shown
from storytrace.web.templating import templates

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
"""Largest request body accepted by the ingest endpoints (an upload plus the form's fields)."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOO_LARGE = f"the upload is larger than the limit of {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"


class TooLarge(Exception):
    """A request body passed :data:`MAX_UPLOAD_BYTES` while being read."""


class BodyLimit:
    """ASGI middleware: refuse bodies over ``limit`` bytes, by Content-Length and while reading."""

    def __init__(self, app: ASGIApp, limit: int = MAX_UPLOAD_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting the body bytes it reads."""
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"").decode("latin-1").strip()
        if length.isdigit() and int(length) > self.limit:
            await too_large(scope["path"])(scope, receive, send)
            return
        seen = 0
        exceeded = False
        replied = False

        async def counted() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise TooLarge
            return message

        async def reply(message: Message) -> None:
            # Once the body passed the limit, whatever the app answers (a parser may turn the
            # error into a 400) is replaced by the 413.
            nonlocal replied
            if not exceeded:
                await send(message)
            elif not replied:
                replied = True
                await too_large(scope["path"])(scope, receive, send)

        try:
            await self.app(scope, counted, reply)
        except TooLarge:
            if not replied:
                replied = True
                await too_large(scope["path"])(scope, receive, send)


def too_large(path: str) -> Response:
    """The 413 answer to a body over :data:`MAX_UPLOAD_BYTES`."""
    return message(path, 413, "Upload too large", TOO_LARGE)


# --- browser-side defences ---------------------------------------------------------------

FIXED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),  # JSON or text is never run as a script or shown as HTML
    ("X-Frame-Options", "DENY"),  # for browsers without CSP frame-ancestors
    ("Referrer-Policy", "same-origin"),  # not "no-referrer": with it a form's Origin is "null"
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
CROSS_SITE = "cross-site request refused: articles are added from this server's own pages or by API clients"


def script_hashes(html: str) -> list[str]:
    """CSP sources (``'sha256-…'``) allowing exactly the inline ``<script>`` elements of the trusted page ``html``."""
    bodies = re.findall(r"<script>(.*?)</script>", html, re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(b.encode('utf-8')).digest()).decode('ascii')}'" for b in bodies]


def content_policy(scripts: list[str], styles: str = "'unsafe-inline'", images: str = "'self' data:") -> str:
    """A Content-Security-Policy: only ``scripts`` run; nothing is framed, fetched from elsewhere or posted away."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + (" ".join(scripts) or "'none'"),
            f"style-src {styles}",
            f"img-src {images}",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


@cache
def page_policy() -> str:
    """The policy of every page and API answer: the base template's click script, by hash, is all that runs.

    Styles stay ``'unsafe-inline'``: the pages carry their stylesheet and bar widths inline, and
    as all document text is escaped, no style on them is an attacker's.
    """
    sample = templates().get_template("message.html.j2").render(heading="", message="")
    return content_policy(script_hashes(sample))


def secure(headers: MutableHeaders) -> None:
    """Give ``headers`` :func:`page_policy` and :data:`FIXED_HEADERS`, where they lack them."""
    headers.setdefault("Content-Security-Policy", page_policy())
    for name, value in FIXED_HEADERS:
        headers.setdefault(name, value)


class SecurityHeaders:
    """ASGI middleware: :func:`secure` on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, adding the headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                secure(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, with_headers)


class KnownHosts:
    """ASGI middleware: refuse (421) a request whose ``Host`` is not a name of this server (DNS rebinding).

    Reads as well as writes: a rebound page could otherwise read the API as its own.
    """

    def __init__(self, app: ASGIApp, hosts: AllowedHosts) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on if its ``Host`` is allowed."""
        if scope["type"] == "http":  # no websockets are served
            host = Headers(scope=scope).get("host")
            if not self.hosts.allows(host):
                await _misdirected(scope["path"], host)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _misdirected(path: str, host: str | None) -> Response:
    if host is None:
        text = "the request has no Host header: send the host name of this server"
    else:
        text = (
            f"this server does not answer to the host name '{shown(host)}' (a guard against DNS rebinding); "
            "if it is yours, start storytrace serve with --allow-host NAME"
        )
    return message(path, 421, "Unknown host name", text)


class CrossSiteWrites:
    """ASGI middleware: refuse (403) a write that a browser says another site's page sent (CSRF).

    A page anywhere on the web can post a form to a local server; browsers say where it came
    from in ``Sec-Fetch-Site`` and ``Origin``. A write whose ``Origin`` is on a host not in
    ``hosts`` is refused whatever else it says. Requests without either header (curl,
    scripts, the API's clients) pass.
    """

    def __init__(self, app: ASGIApp, hosts: AllowedHosts) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on unless it is a cross-site write."""
        if scope["type"] == "http" and scope.get("method") not in ("GET", "HEAD", "OPTIONS"):
            if _cross_site(Headers(scope=scope), self.hosts):
                await _refused(scope["path"])(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _cross_site(headers: Headers, hosts: AllowedHosts) -> bool:
    origin = headers.get("origin")
    if origin is not None and origin != "null" and not hosts.allows(urlsplit(origin).netloc):
        return True
    site = headers.get("sec-fetch-site")  # set by the browser alone; pages cannot forge it
    if site is not None:
        return site not in ("same-origin", "none")
    if origin is None:  # older browsers: compare the origin with the address asked
        return False
    return origin == "null" or urlsplit(origin).netloc.lower() != headers.get("host", "").lower()


def _refused(path: str) -> Response:
    return message(path, 403, "Refused", CROSS_SITE)
