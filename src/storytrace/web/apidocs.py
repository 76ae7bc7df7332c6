"""The API's documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), and the files they load.

Both pages load their scripts and styles from :data:`DOCS_ASSETS`, served by the app from the files the
fastapi-offline package ships (no CDN: they work offline), and carry their own Content-Security-Policy.

Not here: the OpenAPI document itself (FastAPI writes it from the routes); the policy of every other page
(``web.middleware``).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline  # Swagger UI's and ReDoc's files (imported here: without it, `serve` says what is missing)
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from storytrace.web.middleware import content_policy, script_hashes

# Swagger UI of /docs, served by the app from the files the fastapi-offline package ships (no CDN: works offline).
DOCS_ASSETS = "/docs-assets"
SWAGGER_JS = f"{DOCS_ASSETS}/swagger-ui-bundle.js"
SWAGGER_CSS = f"{DOCS_ASSETS}/swagger-ui.css"
SWAGGER_ICON = f"{DOCS_ASSETS}/favicon.png"
REDOC_JS = f"{DOCS_ASSETS}/redoc.standalone.js"  # ReDoc at /redoc, from the same package, without web fonts


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


def docs_router(openapi_url: str, title: str) -> APIRouter:
    """``/docs`` and ``/redoc`` over the OpenAPI document at ``openapi_url``, each page built once."""
    router = APIRouter()
    docs = _docs_page(openapi_url, title)
    redoc = _redoc_page(openapi_url, title)

    @router.get("/docs", include_in_schema=False)
    def api_docs() -> Response:
        return docs

    @router.get("/redoc", include_in_schema=False)
    def api_redoc() -> Response:
        return redoc

    return router


def install_docs(app: FastAPI) -> None:
    """Serve the documentation's files at :data:`DOCS_ASSETS`, then its two pages, on ``app``."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=docs_assets()), name="docs-assets")
    app.include_router(docs_router(app.openapi_url or "/openapi.json", f"{app.title} - API"))
