"""The web UI and JSON API (storytrace serve) over a store built from the demo corpus."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from storytrace.ingest.formats import upload_accept, upload_words  # noqa: E402
from storytrace.pipeline import analyze, ingest  # noqa: E402
from storytrace.pipeline import story as story_stages  # noqa: E402
from storytrace.store import Store  # noqa: E402
from storytrace.web import MAX_UPLOAD_BYTES, create_app  # noqa: E402
from storytrace.web import library as web_library  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

from support.server import free_port, stop, wait_until_up  # noqa: E402

LOCAL = "http://127.0.0.1"  # the server answers only to its own host names (TestClient's default is "testserver")

KETTLE_FOLLOW_UP = (
    "TOLLMERE – Corvane Appliances has widened its recall of Brightwell 2 electric kettles after more "
    "reports that the power base can overheat and melt.\n"
    "The Kestrian maker said on Friday that the recall of about 62,000 Brightwell 2 kettles now also covers "
    "units sold in Lorvenia with serial numbers beginning BW2-26.\n"
    "Customers should unplug the kettles immediately and return them to any retailer for a refund, "
    "Corvane said. It has now received 31 reports of bases scorching kitchen worktops."
)
EVIL = "<script>alert(1)</script>"
EVIL_ATTR = '"onmouseover="x'


def _build(folder: Path) -> Path:
    db = folder / "web.db"
    with Store(db) as store:
        analyze([EXAMPLES / "corpus"], store)
    return db


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Read-only tests share one analysed store."""
    with TestClient(create_app(_build(tmp_path_factory.mktemp("web"))), base_url=LOCAL) as c:
        yield c


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Tests that ingest get a store of their own."""
    with TestClient(create_app(_build(tmp_path_factory.mktemp("web-write"))), base_url=LOCAL) as c:
        yield c


def _story_of(c: TestClient, article: str) -> str:
    return str(c.get(f"/api/articles/{article}").json()["story"])


# --- story list ------------------------------------------------------------------------


def test_index_lists_every_story_with_links(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    links = re.findall(r'<a data-testid="story-link" href="/stories/([^"]+)">', r.text)
    heads = ("s1-meridian-wire", "s2-npa-wire", "s3-meridian-wire", "s4-dunmarrow-budget")
    assert links == [_story_of(client, head) for head in heads]  # by size: 7, 3, 3 and 2 articles
    assert "Meridian Wire" in r.text and "2026-" in r.text
    assert 'data-testid="next-page"' not in r.text and 'data-testid="prev-page"' not in r.text


def test_search_matches_titles_texts_and_entities_case_insensitively(client: TestClient) -> None:
    kettle = client.get("/api/stories", params={"q": "KETTLE"}).json()
    assert [s["id"] for s in kettle["items"]] == [_story_of(client, "s2-npa-wire")]
    # a word only in the body of an article ("worktops"), and two words that must both match
    assert client.get("/api/stories", params={"q": "worktops"}).json()["total"] == 1
    assert client.get("/api/stories", params={"q": "kettle bridge"}).json()["total"] == 0
    page = client.get("/", params={"q": "kettle"})
    assert page.text.count('data-testid="story-link"') == 1


def test_sorts(client: TestClient) -> None:
    def ids(sort: str) -> list[str]:
        return [s["id"] for s in client.get("/api/stories", params={"sort": sort}).json()["items"]]

    by_size = ids("size")
    counts = {s["id"]: s["articles"] for s in client.get("/api/stories").json()["items"]}
    assert [counts[i] for i in by_size] == sorted(counts.values(), reverse=True)
    assert sorted(ids("recent")) == sorted(by_size) == sorted(ids("outlets"))
    outlets = {s["id"]: len(s["outlets"]) for s in client.get("/api/stories").json()["items"]}
    assert [outlets[i] for i in ids("outlets")] == sorted(outlets.values(), reverse=True)
    assert ids("nonsense") == by_size


def test_paging(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_library, "PAGE_SIZE", 3)
    first = client.get("/")
    assert first.text.count('data-testid="story-link"') == 3
    assert 'data-testid="next-page" href="/?sort=size&amp;page=2"' in first.text
    assert 'data-testid="prev-page"' not in first.text
    second = client.get("/", params={"page": 2})
    assert second.text.count('data-testid="story-link"') == 1
    assert 'data-testid="prev-page"' in second.text and 'data-testid="next-page"' not in second.text
    assert client.get("/api/stories", params={"page": 2}).json()["pages"] == 2
    assert client.get("/", params={"page": 99}).status_code == 200  # clamped to the last page


# --- story, article and outlet pages ----------------------------------------------------


def test_story_page_marks_passages_with_counterparts(client: TestClient) -> None:
    r = client.get(f"/stories/{_story_of(client, 's1-meridian-wire')}")
    assert r.status_code == 200
    marks = re.findall(r'<mark data-testid="passage" id="([^"]+)" data-counterpart="([^"]*)" class="rel-(\w+)"', r.text)
    assert len(marks) > 20
    ids = {m[0] for m in marks}
    assert len(ids) == len(marks)  # unique ids
    assert all(cp in ids for _, cp, _ in marks)  # every counterpart is a mark on the page
    relations = {rel for _, _, rel in marks}
    assert {"verbatim", "near_verbatim"} <= relations
    for own, cp, _ in marks[:10]:
        assert own.split("-")[0] == cp.split("-")[0] and own[-2:] != cp[-2:] or own != cp
    assert "<svg" in r.text and 'data-testid="provenance-graph"' in r.text
    assert 'href="/articles/s1-meridian-wire"' in r.text
    assert 'href="/outlets/Meridian%20Wire"' in r.text
    assert 'data-testid="timeline"' in r.text and 'data-testid="facts"' in r.text
    assert 'data-testid="placed"' not in r.text
    assert "linked" in r.text  # the click script


def test_story_page_leads_with_its_contradictions(client: TestClient) -> None:
    """Issue 29: the bridge story's contradictions (14 vs 41 injured) come before its articles and fact table."""
    page = client.get(f"/stories/{_story_of(client, 's1-meridian-wire')}").text
    box = page[page.index('data-testid="contradictions"') : page.index("<h3>Articles</h3>")]
    assert "number of injured" in box and "<q>41 people</q>" in box
    assert "detail only in" not in box


