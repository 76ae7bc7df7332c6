"""The FastAPI application: server-rendered pages and a JSON API over one store.

Pages: ``/`` (stories: search, sort, pages), ``/stories/{id}``, ``/articles/{id}``,
``/outlets/{name}``, ``/ingest`` (form; POST stores, re-analyses and redirects to
the story the article joined). API: ``/api/stories``, ``/api/stories/{id}``,
``/api/articles/{id}``, ``POST /api/ingest``; documented at ``/docs`` and ``/redoc`` (their files served by
the app: no CDN). Downloads: ``/export/{alignments|edges|facts|stories}.{csv|jsonl}``.

Every endpoint that touches the store or analyses is a plain ``def`` (FastAPI
runs it in its thread pool, off the event loop); writes go one at a time
through :class:`~storytrace.web.library.Library`. Pages are Jinja2 templates
with autoescaping; ids are only ever looked up, never turned into paths.

Defences against the untrusted text the store holds, outermost first:
:class:`SecurityHeaders` gives every response a Content-Security-Policy that
lets only the app's own inline script run (by its SHA-256), ``nosniff`` and
no framing; :class:`KnownHosts` refuses (421) a ``Host`` the server was not
told it is (DNS rebinding, ``web.hosts``); :class:`CrossSiteWrites` refuses
writes a browser marks as sent from another site, or from an origin on a host
not allowed; :class:`BodyLimit` caps request bodies at
:data:`MAX_UPLOAD_BYTES` (413 beyond); JSON is written HTML-safe
(:class:`SafeJSONResponse`) and request errors never echo the input. An
unexpected error is a one-line 500 with the same headers, never a traceback.

Not here: the data and the writer (``web.library``); what pages show (``web.views``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit

import fastapi_offline  # Swagger UI's and ReDoc's files (imported here: without it, `serve` says what is missing)
from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, StrictUndefined
from pydantic import BaseModel, Field
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException

from storytrace import __version__
from storytrace.errors import StoreBusy, StorytraceError
from storytrace.export import EXPORTS, text_lines
from storytrace.ingest.formats import single_words, upload_accept, upload_words
from storytrace.naming import PASSAGE_DEFINITION
from storytrace.report.render import LEGEND, MAX_UNIQUE_OPEN, TIMELINE_ROLES, report_templates, style
from storytrace.semantic import CachedEmbedder
from storytrace.web.form import article_fields
from storytrace.web.hosts import AllowedHosts
from storytrace.web.library import (
    PAGE_SIZE,
    SORTS,
    WEB_WRITER_WAIT_SECONDS,
    Library,
    Placed,
    Snapshot,
    list_stories,
    unicode_problem,
    uploaded_articles,
)
from storytrace.web.views import article_page, outlet_page, story_view

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
            await _too_large(scope["path"])(scope, receive, send)
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
                await _too_large(scope["path"])(scope, receive, send)

        try:
            await self.app(scope, counted, reply)
        except TooLarge:
            if not replied:
                replied = True
                await _too_large(scope["path"])(scope, receive, send)


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


def _too_large(path: str) -> Response:
    return _message(path, 413, "Upload too large", TOO_LARGE)


# --- browser-side defences ---------------------------------------------------------------

FIXED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),  # JSON or text is never run as a script or shown as HTML
    ("X-Frame-Options", "DENY"),  # for browsers without CSP frame-ancestors
    ("Referrer-Policy", "same-origin"),  # not "no-referrer": with it a form's Origin is "null"
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
# Swagger UI of /docs, served by the app from the files the fastapi-offline package ships (no CDN: works offline).
DOCS_ASSETS = "/docs-assets"
SWAGGER_JS = f"{DOCS_ASSETS}/swagger-ui-bundle.js"
SWAGGER_CSS = f"{DOCS_ASSETS}/swagger-ui.css"
SWAGGER_ICON = f"{DOCS_ASSETS}/favicon.png"
REDOC_JS = f"{DOCS_ASSETS}/redoc.standalone.js"  # ReDoc at /redoc, from the same package, without web fonts
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}  # of /export/
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
    sample = _templates().get_template("message.html.j2").render(heading="", message="")
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
        message = "the request has no Host header: send the host name of this server"
    else:
        message = (
            f"this server does not answer to the host name '{_shown(host)}' (a guard against DNS rebinding); "
            "if it is yours, start storytrace serve with --allow-host NAME"
        )
    return _message(path, 421, "Unknown host name", message)


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
    return _message(path, 403, "Refused", CROSS_SITE)


def docs_assets() -> Path:
    """The folder of Swagger UI's and ReDoc's files: fastapi-offline's copy of them."""
    return Path(fastapi_offline.__file__).parent / "static"


