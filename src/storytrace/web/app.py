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

Defences against the untrusted text the store holds, outermost first (``web.middleware``):
a Content-Security-Policy that lets only the app's own inline script run, ``nosniff`` and no framing on every
response; a ``Host`` the server was not told it is refused (421, DNS rebinding); writes a browser marks as
sent from another site refused (403); request bodies capped at ``MAX_UPLOAD_BYTES`` (413 beyond). JSON is
written HTML-safe (``web.responses.SafeJSONResponse``) and request errors never echo the input; an unexpected
error is a one-line 500 with the same headers, never a traceback (``web.errors``).

Here: :func:`create_app` puts these together, with the routes (``web.routes``) in a fixed order and the
API's documentation (``web.apidocs``). Not here: the data and the writer (``web.library``); what pages show
(``web.views``).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from storytrace import __version__
from storytrace.semantic import CachedEmbedder
from storytrace.web.apidocs import install_docs
from storytrace.web.errors import install_error_handlers
from storytrace.web.hosts import AllowedHosts
from storytrace.web.library import WEB_WRITER_WAIT_SECONDS, Library
from storytrace.web.middleware import BodyLimit, CrossSiteWrites, KnownHosts, SecurityHeaders
from storytrace.web.responses import SafeJSONResponse
from storytrace.web.routes import api, exports, ingest, pages
from storytrace.web.routes.state import RenderedStories


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
        docs_url=None,  # served by web.apidocs, with its own Content-Security-Policy
        redoc_url=None,  # served by web.apidocs, with its own Content-Security-Policy
    )
    app.state.library = library
    app.state.rendered = RenderedStories()
    # The last added is the outermost: headers go on every answer, the 403s and 413s included.
    app.add_middleware(BodyLimit)
    app.add_middleware(CrossSiteWrites, hosts=hosts)
    app.add_middleware(KnownHosts, hosts=hosts)
    app.add_middleware(SecurityHeaders)
    install_docs(app)
    install_error_handlers(app)
    for routes in (pages, exports, ingest, api):  # this order is the order of /openapi.json
        app.include_router(routes.router)
    return app


def _analyse_quietly(library: Library) -> None:
    """Start-up analysis in a worker thread; a failure is kept for the pages to show."""
    try:
        library.analyse()
    except Exception:  # noqa: BLE001 - library.failure says what went wrong
        return