def test_article_page(client: TestClient) -> None:
    r = client.get("/articles/s1-courier-reprint")
    assert r.status_code == 200
    assert 'data-testid="boilerplate"' in r.text
    assert 'data-testid="passage"' in r.text
    assert 'data-testid="origin-source"' in r.text and 'href="/articles/s1-meridian-wire"' in r.text
    assert "credited agency copy" in r.text
    assert f'href="/stories/{_story_of(client, "s1-courier-reprint")}"' in r.text


def test_outlet_page(client: TestClient) -> None:
    wire = client.get("/outlets/Meridian Wire")
    assert wire.status_code == 200
    assert 'href="/articles/s1-meridian-wire"' in wire.text
    assert 'data-testid="copied-by"' in wire.text and "The Harlow Courier" in wire.text
    courier = client.get("/outlets/The%20Harlow%20Courier")
    assert 'data-testid="copies"' in courier.text and 'href="/outlets/Meridian%20Wire"' in courier.text
    assert client.get("/outlets/Nobody Here").status_code == 404


# --- JSON API ---------------------------------------------------------------------------


def test_api_shapes(client: TestClient) -> None:
    listing = client.get("/api/stories").json()
    assert listing["total"] == 4 and listing["page"] == 1
    item = listing["items"][0]
    assert set(item) == {"id", "title", "articles", "outlets", "first_published"}
    assert isinstance(item["articles"], int)
    story = client.get(f"/api/stories/{item['id']}").json()
    assert {"id", "title", "articles", "first_published", "alignments", "provenance", "facts"} <= set(story)
    assert story["id"] == item["id"] and len(story["articles"]) == item["articles"] == 7
    art = client.get("/api/articles/s1-meridian-wire").json()
    assert {"id", "source", "title", "authors", "published", "credited", "boilerplate", "story", "text"} <= set(art)
    assert art["text"].startswith("By ") or len(art["text"]) > 100
    assert client.get("/api/stories/nope").status_code == 404
    assert client.get("/api/articles/nope").json() == {"detail": "no article 'nope'"}
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/ingest"} <= set(
        spec["paths"]
    )
    assert client.get("/docs").status_code == 200


