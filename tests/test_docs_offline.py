"""``/docs`` works offline: Swagger UI's files are served by the app itself, from a package, never from a CDN."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from storytrace.store import Store  # noqa: E402
from storytrace.web import create_app  # noqa: E402
from storytrace.web.apidocs import REDOC_JS, SWAGGER_CSS, SWAGGER_ICON, SWAGGER_JS  # noqa: E402

LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("docs") / "empty.db"
    Store(db).close()
    with TestClient(create_app(db), base_url=LOCAL) as c:
        yield c


@pytest.mark.parametrize(
    ("path", "assets"), [("/docs", (SWAGGER_JS, SWAGGER_CSS, SWAGGER_ICON)), ("/redoc", (REDOC_JS,))]
)
def test_the_api_pages_name_no_other_host(client: TestClient, path: str, assets: tuple[str, ...]) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert re.findall(r"(?:https?:)?//[\w.-]+", page.text) == []
    for url in assets:
        assert f"'{url}'" in page.text or f'"{url}"' in page.text
    policy = page.headers["content-security-policy"]
    assert "http" not in policy


@pytest.mark.parametrize(
    ("url", "kind", "needle"),
    [
        (SWAGGER_JS, "javascript", b"SwaggerUIBundle"),
        (SWAGGER_CSS, "text/css", b".swagger-ui"),
        (SWAGGER_ICON, "image/png", b"\x89PNG"),
        (REDOC_JS, "javascript", b"Redoc"),
    ],
)
def test_each_asset_is_served_by_the_app(client: TestClient, url: str, kind: str, needle: bytes) -> None:
    asset = client.get(url)
    assert asset.status_code == 200
    assert kind in asset.headers["content-type"]
    assert needle in asset.content
    assert asset.headers["x-content-type-options"] == "nosniff"  # the app's headers on its static files too


@pytest.mark.parametrize(
    "url", ["/docs-assets/../app.py", "/docs-assets/%2e%2e/%2e%2e/pyproject.toml", "/docs-assets/nope.js"]
)
def test_nothing_else_is_served_from_the_assets(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_the_openapi_document_swagger_loads_is_the_apps_own(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "url: '/openapi.json'" in page
    assert client.get("/openapi.json").json()["info"]["title"] == "storytrace"
