"""Web security (issue 8, part 4): stored XSS in every field, path traversal, oversized and malformed bodies.

The stores are built from fictional articles whose every field (id, title, text, source, url,
authors, a quoted speech, an HTML page's title and site name, the file name) carries script
payloads; a second store has every string of its saved analysis poisoned as well, so that
everything derived from the articles (entity names, quotes, outlet names, story titles, reasons,
relations, dates) carries them too. Every page and API answer is parsed: no element, attribute,
URL or script may come from a payload, every payload must still be shown as text, and JSON must
hold no raw ``<``, ``>``, ``&`` or U+2028. Most tests use FastAPI's TestClient; a real
``storytrace serve`` (``tests/support/server.py``) is used where framing matters (raw request targets,
chunked bodies, lying Content-Length) and for the Chromium check (skipped without Playwright or
/usr/bin/chromium).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.util
import io
import json
import os
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402
from httpx import Response  # noqa: E402

from storytrace.errors import StoreBusy, UsageError  # noqa: E402
from storytrace.pipeline import analyze, latest_document  # noqa: E402
from storytrace.store import Store  # noqa: E402
from storytrace.web import MAX_UPLOAD_BYTES, create_app  # noqa: E402
from storytrace.web import errors as web_errors  # noqa: E402
from storytrace.web import library as web_library  # noqa: E402
from storytrace.web import templating as web_templating  # noqa: E402
from storytrace.web.hosts import AllowedHosts, host_of  # noqa: E402
from storytrace.web.library import MAX_UNPACKED_BYTES  # noqa: E402
from storytrace.web.routes import api as web_api  # noqa: E402
from storytrace.web.routes import pages as web_pages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

from support.server import free_port, start_server, stop, wait_until_up  # noqa: E402

TEMPLATES = ROOT / "src" / "storytrace" / "web" / "templates"
LOCAL = "http://127.0.0.1"  # the server answers only to its own host names (TestClient's default is "testserver")
CHROMIUM = Path(os.environ.get("STORYTRACE_CHROMIUM", "/usr/bin/chromium"))


def evil(tag: str) -> str:
    """A payload for one field: script, attribute breaks both ways, tag closers, template syntax, U+2028."""
    return (
        f"<script>alert('{tag}')</script>\"><img src=x onerror=alert('{tag}')>'><svg onload=alert('{tag}')>"
        f"</textarea></title></style>{{{{7*7}}}}\u2028\u2029&amp;"
    )


def marker(tag: str) -> str:
    """What a page shows of ``evil(tag)`` once it is escaped: its call, as text."""
    return f"alert('{tag}')"


# --- the poisoned corpus ------------------------------------------------------------------

TEXT_A = (
    "ESKERBY (Meridian Wire) – A section of the Saltmarsh Bridge collapsed into the River Velm on Monday, "
    f"killing three people and injuring 14, the fire service said. {evil('text-a')}\n"
    f"“We had inspectors on that bridge {evil('quote')} on Friday and they raised no alarm,” "
    "Mayor Ingrid Solvane said.\n"
    "Transport Minister Aurel Brannock ordered inspections of 38 older bridges along the Velm on Tuesday.\n"
    "Fire Commander Tomas Wendle said divers recovered the three bodies about two kilometres downstream.\n"
)
PASSWD_ID = "../../../etc/passwd"  # an id that looks like a path: it is looked up, never opened
PASSWD_TEXT = (
    "Velm orchard growers in Tollmere expect a record cherry harvest after a mild spring, the growers' union said."
)
RECORDS: list[dict[str, Any]] = [
    {
        "id": f"wire-{evil('id-a')}",
        "title": f"Bridge collapses in Eskerby {evil('title-a')}",
        "source": f"Meridian Wire {evil('source-a')}",
        "url": "javascript:alert('url-a')",
        "authors": [f"Ottilie Marsk {evil('author-a')}"],
        "kind": "agency",
        "published": "2026-03-02T17:45:00+01:00",
        "text": TEXT_A,
    },
    {
        "id": f"copy-{evil('id-b')}",
        "title": f"Three dead in Eskerby {evil('title-b')}",
        "source": f"Harlow {evil('source-b')} Courier",
        "url": " JaVaScRiPt:alert('url-b')",
        "authors": ["\" onmouseover=\"alert('author-b')", "' onfocus='alert(1)' autofocus='"],
        "published": "2026-03-02T19:00:00+01:00",
        "text": TEXT_A.replace("injuring 14", "injuring 15"),
    },
    {"id": PASSWD_ID, "title": "C:\\Windows\\win.ini", "source": "../../etc/group", "text": PASSWD_TEXT},
]
HTML_NAME = "\"><img src=x onerror=alert('file')>"  # a file name is an article id too
HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Eskerby mourns &lt;script&gt;alert('html-title')&lt;/script&gt;</title>
<meta property="og:site_name" content="The &lt;img src=x onerror=alert('html-site')&gt; Gazette">
<meta property="article:published_time" content="2026-03-03T07:30:00+01:00">
<script>alert('page-script')</script></head><body><article>
<p>ESKERBY – Residents laid flowers on Tuesday where the Saltmarsh Bridge fell into the River Velm, killing three
people and injuring 14, as engineers began inspecting 38 older bridges along the river.</p>
<p>"We had inspectors on that bridge on Friday and they raised no alarm," Mayor Ingrid Solvane told residents
at a meeting in the old town &lt;script&gt;alert('html-body')&lt;/script&gt;.</p>
<p>Fire Commander Tomas Wendle said divers had recovered the three bodies about two kilometres downstream.</p>
</article></body></html>"""
ARTICLE_MARKERS = {  # what each article's page must show, escaped
    RECORDS[0]["id"]: ["id-a", "title-a", "source-a", "url-a", "author-a", "text-a", "quote"],
    RECORDS[1]["id"]: ["id-b", "title-b", "source-b", "url-b", "author-b", "text-a"],
    HTML_NAME: ["file", "html-title", "html-site", "html-body"],
}


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "poisoned.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS), "utf-8")
    (folder / f"{HTML_NAME}.html").write_text(HTML_PAGE, "utf-8")
    return folder


