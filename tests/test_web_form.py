"""The web UI's add-an-article form: every field, checked with one-line errors; the passage hint where passages are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from storytrace.pipeline import analyze  # noqa: E402
from storytrace.store import Store  # noqa: E402
from storytrace.web import create_app  # noqa: E402
from storytrace.web.form import MAX_FIELD_CHARS, ArticleFields, article_fields  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
LOCAL = "http://127.0.0.1"
HINT = 'data-testid="passage-hint"'
# A fictional item of a fictional wire agency.
FERRY = (
    "Fenmouth harbour board said on Tuesday the Sunday ferry to Orrin Island will stop in May after passenger "
    "numbers fell by a third over the winter. The Saturday crossings keep their four daily sailings."
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("form") / "web.db"
    with Store(db) as store:
        analyze([EXAMPLES / "corpus"], store)
    with TestClient(create_app(db), base_url=LOCAL) as c:
        yield c


def test_fields_are_trimmed_and_authors_split() -> None:
    found = article_fields(
        id=" fen-1 ", authors="Ada Merrow; Tomas Pell,  ", url=" https://fen.example/a ", agency=True
    )
    assert found == ArticleFields(
        id="fen-1", authors=("Ada Merrow", "Tomas Pell"), url="https://fen.example/a", agency=True
    )
    assert found.record() == {"id": "fen-1", "authors": ["Ada Merrow", "Tomas Pell"], "url": "https://fen.example/a",
                              "kind": "agency"}  # fmt: skip
    assert article_fields().record() == {}


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ({"url": "fen.example/a"}, "'URL' is not a web address"),
        ({"url": "javascript:alert(1)"}, "'URL' is not a web address"),
        ({"url": "https://"}, "'URL' is not a web address"),
        ({"published": "last Tuesday"}, "'published' not an ISO 8601 date"),
        ({"title": "x" * (MAX_FIELD_CHARS + 1)}, "'title' is longer than"),
        ({"authors": ",".join(f"A{k}" for k in range(30))}, "'authors' names more than"),
    ],
)
def test_a_bad_field_is_one_line_naming_it(given: dict[str, str], says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)) as found:
        article_fields(**given)  # type: ignore[arg-type]
    assert "\n" not in str(found.value)


def test_the_form_has_every_field(client: TestClient) -> None:
    page = client.get("/ingest").text
    for name in ("id", "title", "source", "published", "authors", "url", "agency"):
        assert f'name="{name}"' in page, name
    assert 'type="checkbox" name="agency"' in page
    assert HINT not in page  # no passages on this page


def test_a_pasted_article_keeps_every_field(client: TestClient) -> None:
    form = {
        "text": FERRY, "id": "fen-ferry", "title": "Sunday ferry to stop", "source": "", "published": "2026-04-07",
        "authors": "Ada Merrow, Tomas Pell", "url": "https://www.fen-wire.example/ferry", "agency": "1",
    }  # fmt: skip
    r = client.post("/ingest", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    assert "placed=fen-ferry" in r.headers["location"]
    stored = client.get("/api/articles/fen-ferry").json()
    assert stored["kind"] == "agency" and stored["authors"] == ["Ada Merrow", "Tomas Pell"]
    assert stored["url"] == "https://www.fen-wire.example/ferry" and stored["published"] == "2026-04-07"
    assert stored["source"] is None and stored["outlet"] == "fen-wire.example"  # named by its domain


def test_an_upload_takes_the_form_id_and_agency(client: TestClient) -> None:
    r = client.post(
        "/ingest",
        data={"id": "orrin-notice", "agency": "1", "authors": "Ada Merrow"},
        files={
            "file": (
                "notice.txt",
                b"Orrin Island council will meet on Thursday about the ferry timetable.",
                "text/plain",
            )
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and "placed=orrin-notice" in r.headers["location"], r.text[:300]
    stored = client.get("/api/articles/orrin-notice").json()
    assert stored["kind"] == "agency" and stored["authors"] == ["Ada Merrow"]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [("url", "fen.example", "'URL' is not a web address"), ("published", "soon", "'published' not an ISO 8601")],
)
def test_a_bad_field_is_refused_on_the_form_and_kept(client: TestClient, field: str, value: str, says: str) -> None:
    r = client.post("/ingest", data={"text": FERRY + " Again.", "title": "Kept title", field: value})
    assert r.status_code == 400
    error = re.search(r'<p class="error" data-testid="error">(.*?)</p>', r.text, re.S)
    assert error is not None and says in error[1].replace("&#39;", "'") and "\n" not in error[1]
    assert 'value="Kept title"' in r.text  # what was typed is kept


def test_the_api_takes_authors_url_and_kind(client: TestClient) -> None:
    body = {"id": "orrin-api", "text": FERRY.replace("Tuesday", "Wednesday"), "authors": ["Tomas Pell"],
            "url": "https://orrin.example/x", "kind": "agency"}  # fmt: skip
    r = client.post("/api/ingest", json=body)
    assert r.status_code == 200, r.text
    stored = client.get("/api/articles/orrin-api").json()
    assert stored["kind"] == "agency" and stored["authors"] == ["Tomas Pell"] and stored["url"] == body["url"]
    bad = client.post("/api/ingest", json={**body, "url": "orrin"})
    assert bad.status_code == 400 and "'URL' is not a web address" in bad.json()["detail"]


def test_the_passage_hint_is_only_where_passages_are(client: TestClient) -> None:
    assert HINT not in client.get("/").text
    story = client.get("/api/articles/s1-meridian-wire").json()["story"]
    assert HINT in client.get(f"/stories/{story}").text  # its pairs are marked
    assert HINT in client.get("/articles/s1-courier-reprint").text  # its traced passages are marked
    assert HINT not in client.get("/outlets/Meridian Wire").text
