"""Browser tests: /docs renders with no network beyond the server, and the story list's export links download."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from .conftest import Server

pytestmark = pytest.mark.e2e


def local_only(page: Any, server: Server) -> tuple[list[str], list[str]]:
    """Refuse every request to another host (what a machine without network could not load); collect page errors."""
    elsewhere: list[str] = []
    errors: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(server.url + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    page.context.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    return elsewhere, errors


def test_docs_render_offline(page: Any, server: Server, artifacts: Path) -> None:
    elsewhere, errors = local_only(page, server)
    page.goto("/docs")
    page.wait_for_function("typeof window.SwaggerUIBundle === 'function'")
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert "storytrace" in title.inner_text()
    page.locator(".opblock-summary-path", has_text="/api/stories").first.wait_for()
    page.screenshot(path=str(artifacts / "docs-offline.png"))
    assert elsewhere == []
    assert errors == []


def test_redoc_renders_offline(page: Any, server: Server, artifacts: Path) -> None:
    elsewhere, errors = local_only(page, server)
    page.goto("/redoc")
    page.wait_for_function("typeof window.Redoc === 'object'")
    page.get_by_role("heading", name="storytrace").first.wait_for()
    page.get_by_text("List stories (search, sort, page)").first.wait_for()
    page.screenshot(path=str(artifacts / "redoc-offline.png"))
    assert elsewhere == []
    # ReDoc's sidebar always tries its maker's logo from a CDN; the policy refuses it and the image hides itself
    assert [e for e in errors if "/redoc/logo-mini.svg" not in e] == []


def test_export_link_downloads_a_csv(page: Any, tmp_path: Path) -> None:
    page.goto("/")
    link = page.locator('[data-testid="export-link"]').first
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "storytrace-alignments.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(str(saved))
    rows = list(csv.DictReader(io.StringIO(saved.read_text("utf-8"), newline="")))
    assert rows and {"story", "a", "b", "relation", "a_text", "b_text"} <= set(rows[0])