def test_unknown_and_traversal_ids_are_404(client: TestClient) -> None:
    for url in (
        "/articles/..%2F..%2Fetc%2Fpasswd",
        "/articles/../../etc/passwd",
        "/outlets/../../x",
        "/outlets/..%2F..%2Fx",
        "/stories/..%2F..%2Fpyproject.toml",
        "/api/articles/..%2F..%2Fetc%2Fpasswd",
        "/stories/nope",
    ):
        r = client.get(url)
        assert r.status_code == 404, url
        assert "root:" not in r.text and "[project]" not in r.text


# --- ingest -----------------------------------------------------------------------------


def test_ingest_form_page(client: TestClient) -> None:
    r = client.get("/ingest")
    for testid in ("upload-file", "paste-text", "ingest-submit"):
        assert f'data-testid="{testid}"' in r.text
    assert 'name="file"' in r.text and 'name="text"' in r.text and 'enctype="multipart/form-data"' in r.text
    # the accept list and the message come from the one table of input formats
    assert f'accept="{upload_accept()}"' in r.text and f"Upload a file ({upload_words()})" in r.text


def test_paste_a_follow_up_joins_its_story(writer: TestClient) -> None:
    kettles = _story_of(writer, "s2-npa-wire")
    form = {
        "text": KETTLE_FOLLOW_UP,
        "title": "Corvane widens Brightwell 2 kettle recall",
        "source": "Tollmere Daily",
        "published": "2026-02-20T09:00:00+01:00",
    }
    r = writer.post("/ingest", data=form, files={"file": ("", b"", "application/octet-stream")}, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    target = r.headers["location"]
    assert target.startswith("/stories/") and "placed=corvane-widens-brightwell-2-kettle-recall" in target
    assert _story_of(writer, "corvane-widens-brightwell-2-kettle-recall") == target.split("?")[0].split("/")[-1]
    page = writer.get(target)
    assert 'data-testid="placed"' in page.text and "joined an existing story" in page.text
    story = writer.get("/api/stories/" + target.split("?")[0].split("/")[-1]).json()
    assert {"s2-npa-wire", "corvane-widens-brightwell-2-kettle-recall"} <= set(story["articles"])
    assert kettles  # the demo story existed before


COMET = (
    "Astronomers at the Pellmoor observatory catalogued a faint new comet on Sunday night.\n"
    "The comet, named Hessa after the student who first spotted it, will be visible with binoculars until April, "
    "the observatory's director Mira Quell said.\n"
    '"We have not seen one this bright in a decade," she said.'
)


def test_api_ingest_opens_a_new_story(writer: TestClient) -> None:
    r = writer.post(
        "/api/ingest",
        json={"id": "a/../b", "text": COMET, "title": "Pellmoor astronomers spot new comet", "published": "2026-03-08"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body == {"article": "a/../b", "story": body["story"], "new_story": True, "problems": [], "notes": []}
    assert writer.get("/api/stories/" + body["story"]).json()["articles"] == ["a/../b"]
    assert writer.get("/api/articles/a%2F..%2Fb").json()["text"] == COMET
    page = writer.get(f"/stories/{body['story']}", params={"placed": "a/../b"})
    assert 'data-testid="placed"' in page.text and "opened a new story" in page.text
    assert 'href="/articles/a%2F..%2Fb"' in page.text
    record = {"text": COMET, "title": "Pellmoor astronomers spot new comet", "published": "2026-03-08"}
    again = writer.post("/api/ingest", json=record)
    assert again.json()["article"] == "a/../b"  # the same article under another id is stored once


def test_upload_takes_only_the_extension_from_the_file_name(writer: TestClient) -> None:
    up = writer.post(
        "/ingest",
        files={
            "file": (
                "../../etc/orchard-notes.txt",
                b"Velm orchard growers expect a record cherry harvest.",
                "text/plain",
            )
        },
        follow_redirects=False,
    )
    assert up.status_code == 303 and "placed=orchard-notes" in up.headers["location"]
    assert writer.get("/api/articles/orchard-notes").json()["origin"] == "upload orchard-notes.txt"
    lines = b'{"id": "jl-1", "text": "Tollmere library reopens after a year of repairs to its roof."}\n'
    up = writer.post("/ingest", files={"file": ("feed.jsonl", lines, "application/jsonl")}, follow_redirects=False)
    assert up.status_code == 303 and "placed=jl-1" in up.headers["location"]


def test_bad_ingest_input(writer: TestClient) -> None:
    r = writer.post("/ingest", data={"text": "  "})
    assert r.status_code == 400 and 'data-testid="error"' in r.text
    r = writer.post("/ingest", data={"text": "Something.", "published": "last Tuesday"})
    assert r.status_code == 400 and "ISO 8601" in r.text
    r = writer.post("/ingest", files={"file": ("notes.docx", b"PK\x03\x04", "application/octet-stream")})
    assert r.status_code == 400 and 'data-testid="error"' in r.text
    r = writer.post("/ingest", files={"file": ("bad.json", b"{not json", "application/json")})
    assert r.status_code == 400
    for bad in (b"{not json", b"[]", b'{"title": "no text"}', b'{"text": 5}'):
        r = writer.post("/api/ingest", content=bad, headers={"content-type": "application/json"})
        assert r.status_code in (400, 422), bad
    assert writer.post("/api/ingest", json={"text": ""}).status_code == 400
    echoed = writer.post("/api/ingest", json={"text": 5, "title": EVIL})  # 422 echoes the input, HTML-safe
    assert echoed.status_code == 422 and EVIL not in echoed.text
    assert writer.get("/", params={"page": "x"}).status_code == 422


def test_script_in_title_and_body_is_escaped(writer: TestClient) -> None:
    text = f"Velm council {EVIL} debates {EVIL_ATTR} orchard subsidies for cherry growers.\nA second line {EVIL}."
    title = f"Council {EVIL} {EVIL_ATTR} row"
    r = writer.post(
        "/ingest", data={"text": text, "title": title, "source": f"Evil {EVIL} Post"}, follow_redirects=False
    )
    assert r.status_code == 303
    location = r.headers["location"]
    aid = location.split("placed=")[1]
    pages = [
        writer.get(location).text,
        writer.get(f"/articles/{aid}").text,
        writer.get("/").text,
        writer.get("/", params={"q": "subsidies"}).text,
        writer.get("/outlets/" + f"Evil {EVIL} Post").text,
        writer.get(f"/api/articles/{aid}").text,
        writer.get("/api/stories", params={"q": "subsidies"}).text,
    ]
    for page in pages:
        assert EVIL not in page
        assert 'onmouseover="x' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1]
    assert writer.get(f"/api/articles/{aid}").json()["text"] == text  # the API returns the text as stored


def test_upload_over_the_limit_is_413(writer: TestClient) -> None:
    big = b"x" * (MAX_UPLOAD_BYTES + 1)
    r = writer.post("/ingest", files={"file": ("big.txt", big, "text/plain")})
    assert r.status_code == 413 and "limit" in r.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        for _ in range(6):
            yield b"y" * (1024 * 1024)

    r = writer.post("/api/ingest", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "limit" in r.json()["detail"]


def test_a_store_without_analysis_is_analysed_at_start_up(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    with Store(db) as store:
        ingest([EXAMPLES / "corpus" / "plain", EXAMPLES / "corpus" / "wire"], store)
    app = create_app(db)
    with TestClient(app, base_url=LOCAL) as c:
        assert app.state.library.ready.wait(120)
        listing = c.get("/api/stories").json()
        assert listing["total"] >= 3
        assert c.get(f"/stories/{listing['items'][0]['id']}").status_code == 200
    with Store(db) as store:
        assert store.db.execute("SELECT COUNT(*) FROM analyses").fetchone()[0] == 1


def test_an_empty_store_serves_empty_pages(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "empty.db"), base_url=LOCAL) as c:
        assert "No stories" in c.get("/").text
        assert c.get("/api/stories").json()["total"] == 0


# --- an analysis that fails costs its story only ------------------------------------------

POISON_MARK = "Quillon"  # the injected failure strikes any analysis that holds an article naming it
# A story of its own: no council, vote or repair that a demo story also tells of (the poison must not join one).
POISON = (
    "The Quillon chamber orchestra opened its winter season on Thursday with a programme of string serenades.\n"
    "Its conductor, Ilse Brandvold, said the hall sold out within an hour."
)
POISON_REPRINT = POISON.replace("Thursday", "Thursday evening") + "\nThe vote was unanimous."


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A copy of the analysed demo store, for one test."""
    db = tmp_path / "fresh.db"
    with Store(_build(tmp_path)) as source, Store(db) as copy:
        source.db.backup(copy.db)
    return db


def _inject_failure(
    monkeypatch: pytest.MonkeyPatch, target: object, name: str, texts: Callable[[tuple[Any, ...]], list[str]]
) -> None:
    """Make ``target.name`` raise when what it is given (``texts(args)``) names the poison."""
    real = getattr(target, name)

    def failing(*args: object, **kwargs: object) -> object:
        if any(POISON_MARK in t for t in texts(args)):
            raise RuntimeError("injected failure: the analysis of this story broke")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)


def _stored(db: Path) -> dict[str, str]:
    with Store(db) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {a.id: a.text for a in store.articles()}


def test_an_upload_whose_analysis_fails_is_stored_and_later_uploads_work(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _inject_failure(monkeypatch, web_library, "analyze_articles", lambda args: [a.text for a in args[0]])
    before = _stored(fresh)
    with TestClient(create_app(fresh), base_url=LOCAL) as c:
        stories = c.get("/api/stories").json()["total"]
        r = c.post("/api/ingest", json={"id": "pier", "text": POISON, "title": "Quillon orchestra opens its season"})
        assert r.status_code == 202, r.text
        body = r.json()
        assert body["article"] == "pier" and body["story"] is None
        (line,) = body["problems"]
        assert line == (
            "'pier' is stored, but the analysis of its story failed (RuntimeError: injected failure: the analysis of "
            "this story broke); that story is left out of the pages, the others are shown"
        )
        assert _stored(fresh) == {**before, "pier": POISON}  # stored, nothing else touched
        assert c.get("/api/stories").json()["total"] == stories  # the other stories are still shown
        assert c.get("/api/articles/pier").status_code == 404  # its story is not
        # later uploads work and are analysed
        placed = c.post("/api/ingest", json={"id": "comet", "text": COMET, "published": "2026-03-08"}).json()
        assert placed["problems"] == [] and placed["story"]
        assert c.get(f"/api/stories/{placed['story']}").json()["articles"] == ["comet"]
        form = c.post(
            "/ingest", data={"text": KETTLE_FOLLOW_UP, "title": "Kettle recall widens"}, follow_redirects=False
        )
        assert form.status_code == 303
        # a reprint joins the held story: tried again, fails again, said again; the page answers 202
        again = c.post("/ingest", data={"text": POISON_REPRINT, "title": "Quillon orchestra reprint"})
        assert again.status_code == 202 and "injected failure" in again.text and 'data-testid="error"' in again.text
        assert c.get("/api/stories").json()["total"] == stories + 1
    # a restart with the failure still there: the start-up analysis holds the story back and serves the rest
    app = create_app(fresh)
    with TestClient(app, base_url=LOCAL) as c:
        assert app.state.library.ready.wait(120) and app.state.library.failure is None
        assert c.get("/api/stories").json()["total"] == stories + 1
        assert c.post("/api/ingest", json={"id": "late", "text": "Velm bus fares fall by a fifth."}).status_code == 200
    # once the failure is gone, the next article that joins the story brings it back
    monkeypatch.undo()
    with TestClient(create_app(fresh), base_url=LOCAL) as c:
        follow = POISON.replace("Thursday", "Friday") + "\nWork starts next week."
        r = c.post("/api/ingest", json={"id": "pier-3", "text": follow})
        assert r.status_code == 200 and r.json()["problems"] == []
        assert {"pier", "pier-3"} <= set(c.get(f"/api/stories/{r.json()['story']}").json()["articles"])


def test_a_story_that_fails_inside_the_pipeline_costs_that_story_only(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure injected where one story is analysed, as a real one would strike: the pipeline isolates it."""
    _inject_failure(monkeypatch, story_stages, "analyze_story", lambda args: [p.article.text for p in args[1]])
    with TestClient(create_app(fresh), base_url=LOCAL) as c:
        r = c.post("/api/ingest", json={"id": "pier", "text": POISON})
        assert r.status_code == 200, r.text
        story = r.json()["story"]
        error = "RuntimeError: injected failure: the analysis of this story broke"
        assert r.json()["problems"] == [f"story {story} (article pier): story failed: {error}"]
        assert _stored(fresh)["pier"] == POISON
        page = c.get(f"/stories/{story}", params={"placed": "pier"})
        assert 'data-testid="story-problems"' in page.text and "injected failure" in page.text
        form = c.post("/ingest", data={"text": POISON_REPRINT, "title": "Orchestra reprint"}, follow_redirects=False)
        assert form.status_code == 303  # the story is shown, with what failed
        placed = c.post("/api/ingest", json={"id": "comet", "text": COMET})
        assert placed.status_code == 200 and placed.json()["problems"] == []
        assert "comet" in c.get(f"/api/stories/{placed.json()['story']}").json()["articles"]


# --- publication dates out of range ----------------------------------------------------------

BAD_DATES = ["0001-01-01T03:00:00+05:00", "9999-12-31T23:00:00-05:00", "2024-13"]


def test_a_bad_publication_date_is_never_a_500(fresh: Path) -> None:
    with TestClient(create_app(fresh), base_url=LOCAL) as c:
        for k, date in enumerate(BAD_DATES):
            text = f"Velm growers expect a record plum harvest, report {k}."
            api = c.post("/api/ingest", json={"id": f"plum-{k}", "text": text, "published": date})
            assert api.status_code in (200, 202, 400), (date, api.text)
            form = c.post("/ingest", data={"text": text + " Again.", "published": date}, follow_redirects=False)
            assert form.status_code in (202, 303, 400), (date, form.text[-500:])
            for url in ("/", "/?sort=recent", "/api/stories?sort=recent", "/api/stories?sort=outlets"):
                assert c.get(url).status_code == 200, (date, url)


@pytest.mark.parametrize("date", BAD_DATES)
def test_a_bad_publication_date_does_not_poison_later_uploads(fresh: Path, date: str) -> None:
    with TestClient(create_app(fresh), base_url=LOCAL) as c:
        c.post("/api/ingest", json={"id": "plum", "text": "Velm growers expect a plum harvest.", "published": date})
        later = c.post("/api/ingest", json={"id": "comet", "text": COMET})
        assert later.status_code == 200 and later.json()["problems"] == [], later.text


# --- storytrace serve ------------------------------------------------------------------------

SERVE = [sys.executable, "-m", "storytrace", "serve"]
SERVE_ENV = {**os.environ, "STORYTRACE_LEXICAL_ONLY": "1", "COLUMNS": "1000"}


def _serve(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SERVE, *args], env=SERVE_ENV, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path: Path) -> None:
    with Store(tmp_path / "st.db"):
        pass
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve("--db", "st.db", "--port", str(port), cwd=tmp_path)
    assert proc.returncode == 1, proc
    assert proc.stderr.splitlines() == [
        f"storytrace: 127.0.0.1:{port}: address already in use (is another server running? --port picks another)"
    ]
    assert proc.stdout == ""


def test_serve_refuses_a_store_that_does_not_exist(tmp_path: Path) -> None:
    for args, name in ((["--db", "typo.db"], "typo.db"), ([], "storytrace.db")):
        proc = _serve(*args, "--port", "9", cwd=tmp_path)
        assert proc.returncode == 1, proc
        assert proc.stderr.splitlines() == [
            f"storytrace: {name}: no such store; run storytrace ingest/analyze first, "
            "or pass --create to start an empty one"
        ]
        assert list(tmp_path.iterdir()) == []  # no .db, -wal, -shm or .lock
    bad = _serve("--create", "--allow-host", "not a name", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.splitlines() == ["storytrace: --allow-host: 'not a name' is not a host name or an IP address"]
    assert list(tmp_path.iterdir()) == []


def test_serve_create_starts_an_empty_store(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [*SERVE, "--db", "new.db", "--create", "--port", str(port)], env=SERVE_ENV, cwd=tmp_path, stdout=sink,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", proc, log)
        with urllib.request.urlopen(f"http://localhost:{port}/api/stories", timeout=10) as answer:
            assert json.load(answer)["total"] == 0
    finally:
        stop(proc)
    assert (tmp_path / "new.db").exists()


def test_story_ids_stay_put_across_uploads_ingests_and_analyses(fresh: Path, tmp_path: Path) -> None:
    """A link to /stories/sN, once shared, keeps opening the same story (issue 25: s4 became s5 after one upload)."""

    def members(c: TestClient) -> dict[str, set[str]]:
        ids = [s["id"] for s in c.get("/api/stories", params={"page": 1}).json()["items"]]
        ids += [s["id"] for s in c.get("/api/stories", params={"page": 2}).json()["items"]]
        return {i: set(c.get(f"/api/stories/{i}").json()["articles"]) for i in ids}

    with TestClient(create_app(fresh), base_url=LOCAL) as c:
        before = members(c)
        assert c.post("/api/ingest", json={"id": "comet", "text": COMET}).status_code == 200
        assert c.post("/api/ingest", json={"id": "kettle-more", "text": KETTLE_FOLLOW_UP}).status_code == 200
        after_upload = members(c)
    more = tmp_path / "more"
    more.mkdir()
    (more / "comet-2.txt").write_text(COMET.replace("Sunday", "Monday") + "\nMore to follow.", "utf-8")
    with Store(fresh) as store:
        analyze([EXAMPLES / "corpus", more], store)
    with TestClient(create_app(fresh), base_url=LOCAL) as c:
        # The uploads are not in the CLI's analysis: the app shows that one while it re-analyses the store.
        for thread in threading.enumerate():
            if thread.name == "storytrace-analyse":
                thread.join(120)
        after_analyze = members(c)
    for later in (after_upload, after_analyze):
        for story_id, articles in before.items():
            assert articles <= later[story_id], (story_id, articles, later.get(story_id))
    (comet_story,) = [i for i, m in after_upload.items() if "comet" in m]
    assert comet_story not in before and {"comet", "comet-2"} <= after_analyze[comet_story]
    assert "kettle-more" in after_upload[next(i for i, m in before.items() if "s2-npa-wire" in m)]


def test_an_upload_says_what_its_input_lost_or_changed(fresh: Path) -> None:
    """A bad date costs the record its date alone, and the upload says so; new metadata for a stored text too."""
    record = {"id": "lamp", "text": "Tollmere lighthouse gets a new lamp on its tower.", "published": "2024-13"}
    with TestClient(create_app(fresh), base_url=LOCAL) as c:
        body = (json.dumps(record) + "\n").encode()
        up = c.post("/ingest", files={"file": ("lamp.jsonl", body, "application/jsonl")}, follow_redirects=False)
        assert up.status_code == 200 and up.text.count("stored without a date") == 1, up.text[-1500:]
        assert 'href="/stories/' in up.text and 'data-testid="placed-link"' in up.text
        assert c.get("/api/articles/lamp").json()["published"] is None
        again = c.post("/api/ingest", json={**record, "published": "2024-12-01"})
        assert again.status_code == 200
        assert again.json()["notes"] == [
            "'lamp' is stored with the same text; updated its published: none → 2024-12-01"
        ]
        assert c.get("/api/articles/lamp").json()["published"] == "2024-12-01"