def _docs_page(openapi_url: str, title: str) -> HTMLResponse:
    """Swagger UI for the API, with a policy allowing the app's own files and the page's one inline script."""
    page = get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=SWAGGER_JS,
        swagger_css_url=SWAGGER_CSS,
        swagger_favicon_url=SWAGGER_ICON,
    )
    body = bytes(page.body).decode("utf-8")
    scripts = [*script_hashes(body), "'self'"]  # a source names a path only with a host: 'self' is the app's files
    policy = content_policy(scripts, styles="'unsafe-inline' 'self'")
    return HTMLResponse(body, headers={"Content-Security-Policy": policy})


def _redoc_page(openapi_url: str, title: str) -> HTMLResponse:
    """ReDoc for the API: the app's own script, no web fonts; its search runs in a worker it makes from a blob."""
    page = get_redoc_html(
        openapi_url=openapi_url, title=title, redoc_js_url=REDOC_JS, redoc_favicon_url=SWAGGER_ICON,
        with_google_fonts=False,
    )  # fmt: skip
    policy = content_policy(["'self'"]) + "; worker-src blob:"
    return HTMLResponse(bytes(page.body), headers={"Content-Security-Policy": policy})


# --- request errors ----------------------------------------------------------------------

NOT_JSON = "send the article as a JSON object with Content-Type: application/json"
INTERNAL = "internal error ({kind}) while answering this request; the server's log has the details"
ECHO_CHARS = 120  # an id echoed in a 404 message is cut to this many characters
RETRY_AFTER = {"Retry-After": "5"}  # on a 503: seconds a client should wait before trying again


def _shown(value: str) -> str:
    """``value`` cut for an error message."""
    return value if len(value) <= ECHO_CHARS else value[: ECHO_CHARS - 1] + "…"


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
        reason = _one_line(cause) or type(cause).__name__
    return f"the request body could not be read: {reason}"


# --- templates ---------------------------------------------------------------------------