def _copy_store(src: Path, dst: Path) -> Path:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


def _poison(value: Any, keep: set[str]) -> Any:
    """Every string of ``value`` with a payload appended, but ids (``keep``), which must still be found."""
    if isinstance(value, str):
        return value if value in keep else value + evil("doc")
    if isinstance(value, list):
        return [_poison(v, keep) for v in value]
    if isinstance(value, dict):
        return {k: _poison(v, keep) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def poisoned_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store analysed from the poisoned corpus (read-only for the tests: copy it to write)."""
    folder = tmp_path_factory.mktemp("poisoned")
    db = folder / "poisoned.db"
    with Store(db) as store:
        analyze([_corpus(folder / "corpus")], store)
    return db


@pytest.fixture(scope="module")
def doc_db(poisoned_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The poisoned store whose latest analysis has a payload on every string but the ids."""
    db = _copy_store(poisoned_db, tmp_path_factory.mktemp("doc") / "doc.db")
    with Store(db) as store:
        document = latest_document(store)
        assert document is not None
        keep = {str(a["id"]) for a in document["articles"]} | {str(s["id"]) for s in document["stories"]}
        store.save_analysis(json.dumps(_poison(document, keep)))  # a whole document, as older stores kept
    return db


@pytest.fixture(scope="module")
def client(poisoned_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(poisoned_db), base_url=LOCAL) as c:
        yield c


@pytest.fixture(scope="module")
def doc_client(doc_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(doc_db), base_url=LOCAL) as c:
        yield c


@pytest.fixture
def writer(poisoned_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A client over a copy of the poisoned store, for tests that ingest."""
    with TestClient(create_app(_copy_store(poisoned_db, tmp_path / "w.db")), base_url=LOCAL) as c:
        yield c


# --- what a safe page is --------------------------------------------------------------------

APP_TAGS = set(
    "html head meta title style body nav div a span main footer script section h2 h3 h4 p table thead tbody tr "
    "th td code b i br ul ol li mark q form input select option button label textarea svg defs marker path text g "
    "circle details summary".split()
)
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc", "background"}


class Parsed(HTMLParser):
    """The elements, attributes, inline scripts and text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")
        self.text.extend(v for _, v in attrs if v)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self.text.extend(v for _, v in attrs if v)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def parse(html: str) -> Parsed:
    page = Parsed()
    page.feed(html)
    page.close()
    return page


def policy(response: Response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy, directive -> sources."""
    out: dict[str, list[str]] = {}
    for part in response.headers["content-security-policy"].split(";"):
        name, *sources = part.split()
        out[name] = sources
    return out


def sha256_source(script: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(script.encode('utf-8')).digest()).decode('ascii')}'"


def assert_headers(response: Response) -> None:
    """The browser-side defences every answer carries."""
    csp = policy(response)
    scripts = csp["script-src"]
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts), scripts
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["default-src"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def assert_inert(response: Response, shown: Sequence[str] = ()) -> Parsed:
    """No element, attribute, URL or script of ``response`` comes from a payload; each of ``shown`` is text."""
    assert response.status_code != 500, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert_headers(response)
    page = parse(response.text)
    url = str(response.url)
    for tag, attrs in page.tags:
        assert tag in APP_TAGS, f"{url}: injected <{tag}>"
        for name, value in attrs:
            assert not name.startswith("on"), f"{url}: injected {name}= on <{tag}>"
            v = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in URL_ATTRS:
                assert re.match(r"(/(?!/)|#)", v), f"{url}: {name}={value!r}"
            if name == "style":
                assert re.fullmatch(r"width:[\d.]+%", v), f"{url}: style={value!r}"
        if tag == "meta":
            assert {n for n, _ in attrs} <= {"charset", "name", "content"}, f"{url}: {attrs}"
        if tag == "script":
            assert not attrs, f"{url}: <script {attrs}>"
    allowed = policy(response)["script-src"]
    assert len(page.scripts) == 1, f"{url}: {len(page.scripts)} scripts"
    assert all(sha256_source(s) in allowed for s in page.scripts), f"{url}: a script the policy does not allow"
    text = "".join(page.text)
    for tag in shown:
        assert marker(tag) in text, f"{url}: the {tag!r} payload is not shown"
    return page


def assert_safe_json(response: Response) -> Any:
    """A JSON answer: no markup characters or line separators in its bytes; the values parse back."""
    assert response.status_code != 500, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    assert_headers(response)
    for raw in (b"<", b">", b"&", "\u2028".encode(), "\u2029".encode()):
        assert raw not in response.content, (str(response.url), raw)
    return response.json()


# --- every page and answer of a store --------------------------------------------------------


def q(value: str) -> str:
    return quote(value, safe="")


def outlets_of(c: TestClient) -> list[str]:
    names: set[str] = set()
    for item in c.get("/api/stories").json()["items"]:
        story = c.get(f"/api/stories/{q(item['id'])}").json()
        for a in story["articles"]:
            meta = c.get(f"/api/articles/{q(a)}").json()
            names.add(meta.get("source") or meta["id"])
        for o in story.get("provenance", {}).get("outlets", []):
            names.add(o["outlet"])
            names.update(r["outlet"] for r in o.get("reused_from", []))
    return sorted(names)


def page_urls(c: TestClient) -> list[str]:
    """Every page of the store: list, search (matching and echoed), stories, articles, outlets, errors."""
    stories = [s["id"] for s in c.get("/api/stories").json()["items"]]
    articles = [a for s in stories for a in c.get(f"/api/stories/{q(s)}").json()["articles"]]
    return [
        "/",
        "/?q=alert",
        f"/?q={q(evil('search'))}&sort={q(evil('sort'))}",
        "/ingest",
        *(f"/stories/{q(s)}" for s in stories),
        *(f"/articles/{q(a)}" for a in articles),
        *(f"/outlets/{q(o)}" for o in outlets_of(c)),
        f"/stories/{q(evil('404-story'))}",
        f"/articles/{q(evil('404-article'))}",
        f"/outlets/{q(evil('404-outlet'))}",
        f"/no/such/page/{q(evil('404-route'))}",
        f"/?page={q(evil('422'))}",
    ]


def api_urls(c: TestClient) -> list[str]:
    stories = [s["id"] for s in c.get("/api/stories").json()["items"]]
    articles = [a for s in stories for a in c.get(f"/api/stories/{q(s)}").json()["articles"]]
    return [
        "/api/stories",
        "/api/stories?q=alert",
        f"/api/stories?q={q(evil('search'))}",
        *(f"/api/stories/{q(s)}" for s in stories),
        *(f"/api/articles/{q(a)}" for a in articles),
        f"/api/stories/{q(evil('404-story'))}",
        f"/api/articles/{q(evil('404-article'))}",
        f"/api/stories?page={q(evil('422'))}",
    ]


# --- stored XSS ------------------------------------------------------------------------------


def test_every_page_of_a_poisoned_store_is_inert(client: TestClient) -> None:
    urls = page_urls(client)
    assert len([u for u in urls if u.startswith("/articles/")]) == 4 + 1  # the four, and a 404
    for url in urls:
        assert_inert(client.get(url))
    # and the payloads are there, as text, where each field is shown
    for aid, tags in ARTICLE_MARKERS.items():
        page = assert_inert(client.get(f"/articles/{q(aid)}"), tags)
        assert "{{7*7}}" in "".join(page.text) or aid == HTML_NAME  # template syntax in data stays text
    story = client.get("/api/articles/" + q(RECORDS[0]["id"])).json()["story"]
    assert_inert(client.get(f"/stories/{q(story)}"), ["id-a", "id-b", "title-a", "source-a", "source-b", "quote"])
    assert_inert(client.get("/?q=alert"), ["title-a"])
    assert_inert(client.get(f"/?q={q(evil('search'))}"), ["search"])
    assert_inert(client.get(f"/outlets/{q(RECORDS[0]['source'])}"), ["source-a", "title-a"])
    for kind in ("story", "article", "outlet", "route"):
        url = {"story": "/stories/", "article": "/articles/", "outlet": "/outlets/", "route": "/no/such/page/"}[kind]
        url += q(evil(f"404-{kind}"))
        response = client.get(url)
        assert response.status_code == 404
        assert_inert(response, [] if kind == "route" else [f"404-{kind}"])  # the id is echoed, escaped
    assert client.get(f"/?page={q(evil('422'))}").status_code == 422


def test_every_derived_field_is_escaped(doc_client: TestClient) -> None:
    """Entity names, quotes, speakers, outlets, reasons, relations, dates, story titles: all carry payloads."""
    urls = page_urls(doc_client)
    for url in urls:
        response = doc_client.get(url)
        assert response.status_code in (200, 404, 422), url
        shown = ["doc"] if url.startswith(("/stories/s", "/articles/", "/outlets/")) and response.is_success else []
        assert_inert(response, shown)
    story = doc_client.get("/api/stories").json()["items"][0]["id"]
    page = "".join(parse(doc_client.get(f"/stories/{q(story)}").text).text)
    # the fact table, provenance and outlet shares were built from poisoned strings and shown
    assert page.count(marker("doc")) > 20


def test_json_answers_are_html_safe(client: TestClient, doc_client: TestClient) -> None:
    for c in (client, doc_client):
        for url in api_urls(c):
            assert_safe_json(c.get(url))
    article = assert_safe_json(client.get("/api/articles/" + q(RECORDS[0]["id"])))
    assert article["title"] == RECORDS[0]["title"] and article["text"] == TEXT_A  # escaped bytes, same values
    assert "\u2028" in article["text"]
    spec = client.get("/openapi.json")
    assert spec.status_code == 200 and spec.headers["x-content-type-options"] == "nosniff"


def test_ingest_banner_and_form_echo_are_inert(writer: TestClient) -> None:
    record = {"id": evil("ingest-id"), "text": TEXT_A, "title": evil("ingest-title"), "source": evil("ingest-source")}
    placed = assert_safe_json(writer.post("/api/ingest", json=record))
    assert placed["article"] == record["id"]
    banner = writer.get(f"/stories/{q(placed['story'])}", params={"placed": record["id"]})
    assert 'data-testid="placed"' in banner.text
    assert_inert(banner, ["ingest-id", "ingest-title", "ingest-source"])
    # a refused form shows what was typed: in the textarea and the inputs' values
    form = {"text": evil("form-text"), "title": evil("form-title"), "source": evil("form-source")}
    refused = writer.post("/ingest", data={**form, "published": evil("form-published")})
    assert refused.status_code == 400
    assert_inert(refused, ["form-text", "form-title", "form-source", "form-published"])
    refused = writer.post("/api/ingest", json={"text": "x", "published": evil("api-published")})
    assert refused.status_code == 400 and "api-published" in assert_safe_json(refused)["detail"]
    # a form that is accepted redirects to its story's page, banner shown
    added = writer.post("/ingest", data={**form, "text": TEXT_A + evil("form-text")}, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"].startswith("/stories/")
    assert_inert(writer.get(added.headers["location"]), ["form-title", "form-source"])


def test_only_the_apps_own_script_may_run(client: TestClient) -> None:
    page = client.get("/")
    (script,) = parse(page.text).scripts
    assert policy(page)["script-src"] == [sha256_source(script)]  # by hash: no 'unsafe-inline', no nonce to leak
    assert "linked" in script  # the passage-click script of the story page
    for url in ("/", "/api/stories", "/nope", "/openapi.json"):
        assert_headers(client.get(url))


def test_api_docs_page_has_its_own_narrow_policy(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert_headers(docs)
    csp = policy(docs)
    (script,) = [s for s in parse(docs.text).scripts if s.strip()]
    assert csp["script-src"] == [sha256_source(script), "'self'"]  # Swagger UI's files come from the app itself
    redoc = client.get("/redoc")
    assert redoc.status_code == 200 and [s for s in parse(redoc.text).scripts if s.strip()] == []
    assert policy(redoc)["script-src"] == ["'self'"] and policy(redoc)["worker-src"] == ["blob:"]


def test_templates_never_turn_escaping_off() -> None:
    env = web_templating.templates()
    assert env.autoescape is True
    for template in TEMPLATES.glob("*.j2"):
        source = re.sub(r"\{#.*?#\}", "", template.read_text("utf-8"), flags=re.S)  # comments may say "|safe"
        assert "|safe" not in source.replace(" ", "") and "autoescape false" not in source, template.name


# --- path traversal ---------------------------------------------------------------------------

TRAVERSALS = [  # (the store holds an article "../../../etc/passwd": these go one level further)
    "..%2F..%2F..%2F..%2Fetc%2Fpasswd",  # encoded slashes
    "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",  # encoded dots
    "%2e%2e%2f%2e%2e%2fweb.db",  # both, towards the store
    "..%5C..%5C..%5Cetc%5Cpasswd",  # backslashes
    "..\\..\\etc\\passwd",
    "%2Fetc%2Fpasswd",  # absolute
    "/etc/passwd",
    "C:%5CWindows%5Cwin.ini",
    "%00",  # NUL
    "..%00/etc/passwd",
    "....//....//etc/passwd",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",  # overlong UTF-8 dots
    "..;/..;/etc/passwd",
    "x" * 20_000,  # very long id
]
ROUTES = ["/stories/", "/articles/", "/outlets/", "/api/stories/", "/api/articles/", "/static/", "/docs/", "/"]


def _no_file_in(body: bytes, db: Path) -> None:
    assert b"root:x:0:" not in body and b"SQLite format 3" not in body
    passwd = Path("/etc/passwd")
    if passwd.exists():
        first = passwd.read_bytes().splitlines()[0]
        assert first not in body
    assert db.read_bytes()[:100] not in body


def test_path_like_parameters_are_looked_up_never_opened(client: TestClient, poisoned_db: Path) -> None:
    for route in ROUTES:
        for tail in TRAVERSALS:
            response = client.get(route + tail)
            assert response.status_code in (400, 404, 422), (route, tail[:40], response.status_code)
            _no_file_in(response.content, poisoned_db)
            assert_headers(response)


def test_a_path_like_id_is_an_id(client: TestClient, poisoned_db: Path) -> None:
    page = client.get("/articles/" + q(PASSWD_ID))
    assert page.status_code == 200 and "cherry harvest" in page.text
    _no_file_in(page.content, poisoned_db)
    assert client.get("/api/articles/" + q(PASSWD_ID)).json()["text"] == PASSWD_TEXT
    outlet = client.get("/outlets/" + q("../../etc/group"))
    assert outlet.status_code == 200 and 'href="/articles/..%2F..%2F..%2Fetc%2Fpasswd"' in outlet.text


def test_upload_names_are_never_paths(writer: TestClient, tmp_path: Path) -> None:
    for name, aid in (
        ("/etc/passwd.txt", "passwd"),  # absolute
        ("..\\..\\evil.txt", "..\\..\\evil"),  # backslashes are not separators here: an id
        ("../../../tmp/evil.txt", "evil"),
    ):
        text = f"Tollmere harbour reopened on Monday after storm repairs costing {len(name)} million drav."
        r = writer.post("/ingest", files={"file": (name, text.encode(), "text/plain")}, follow_redirects=False)
        assert r.status_code == 303, (name, r.text[:300])
        assert writer.get("/api/articles/" + q(aid)).json()["text"] == text
    assert not Path("/tmp/evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


# --- bodies: oversized, malformed, wrong type, cross-site -------------------------------------


JSON = {"content-type": "application/json"}
FORM = {"content-type": "multipart/form-data; boundary=b"}
FORM_HEAD = (
    b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'
)
FORM_TAIL = b"\r\n--b--\r\n"


def oversized(url: str, pieces: int = 6) -> Iterator[bytes]:
    """A body of ``pieces`` MB, a JSON text or an upload as the URL expects, in 1 MB pieces."""
    yield FORM_HEAD if url == "/ingest" else b'{"text": "'
    for _ in range(pieces):
        yield b"y" * (1024 * 1024)
    yield FORM_TAIL if url == "/ingest" else b'"}'


def test_oversized_bodies_are_413(writer: TestClient) -> None:
    for url, headers in (("/ingest", FORM), ("/api/ingest", JSON)):
        big = b"".join(oversized(url))
        by_length = writer.post(url, content=big, headers=headers)
        assert by_length.status_code == 413 and "limit" in by_length.text, url
        assert_headers(by_length)
        # a Content-Length that lies (10 bytes announced): the bytes are counted as they arrive
        lying = writer.post(url, content=big, headers={**headers, "content-length": "10"})
        assert lying.status_code == 413, url
        chunked = writer.post(url, content=oversized(url), headers=headers)  # no Content-Length at all
        assert chunked.status_code == 413, url
    upload = writer.post("/ingest", files={"file": ("big.txt", b"x" * (MAX_UPLOAD_BYTES + 1), "text/plain")})
    assert upload.status_code == 413 and 'data-testid="message"' in upload.text
    # exactly at the limit is not refused for its size (this body is refused for its content)
    head, tail = b'{"text": 5, "pad": "', b'"}'
    at_limit = head + b"p" * (MAX_UPLOAD_BYTES - len(head) - len(tail)) + tail
    assert len(at_limit) == MAX_UPLOAD_BYTES
    assert writer.post("/api/ingest", content=at_limit, headers=JSON).status_code == 422


def test_a_gzip_bomb_is_refused_before_it_is_unpacked(writer: TestClient) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as gz:
        block = b"Velm " * (1 << 18)
        for _ in range(MAX_UNPACKED_BYTES // len(block) + 2):
            gz.write(block)
    assert len(buf.getvalue()) < MAX_UPLOAD_BYTES
    start = time.perf_counter()
    r = writer.post("/ingest", files={"file": ("bomb.txt.gz", buf.getvalue(), "application/gzip")})
    assert r.status_code == 400 and "unpacks to more than" in r.text
    assert time.perf_counter() - start < 30
    for broken in (b"\x1f\x8b\x08\x00 not deflate", b"plain text, named .gz"):
        r = writer.post("/ingest", files={"file": ("broken.txt.gz", broken, "application/gzip")})
        assert r.status_code == 400 and "gzip" in r.text, broken  # the reader's own message
    small = gzip.compress(b"Tollmere ferry timetable changes from Monday, the harbour office said.")
    r = writer.post("/ingest", files={"file": ("ferry.txt.gz", small, "application/gzip")}, follow_redirects=False)
    assert r.status_code == 303 and "placed=ferry" in r.headers["location"]


MALFORMED = [
    # (body, headers, status, words the message must hold)
    (b"{not json", JSON, 422, "not valid JSON"),
    (b'{"text": "unterminated', JSON, 422, "not valid JSON"),
    (b"", JSON, 422, "body is empty"),
    (b"null", JSON, 422, "valid dictionary"),
    (b"[]", JSON, 422, "valid dictionary"),
    (b'"text"', JSON, 422, "valid dictionary"),
    (b'{"title": "no text"}', JSON, 422, "Field required"),
    (b'{"text": 5}', JSON, 422, "valid string"),
    (b'{"text": {"$gt": ""}}', JSON, 422, "valid string"),
    (b'{"text": NaN}', JSON, 422, "valid string"),  # Python's json reads NaN: the error must not echo it
    (b'{"text": 1e999}', JSON, 422, "valid string"),  # infinity
    (b'{"text": -Infinity, "title": 1e400}', JSON, 422, "valid string"),
    (b'{"text": ' + b"9" * 5000 + b"}", JSON, 400, "too many digits"),
    (b"[" * 100_000 + b"]" * 100_000, JSON, 400, "nested too deeply"),
    (b'{"text": "x", "id": ' + b"[" * 500 + b"]" * 500 + b"}", JSON, 422, "valid string"),
    (b'{"text": "\xff\xfe caf\xe9"}', JSON, 400, "not UTF-8"),
    (b'{"text": ""}', JSON, 400, "'text' is empty"),
    (b'{"text": "x", "published": "next Tuesday"}', JSON, 400, "ISO 8601"),
    (b'{"text": "hello"}', {"content-type": "text/plain"}, 415, "application/json"),
    (b'{"text": "hello"}', {"content-type": "application/x-www-form-urlencoded"}, 415, "application/json"),
    (b'{"text": "hello"}', {}, 415, "application/json"),
]


@pytest.mark.parametrize(("body", "headers", "status", "words"), MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_json_is_a_clear_4xx(
    client: TestClient, body: bytes, headers: dict[str, str], status: int, words: str
) -> None:
    response = client.post("/api/ingest", content=body, headers=headers)
    assert response.status_code == status, response.text[:300]
    detail = assert_safe_json(response)["detail"]
    assert words in json.dumps(detail), detail
    assert len(response.content) < 2000  # the input is never echoed back


def test_malformed_forms_are_a_clear_400(client: TestClient) -> None:
    for body, content_type, words in (
        (b"a=b", "multipart/form-data", "boundary"),
        (b"--xx\r\nContent-Disposition: form-data\r\n\r\nbroken", "multipart/form-data; boundary=xx", "name"),
        (b"--xx\r\nbroken", "multipart/form-data; boundary=xx", "paste"),
        (b"", "text/plain", "paste"),
    ):
        response = client.post("/ingest", content=body, headers={"content-type": content_type})
        assert response.status_code == 400 and words in response.text, (body, response.text[-500:])
        assert_inert(response)


def test_cross_site_writes_are_refused(writer: TestClient) -> None:
    form = {"text": "Tollmere council votes on harbour fees.", "title": "Harbour fees vote"}
    for headers in (
        {"origin": "https://attacker.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site", "origin": "http://127.0.0.1:9"},
    ):
        r = writer.post("/ingest", data=form, headers=headers)
        assert r.status_code == 403 and "cross-site" in r.text, headers
        assert_headers(r)
        assert writer.post("/api/ingest", json=form, headers=headers).status_code == 403
    assert writer.get("/api/articles/harbour-fees-vote").status_code == 404  # nothing stored
    for same in ({"origin": "http://127.0.0.1"}, {"origin": "null", "sec-fetch-site": "same-origin"}):
        r = writer.post("/ingest", data={**form, "title": f"{form['title']} {len(same)}"}, headers=same)
        assert r.status_code == 200 and "placed" in str(r.url), same


def test_a_write_from_an_origin_on_a_foreign_host_is_refused(writer: TestClient) -> None:
    """The Origin's host must be allowed, whatever Sec-Fetch-Site says (only a browser sets that one)."""
    form = {"text": "Tollmere council votes on ferry fees.", "title": "Ferry fees vote"}
    for origin in ("http://evil.example", "http://127.0.0.1.evil.example", "http://evil.example:8000"):
        headers = {"origin": origin, "sec-fetch-site": "same-origin"}
        assert writer.post("/ingest", data=form, headers=headers).status_code == 403, origin
        assert writer.post("/api/ingest", json=form, headers=headers).status_code == 403, origin
    assert writer.get("/api/articles/ferry-fees-vote").status_code == 404  # nothing stored
    ok = writer.post("/api/ingest", json=form, headers={"origin": "http://localhost:8000", "sec-fetch-site": "none"})
    assert ok.status_code == 200, ok.text


# --- DNS rebinding: the Host header ------------------------------------------------------------

FOREIGN_HOSTS = [
    "evil.example",
    "evil.example:8000",
    "127.0.0.1.evil.example",  # a rebinding name that starts like a loopback one
    "localhost.evil.example:8000",
    "127.0.0.2",  # loopback too, but not a name this server was given
    "[::2]:8000",
    "0.0.0.0",  # the server is bound to 127.0.0.1 here
    "127.0.0.1@evil.example",
    "evil.example/127.0.0.1",
    "127.0.0.1:8000:80",
    "",
]
LOOPBACK_HOSTS = ["127.0.0.1", "127.0.0.1:8000", "localhost", "LocalHost:80", "localhost.", "[::1]", "[::1]:8000"]


def test_a_foreign_host_is_refused_on_every_route(writer: TestClient) -> None:
    story = writer.get("/api/stories").json()["items"][0]["id"]
    reads = [
        "/",
        "/ingest",
        f"/stories/{q(story)}",
        "/api/stories",
        f"/api/stories/{q(story)}",
        "/docs",
        "/openapi.json",
    ]
    form = {"text": "Tollmere harbour fees rise by a third from April.", "title": "Harbour fees rise"}
    for host in FOREIGN_HOSTS:
        headers = {"host": host}
        for url in reads:
            r = writer.get(url, headers=headers)
            assert r.status_code == 421, (host, url, r.status_code)
            assert_headers(r)
        r = writer.get("/", headers=headers)
        assert_inert(r)  # the host name echoed in the message is escaped
        assert "--allow-host" in r.text or "no Host" in r.text
        api = writer.post("/api/ingest", json=form, headers=headers)
        assert api.status_code == 421 and "DNS rebinding" in assert_safe_json(api)["detail"] or not host, host
        assert writer.post("/ingest", data=form, headers=headers).status_code == 421, host
    assert writer.get("/api/articles/harbour-fees-rise").status_code == 404  # nothing stored
    for host in LOOPBACK_HOSTS:
        assert writer.get("/api/stories", headers={"host": host}).status_code == 200, host


def test_allowed_hosts() -> None:
    hosts = AllowedHosts.of(["0.0.0.0", "Newsroom.LAN", "192.168.1.20:8000", "fe80::1", "[::ffff:10.0.0.1]"])
    for allowed in (*LOOPBACK_HOSTS, "newsroom.lan", "NEWSROOM.lan:8000", "192.168.1.20", "[fe80::1]:80", "0.0.0.0"):
        assert hosts.allows(allowed), allowed
    for foreign in (*FOREIGN_HOSTS[:6], "newsroom.lan.evil.example", "192.168.1.21", None):
        assert not hosts.allows(foreign), foreign
    assert host_of("[0:0:0:0:0:0:0:1]:8000") == "::1" and host_of("[::1") is None and host_of("a b") is None
    for bad in ("a b", "http://x", "x/y", "[::1", ""):
        with pytest.raises(UsageError, match="--allow-host"):
            AllowedHosts.of([bad])


def test_allow_host_lets_the_users_own_names_in(poisoned_db: Path, tmp_path: Path) -> None:
    db = _copy_store(poisoned_db, tmp_path / "lan.db")
    app = create_app(db, hosts=AllowedHosts.of(["0.0.0.0", "newsroom.lan"]))
    with TestClient(app, base_url="http://newsroom.lan:8000") as c:
        assert c.get("/api/stories").status_code == 200
        r = c.post("/api/ingest", json={"text": "Velm ferry timetable changes.", "id": "lan-1"})
        assert r.status_code == 200, r.text
        assert c.get("/api/stories", headers={"host": "other.lan"}).status_code == 421
        refused = c.post("/api/ingest", json={"text": "x", "id": "lan-2"}, headers={"origin": "http://other.lan:8000"})
        assert refused.status_code == 403


def test_dns_rebinding_on_a_real_server(live: Live) -> None:
    """A rebound name reaches the real server's socket: refused, for reads and writes; no Host at all too."""
    for head in (
        b"GET /api/stories HTTP/1.1\r\nHost: rebind.evil.example:%d\r\nConnection: close\r\n\r\n" % live.port,
        b"GET / HTTP/1.0\r\n\r\n",  # HTTP/1.0 needs no Host
        b"POST /api/ingest HTTP/1.1\r\nHost: rebind.evil.example\r\nContent-Type: application/json\r\n"
        b'Content-Length: 17\r\nConnection: close\r\n\r\n{"text": "evil."}',
    ):
        answer = raw(live.port, head)
        assert status_of(answer) == 421, (head, answer[:300])
        assert b"x-content-type-options: nosniff" in answer.lower()
    assert status_of(get(live.port, b"/api/stories")) == 200
    with Store(live.db) as store:
        assert all(a.text != "evil." for a in store.articles())


# --- unpaired surrogates -----------------------------------------------------------------------

SURROGATE_FIELDS = ["text", "id", "title", "source", "published"]


@pytest.mark.parametrize("field", SURROGATE_FIELDS)
def test_an_unpaired_surrogate_is_a_400_naming_its_field(writer: TestClient, field: str) -> None:
    record = {"text": "Tollmere lighthouse gets a new lamp.", "id": "lamp", field: "lamp \ud800 x"}
    body = json.dumps(record).encode("ascii")  # "\ud800" as JSON writes it: an escape
    r = writer.post("/api/ingest", content=body, headers=JSON)
    assert r.status_code == 400, r.text
    assert (
        assert_safe_json(r)["detail"] == f"'{field}' is not valid Unicode (unpaired surrogate \\ud800 at character 5)"
    )
    # the same in an uploaded JSON Lines file: the reader names the field
    up = writer.post("/ingest", files={"file": ("lamp.jsonl", body + b"\n", "application/jsonl")})
    assert_inert(up)
    if field == "published":  # a bad date costs the record its date alone (published.py), as in the CLI
        assert up.status_code in (200, 303), up.text[-800:]
        assert writer.get("/api/articles/lamp").json()["published"] is None
        return
    assert up.status_code == 400 and f"&#39;{field}&#39; is not valid Unicode" in up.text, up.text[-800:]
    assert writer.get("/api/articles/lamp").status_code == 404


def test_surrogate_bytes_in_a_form_are_never_a_500(writer: TestClient) -> None:
    """A form's fields cannot carry a surrogate (their bytes are decoded, the bad ones replaced): never a 500."""
    for name in ("text", "title", "source", "published"):
        fields = {"text": "Velm orchard fair opens on Saturday.", "title": "Orchard fair", name: None}
        parts = b""
        for key, value in fields.items():
            data = value.encode() if value is not None else b"fair \xed\xa0\x80 day"  # \ud800 encoded
            parts += b'--b\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (key.encode(), data)
        r = writer.post("/ingest", content=parts + b"--b--\r\n", headers=FORM, follow_redirects=False)
        assert r.status_code in (303, 400), (name, r.status_code, r.text[-500:])
    named = b'--b\r\nContent-Disposition: form-data; name="file"; filename="fair\xed\xa0\x80.txt"\r\n\r\nVelm fair.'
    named += FORM_TAIL
    assert writer.post("/ingest", content=named, headers=FORM, follow_redirects=False).status_code in (303, 400)
    with Store(writer.app.state.library.db) as store:  # type: ignore[attr-defined]
        for article in store.articles():
            for value in (article.id, article.text, article.title, article.source, article.published):
                (value or "").encode("utf-8")  # nothing unencodable was stored


def test_form_fields_are_checked_for_surrogates_too() -> None:
    assert web_library.unicode_problem({"title": "ok", "file name": "a\udc80b.txt"}) == (
        "'file name' is not valid Unicode (unpaired surrogate \\udc80 at character 1)"
    )
    assert web_library.unicode_problem({"text": "café 📰", "title": None}) is None


# --- unexpected errors -------------------------------------------------------------------------


def test_an_unexpected_error_is_a_plain_500_with_the_headers(
    poisoned_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"secret detail {evil('500')}")

    monkeypatch.setattr(web_pages, "list_stories", broken)
    monkeypatch.setattr(web_api, "list_stories", broken)
    with TestClient(create_app(poisoned_db), base_url=LOCAL, raise_server_exceptions=False) as c:
        page = c.get("/")
        assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
        assert_headers(page)
        message = "".join(parse(page.text).text)
        assert "internal error (RuntimeError)" in message and "secret" not in page.text
        assert "Traceback" not in page.text
        api = c.get("/api/stories")
        assert api.status_code == 500 and api.headers["content-type"].startswith("application/json")
        assert_headers(api)
        assert api.json() == {"detail": web_errors.INTERNAL.format(kind="RuntimeError")}
        assert c.get("/ingest").status_code == 200  # the server lives on


# --- the store's writer lock -------------------------------------------------------------------


def test_a_web_write_waits_briefly_for_another_writer_then_answers_503(poisoned_db: Path, tmp_path: Path) -> None:
    db = _copy_store(poisoned_db, tmp_path / "busy.db")
    busy = f"another storytrace writer (pid {os.getpid()}) is using the store; try again when it ends"
    record = {"text": "Tollmere tram line opens in May.", "id": "tram"}
    with TestClient(create_app(db, writer_wait=0.5), base_url=LOCAL) as c, Store(db) as other, other.writer():
        start = time.monotonic()
        api = c.post("/api/ingest", json=record)
        assert api.status_code == 503 and api.headers["retry-after"] == "5"
        assert assert_safe_json(api) == {"detail": busy}
        form = c.post("/ingest", data={"text": record["text"], "title": "Tram"})
        assert form.status_code == 503 and busy in "".join(parse(form.text).text)
        assert_inert(form)
        upload = c.post("/ingest", files={"file": ("tram.txt", record["text"].encode(), "text/plain")})
        assert upload.status_code == 503
        assert time.monotonic() - start < 30  # three bounded waits of 0.5 s, never a hang
        assert c.get("/api/stories").status_code == 200  # reads do not wait
    with TestClient(create_app(db, writer_wait=0.5), base_url=LOCAL) as c:
        assert c.get("/api/articles/tram").status_code == 404  # nothing was stored
        assert c.post("/api/ingest", json=record).status_code == 200  # the lock is free again


def test_every_web_write_holds_the_writer_lock(
    poisoned_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While an upload is stored and analysed, another writer (the CLI's ingest) cannot take the store."""
    db = _copy_store(poisoned_db, tmp_path / "held.db")
    seen: list[bool] = []
    analyse = web_library.analyze_articles

    def watched(*args: Any, **kwargs: Any) -> Any:
        with Store(db) as other:
            try:
                with other.writer(timeout=0):
                    seen.append(False)
            except StoreBusy:
                seen.append(True)
        return analyse(*args, **kwargs)

    monkeypatch.setattr(web_library, "analyze_articles", watched)
    with TestClient(create_app(db), base_url=LOCAL) as c:
        assert c.post("/api/ingest", json={"text": "Velm bus fares fall.", "id": "fares"}).status_code == 200
        r = c.post("/ingest", data={"text": "Velm bus routes change.", "title": "Routes"}, follow_redirects=False)
        assert r.status_code == 303
        up = c.post("/ingest", files={"file": ("stops.txt", b"Velm adds bus stops.", "text/plain")})
        assert up.status_code == 200
    assert seen and all(seen), seen


# --- a real server: raw request targets, framing, and a browser ------------------------------


@dataclass
class Live:
    """A running ``storytrace serve``: its port and store."""

    port: int
    db: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def live(doc_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """``storytrace serve`` over a copy of the store whose every string is poisoned."""
    folder = tmp_path_factory.mktemp("live")
    db = _copy_store(doc_db, folder / "live.db")
    port = free_port()
    log = folder / "server.log"
    proc = start_server(db, port, log)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", proc, log)
        yield Live(port, db)
    finally:
        stop(proc)


def raw(port: int, head: bytes, body: Iterator[bytes] | bytes = b"", timeout: float = 60.0) -> bytes:
    """Send a raw request (body sent from a thread, as the server may answer before reading it); its answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:

        def send() -> None:
            try:
                sock.sendall(head)
                for part in [body] if isinstance(body, bytes) else body:
                    sock.sendall(part)
            except OSError:
                pass  # the server answered and closed before the whole body was sent

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except OSError:
            pass
        sender.join(timeout)
    return received


def status_of(answer: bytes) -> int:
    found = re.match(rb"HTTP/1\.1 (\d{3})", answer)
    assert found, answer[:200]
    return int(found.group(1))


def get(port: int, target: bytes) -> bytes:
    return raw(port, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")


def test_raw_traversal_targets_on_a_real_server(live: Live) -> None:
    targets = [
        b"/articles/../../../../etc/passwd",  # not normalised by any client
        b"/stories/../../../../etc/passwd",
        b"/outlets/..\\..\\..\\etc\\passwd",
        b"/../../../../etc/passwd",
        b"/static/../live.db",
        b"/api/articles/%2e%2e%2f%2e%2e%2flive.db",
        b"/articles/%252e%252e%252fetc%252fpasswd",  # double-encoded: decoded once, an unknown id
        b"/articles/a%00b",
        b"//etc/passwd",
        b"http://127.0.0.1/etc/passwd",  # absolute-form target
        b"/articles/" + b"A" * 12_000,  # long, under the server's header limit
    ]
    for target in targets:
        answer = get(live.port, target)
        assert status_of(answer) in (400, 404), (target[:60], answer[:200])
        _no_file_in(answer, live.db)
        assert b"x-content-type-options: nosniff" in answer.lower()
    # past the request-line limit of the HTTP parser the connection is refused, and the server lives on
    answer = get(live.port, b"/articles/" + b"A" * 100_000)
    assert not answer or status_of(answer) in (400, 404, 414, 431)
    assert status_of(get(live.port, b"/api/stories")) == 200
    # and the path-like id of a stored article is that article, not the file
    answer = get(live.port, b"/articles/../../../etc/passwd")
    assert status_of(answer) == 200 and b"cherry harvest" in answer


def test_chunked_and_lying_uploads_on_a_real_server(live: Live) -> None:
    def chunked(url: str) -> Iterator[bytes]:
        for piece in oversized(url):
            yield b"%x\r\n%s\r\n" % (len(piece), piece)
        yield b"0\r\n\r\n"

    for url, headers in (("/api/ingest", JSON), ("/ingest", FORM)):
        head = b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n" % (
            url.encode(),
            headers["content-type"].encode(),
        )
        # chunked, no Content-Length: counted while reading
        answer = raw(live.port, head + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n", chunked(url))
        assert status_of(answer) == 413, (url, answer[:300])
        assert b"x-content-type-options: nosniff" in answer.lower()
        # a Content-Length over the limit: refused before the body is read (none is sent)
        answer = raw(live.port, head + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % (MAX_UPLOAD_BYTES + 1))
        assert status_of(answer) == 413, (url, answer[:300])
        # a Content-Length that lies low: the server reads what was announced, the rest is a bad next request
        answer = raw(live.port, head + b"Content-Length: 12\r\n\r\n", oversized(url))
        assert status_of(answer) in (400, 422), (url, answer[:300])
        assert b" 500 " not in answer
    assert status_of(get(live.port, b"/api/stories")) == 200  # still serving
    assert "y" * 100 not in json.dumps(json.loads(get(live.port, b"/api/stories").split(b"\r\n\r\n", 1)[1]))


# Run before any script of the page (Playwright's init scripts are not subject to its policy): collects what
# the Content-Security-Policy refused. A refusal means either an injected script or a blocked script of the app.
WATCH_POLICY = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", e => window.__refused.push(
  `${location.pathname}: ${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""


def test_no_payload_runs_in_a_browser(live: Live) -> None:
    """Chromium loads every page of the poisoned store: no dialog opens, the policy blocks nothing, clicks work."""
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    with TestClient(create_app(live.db), base_url=LOCAL) as c:
        urls = page_urls(c)
    dialogs: list[str] = []
    refusals: list[str] = []
    # In its own thread: the e2e tests' session-wide Playwright keeps an event loop in this one, and the
    # sync API refuses to start inside a running loop.
    failures: list[BaseException] = []

    def drive() -> None:
        try:
            visit(live.url, urls, dialogs, refusals)
        except BaseException as exc:  # re-raised below, in the test's thread
            failures.append(exc)

    worker = threading.Thread(target=drive)
    worker.start()
    worker.join()
    if failures:
        raise failures[0]
    assert not dialogs, dialogs
    assert not refusals, refusals


def visit(base_url: str, urls: list[str], dialogs: list[str], refusals: list[str]) -> None:
    """Load ``urls`` in Chromium, collecting dialogs and policy refusals; click a passage on a story page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            context = browser.new_context(base_url=base_url)
            context.set_default_timeout(15_000)
            context.add_init_script(WATCH_POLICY)
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
            for url in urls:
                page.goto(url)
                page.wait_for_load_state("load")
                page.mouse.move(5, 5)  # onmouseover payloads, if any got through
                page.wait_for_timeout(50)
                refusals += page.evaluate("window.__refused")
            page.goto(urls[4])  # a story page: the app's own script still works under the policy
            mark = page.locator('mark[data-testid="passage"][data-counterpart]').first
            counterpart = mark.get_attribute("data-counterpart")
            mark.click()
            page.wait_for_function("id => document.getElementById(id).classList.contains('linked')", arg=counterpart)
            refusals += page.evaluate("window.__refused")
        finally:
            browser.close()
