"""The web UI and JSON API (storytrace serve) over a store built from the demo corpus."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from storytrace.pipeline import analyze, ingest  # noqa: E402
from storytrace.store import Store  # noqa: E402
from storytrace.web import MAX_UPLOAD_BYTES, create_app  # noqa: E402
from storytrace.web import library as web_library  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

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
        analyze([EXAMPLES / "corpus"], store, embedder=None)
    return db


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Read-only tests share one analysed store."""
    with TestClient(create_app(_build(tmp_path_factory.mktemp("web")))) as c:
        yield c


@pytest.fixture(scope="module")
def writer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Tests that ingest get a store of their own."""
    with TestClient(create_app(_build(tmp_path_factory.mktemp("web-write")))) as c:
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
    assert body == {"article": "a/../b", "story": body["story"], "new_story": True}
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
    with TestClient(app) as c:
        assert app.state.library.ready.wait(120)
        listing = c.get("/api/stories").json()
        assert listing["total"] >= 3
        assert c.get(f"/stories/{listing['items'][0]['id']}").status_code == 200
    with Store(db) as store:
        assert store.db.execute("SELECT COUNT(*) FROM analyses").fetchone()[0] == 1


def test_an_empty_store_serves_empty_pages(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "empty.db")) as c:
        assert "No stories" in c.get("/").text
        assert c.get("/api/stories").json()["total"] == 0