@cache
def _templates() -> Environment:
    env = Environment(
        # The web UI's own templates, and the report's under ``report/`` (the story macros both share).
        loader=ChoiceLoader(
            [PackageLoader("storytrace", "web/templates"), PrefixLoader({"report": report_templates()})]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.globals.update(
        css=style(),
        legend=LEGEND,
        version=__version__,
        timeline_roles=TIMELINE_ROLES,
        unique_open=MAX_UNIQUE_OPEN,
        passage_definition=PASSAGE_DEFINITION,
        upload_accept=upload_accept(),
        upload_words=upload_words(),
        single_words=single_words(),
    )
    return env


def _page(name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    return HTMLResponse(_templates().get_template(name).render(**context), status_code=status, headers=headers)


def _message(path: str, status: int, heading: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """A one-line answer: JSON ``{"detail": message}`` under ``/api/``, else a page."""
    if path.startswith("/api/"):
        return SafeJSONResponse({"detail": message}, status_code=status, headers=headers)
    return _page("message.html.j2", status, headers, heading=heading, message=message)


# --- API models --------------------------------------------------------------------------


class StoryItem(BaseModel):
    """A story in the list."""

    id: str
    title: str
    articles: int = Field(description="how many articles the story has")
    outlets: list[str]
    first_published: str | None


class StoryList(BaseModel):
    """One page of stories, with the query that made it."""

    items: list[StoryItem]
    total: int
    page: int
    pages: int
    per_page: int
    q: str
    sort: str


class IngestRequest(BaseModel):
    """An article to ingest: a text and optional metadata (id defaults to the title's slug or a hash)."""

    text: str
    id: str | None = None
    title: str | None = None
    source: str | None = None
    published: str | None = Field(None, description="ISO 8601 date or date-time")
    authors: list[str] = Field(default_factory=list, description="the byline's names")
    url: str | None = Field(None, description="the article's web address (http or https)")
    kind: Literal["article", "agency"] = Field("article", description="agency: wire-agency copy")


class IngestResult(BaseModel):
    """Where the ingested article went, and what went wrong analysing its story.

    With status 202 the article is stored but its story is not shown (``story`` is null):
    ``problems`` says why.
    """

    article: str
    story: str | None = Field(description="the story's id; null if its analysis failed")
    new_story: bool
    problems: list[str] = Field(default_factory=list, description="what failed in the analysis, one line each")
    notes: list[str] = Field(
        default_factory=list, description="what the input lost (a date) or changed (metadata), one line each"
    )


# --- the application ---------------------------------------------------------------------


def create_app(
    db: str | Path,
    embedder: CachedEmbedder | None = None,
    hosts: AllowedHosts | None = None,
    writer_wait: float = WEB_WRITER_WAIT_SECONDS,
) -> FastAPI:
    """The web UI over the store ``db``; ``embedder`` None means lexical features only.

    ``hosts``: the host names it answers to (default: the loopback names only).
    ``writer_wait``: seconds an upload waits for another process writing the store before a 503.
    At start-up the latest saved analysis is loaded; if there is none, or it
    leaves stored articles out, the store is analysed once in a worker thread
    (pages say so meanwhile).
    """
    library = Library(Path(db), embedder, writer_wait)
    hosts = hosts or AllowedHosts.of()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not library.load():
            threading.Thread(target=_analyse_quietly, args=(library,), daemon=True, name="storytrace-analyse").start()
        yield

    app = FastAPI(
        title="storytrace",
        version=__version__,
        summary="Stories, aligned passages and provenance of the articles in a storytrace store.",
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
        docs_url=None,  # served below, with its own Content-Security-Policy
        redoc_url=None,  # served below, with its own Content-Security-Policy
    )
    app.state.library = library
    # The last added is the outermost: headers go on every answer, the 403s and 413s included.
    app.add_middleware(BodyLimit)
    app.add_middleware(CrossSiteWrites, hosts=hosts)
    app.add_middleware(KnownHosts, hosts=hosts)
    app.add_middleware(SecurityHeaders)
    docs = _docs_page(app.openapi_url or "/openapi.json", f"{app.title} - API")
    app.mount(DOCS_ASSETS, StaticFiles(directory=docs_assets()), name="docs-assets")

    redoc = _redoc_page(app.openapi_url or "/openapi.json", f"{app.title} - API")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> Response:
        return docs

    @app.get("/redoc", include_in_schema=False)
    def api_redoc() -> Response:
        return redoc

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        detail = _unparsable(exc) or exc.detail
        if request.url.path.startswith("/api/"):
            return SafeJSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)
        heading = "Not found" if exc.status_code == 404 else f"Error {exc.status_code}"
        return _page("message.html.j2", exc.status_code, heading=heading, message=str(detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = _problems(exc.errors())
        if request.url.path.startswith("/api/"):
            if request.method == "POST" and not _is_json(request.headers.get("content-type", "")):
                return SafeJSONResponse({"detail": NOT_JSON}, status_code=415)
            return SafeJSONResponse({"detail": problems}, status_code=422)
        message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in problems)
        return _page("message.html.j2", 422, heading="Bad request", message=message)

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, exc: TooLarge) -> Response:
        return _too_large(request.url.path)

    @app.exception_handler(StoreBusy)
    async def busy(request: Request, exc: StoreBusy) -> Response:
        return _message(request.url.path, 503, "Store busy", exc.problem, RETRY_AFTER)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        # Starlette answers this outside every middleware (then lets the server log the
        # traceback): the headers are set here.
        response = _message(request.url.path, 500, "Internal error", INTERNAL.format(kind=type(exc).__name__))
        secure(response.headers)
        return response

    def analysed() -> None:
        if not library.ready.is_set():
            raise HTTPException(503, "the store is being analysed; try again in a moment", RETRY_AFTER)

    def snapshot() -> Snapshot:
        analysed()
        if library.failure is not None and not library.snapshot.stories:
            raise HTTPException(500, f"the analysis failed: {library.failure}")
        return library.snapshot

    def texts(ids: list[str]) -> dict[str, str]:
        with library.store() as store:
            return {a.id: a.text for a in store.articles(ids)}

    # --- pages -------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, summary="Story list page", include_in_schema=False)
    def index(q: str = "", sort: str = "size", page: int = 1) -> Response:
        listing = list_stories(snapshot().summaries, q, sort, page)
        return _page("index.html.j2", listing=listing, sorts=SORTS, exports=tuple(EXPORTS))

    # Rendered story pages of the current snapshot (without a "placed" banner): a story page
    # is long, and the snapshot never changes, so each is rendered once per snapshot.
    rendered: dict[str, bytes] = {}
    rendered_for: list[Snapshot | None] = [None]
    rendered_lock = threading.Lock()

    @app.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str, placed: str | None = None) -> Response:
        snap = snapshot()
        story = snap.stories.get(story_id)
        if story is None:
            raise HTTPException(404, f"no story '{_shown(story_id)}'")
        ids = [str(i) for i in story.get("articles", [])]
        banner = None
        if placed is not None and placed in ids:
            new = library.placements.get(placed, len(ids) == 1)
            banner = Placed(placed, story_id, new)
        with rendered_lock:
            if rendered_for[0] is not snap:
                rendered.clear()
                rendered_for[0] = snap
            body = rendered.get(story_id) if banner is None else None
        if body is not None:
            return HTMLResponse(body)
        view = story_view(story, snap.articles, texts(ids))
        page = _page("story.html.j2", s=view, placed=banner, meta=snap.articles)
        if banner is None:
            with rendered_lock:
                if rendered_for[0] is snap:
                    rendered[story_id] = bytes(page.body)
        return page

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article(article_id: str) -> Response:
        snap = snapshot()
        meta = snap.articles.get(article_id)
        if meta is None:
            raise HTTPException(404, f"no article '{_shown(article_id)}'")
        story = snap.stories.get(str(meta.get("story")))
        ids = [article_id, *(str(i) for i in (story or {}).get("articles", []))]
        view = article_page(article_id, snap.articles, story, texts(list(dict.fromkeys(ids))))
        return _page("article.html.j2", p=view)

    @app.get("/outlets/{outlet:path}", response_class=HTMLResponse, include_in_schema=False)
    def outlet(outlet: str) -> Response:
        snap = snapshot()
        view = outlet_page(outlet, snap.articles, snap.stories)
        if view is None:
            raise HTTPException(404, f"no outlet '{_shown(outlet)}'")
        return _page("outlet.html.j2", o=view)

    @app.get(
        "/export/{name}",
        summary="Download a table of the analysis (CSV or JSON Lines)",
        response_class=StreamingResponse,
        responses={200: {"content": {t.split(";")[0]: {} for t in EXPORT_TYPES.values()}}},
    )
    def export_file(name: str) -> Response:
        """``name``: alignments, edges, facts or stories, then .csv or .jsonl (as ``storytrace export`` writes)."""
        what, _, fmt = name.rpartition(".")
        if what not in EXPORTS or fmt not in EXPORT_TYPES:
            raise HTTPException(404, f"no export '{_shown(name)}'; e.g. /export/alignments.csv or /export/facts.jsonl")
        lines = text_lines(EXPORTS[what], fmt, snapshot().document)
        disposition = f'attachment; filename="storytrace-{what}.{fmt}"'
        return StreamingResponse(lines, media_type=EXPORT_TYPES[fmt], headers={"Content-Disposition": disposition})

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_form() -> Response:
        return _page("ingest.html.j2", error=None, form={})

    @app.post("/ingest", include_in_schema=False)
    def ingest_submit(
        file: Annotated[UploadFile | None, File()] = None,
        text: Annotated[str, Form()] = "",
        id: Annotated[str, Form()] = "",  # noqa: A002 - the form's field
        title: Annotated[str, Form()] = "",
        source: Annotated[str, Form()] = "",
        published: Annotated[str, Form()] = "",
        authors: Annotated[str, Form()] = "",
        url: Annotated[str, Form()] = "",
        agency: Annotated[str, Form()] = "",
    ) -> Response:
        form = {
            "text": text, "id": id, "title": title, "source": source, "published": published, "authors": authors,
            "url": url, "agency": agency,
        }  # fmt: skip
        data = file.file.read(MAX_UPLOAD_BYTES + 1) if file is not None else b""
        filename = (file.filename or "") if file is not None else ""
        if len(data) > MAX_UPLOAD_BYTES:
            raise TooLarge
        analysed()
        bad = unicode_problem({**form, "file name": filename})
        if bad is not None:
            return _page("ingest.html.j2", 400, error=bad, form={})  # such a form cannot be shown again
        try:
            fields = article_fields(
                id=id, title=title, source=source, published=published, authors=authors, url=url, agency=bool(agency)
            )
            if data:
                placed = library.ingest(uploaded_articles(data, filename, fields))
            elif text.strip():
                placed = library.paste(text, fields)
            else:
                raise ValueError("choose a file or paste a text")
        except StoreBusy as e:
            return _page("ingest.html.j2", 503, error=e.problem, form=form, headers=RETRY_AFTER)
        except (StorytraceError, ValueError) as e:
            return _page("ingest.html.j2", 400, error=_one_line(e), form=form)
        if placed.story is None:  # stored, but its story could not be analysed
            return _page("ingest.html.j2", 202, error=" ".join((*placed.notes, *placed.problems)), form={})
        target = f"/stories/{quote(placed.story, safe='')}?placed={quote(placed.article, safe='')}"
        if placed.notes:  # said on the form, with the way to the story, rather than lost in a redirect
            return _page("ingest.html.j2", 200, error=None, notes=placed.notes, placed=target, form={})
        return RedirectResponse(target, status_code=303)

    # --- JSON API ----------------------------------------------------------------------

    @app.get("/api/stories", response_model=StoryList, summary="List stories (search, sort, page)")
    def api_stories(
        q: Annotated[str, Query(description="words that must all occur in titles, texts or entity names")] = "",
        sort: Annotated[str, Query(description="size | recent | outlets")] = "size",
        page: Annotated[int, Query(description=f"1-based, {PAGE_SIZE} stories a page")] = 1,
    ) -> StoryList:
        listing = list_stories(snapshot().summaries, q, sort, page)
        items = [
            StoryItem(id=s.id, title=s.title, articles=s.articles, outlets=s.outlets, first_published=s.first_published)
            for s in listing.items
        ]
        return StoryList(
            items=items,
            total=listing.total,
            page=listing.page,
            pages=listing.pages,
            per_page=PAGE_SIZE,
            q=listing.q,
            sort=listing.sort,
        )

    @app.get("/api/stories/{story_id:path}", summary="One story, as in stories.json")
    def api_story(story_id: str) -> dict[str, Any]:
        story = snapshot().stories.get(story_id)
        if story is None:
            raise HTTPException(404, f"no story '{_shown(story_id)}'")
        return story

    @app.get("/api/articles/{article_id:path}", summary="One article's metadata (as in stories.json) and its text")
    def api_article(article_id: str) -> dict[str, Any]:
        meta = snapshot().articles.get(article_id)
        if meta is None:
            raise HTTPException(404, f"no article '{_shown(article_id)}'")
        return {**meta, "text": texts([article_id]).get(article_id, "")}

    @app.post("/api/ingest", response_model=IngestResult, summary="Store an article, place it in a story, re-analyse")
    def api_ingest(body: IngestRequest, response: Response) -> IngestResult:
        analysed()
        names = {f"authors[{k}]": name for k, name in enumerate(body.authors)}
        bad = unicode_problem({**body.model_dump(exclude={"authors"}), **names})
        if bad is not None:
            raise HTTPException(400, bad)
        try:
            fields = article_fields(
                id=body.id or "", title=body.title or "", source=body.source or "", published=body.published or "",
                authors=body.authors, url=body.url or "", agency=body.kind == "agency",
            )  # fmt: skip
        except ValueError as e:
            raise HTTPException(400, _one_line(e)) from None
        try:
            placed = library.paste(body.text, fields)
        except StoreBusy:
            raise
        except StorytraceError as e:
            raise HTTPException(400, _one_line(e)) from None
        if placed.story is None:
            response.status_code = 202
        return IngestResult(
            article=placed.article, story=placed.story, new_story=placed.new_story, problems=list(placed.problems),
            notes=list(placed.notes),
        )  # fmt: skip

    return app


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _analyse_quietly(library: Library) -> None:
    """Start-up analysis in a worker thread; a failure is kept for the pages to show."""
    try:
        library.analyse()
    except Exception:  # noqa: BLE001 - library.failure says what went wrong
        return
