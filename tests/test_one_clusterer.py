"""One clusterer (issue 28): cluster, ingest, analyze and the web UI's upload give every article the same story.

Each entry point runs on the same records in the same order; the stories must be the same, ids included
(``s1`` is the first story the clusterer opened). The demo corpus runs through all four with the default
embedder; Giveme5W1H dev and 2,000 Reuters bodies (from ../shared/data, skipped when absent) through
``cluster`` and ``ingest``, whose placing ``analyze`` and the web UI share (the demo shows that).
``batch --engine spark`` is checked against the in-process clusterer in test_spark.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from report_files import written
from storytrace.cli import app
from storytrace.ingest import read_paths
from storytrace.model import Article, story_name
from storytrace.store import Store
from support.data import DEFAULT_DATA, GIVEME_FILE, load_giveme, missing, reuters_by_date
from support.paths import REUTERS
from support.records import write_records

runner = CliRunner()


def by_cluster(records: Path, *flags: str) -> dict[str, str]:
    result = runner.invoke(app, ["cluster", str(records), *flags])
    assert result.exit_code == 0, result.output
    return {row["id"]: row["story"] for row in map(json.loads, result.stdout.splitlines())}


def by_ingest(records: Path, db: Path, *flags: str) -> dict[str, str]:
    result = runner.invoke(app, ["ingest", str(records), "--db", str(db), *flags])
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        return {aid: story_name(n) for aid, n in store.story_assignments().items()}


def by_analyze(records: Path, out: Path, *flags: str) -> dict[str, str]:
    result = runner.invoke(app, ["analyze", str(records), "--out", str(out), *flags])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "stories.json").read_text("utf-8"))
    return {a["id"]: a["story"] for a in document["articles"]}


def by_upload(records: Path, db: Path) -> dict[str, str]:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from storytrace.web.app import create_app

    with Store(db):
        pass  # an empty store, as `serve --create` makes
    ids = [json.loads(line)["id"] for line in records.read_text("utf-8").splitlines()]
    with TestClient(create_app(db), base_url="http://127.0.0.1") as client:
        upload = {"file": (records.name, records.read_bytes(), "application/jsonl")}
        assert client.post("/ingest", files=upload, follow_redirects=False).status_code in (200, 303)
        return {aid: client.get(f"/api/articles/{aid}").json()["story"] for aid in ids}


def test_the_demo_gets_the_same_stories_from_every_entry_point(tmp_path: Path) -> None:
    articles = [a for a in read_paths([EXAMPLES / "corpus"]) if isinstance(a, Article)]
    records = write_records(tmp_path / "demo.jsonl", articles)
    clustered = by_cluster(records)
    assert len(set(clustered.values())) == 4
    assert by_ingest(records, tmp_path / "ingest.db") == clustered
    assert by_analyze(records, tmp_path / "out") == clustered
    assert by_upload(records, tmp_path / "web.db") == clustered


@pytest.mark.parametrize("corpus", ["giveme5w1h", "reuters"])
def test_a_real_corpus_gets_the_same_stories_from_cluster_and_ingest(corpus: str, tmp_path: Path) -> None:
    if corpus == "giveme5w1h":
        if missing(DEFAULT_DATA, GIVEME_FILE) is not None:
            pytest.skip(f"{DEFAULT_DATA / GIVEME_FILE} not found")
        articles = [item.article for item in load_giveme(DEFAULT_DATA)]
    else:
        if not any(REUTERS.glob("reuters21578-*.jsonl")):
            pytest.skip(f"{REUTERS} not found")
        articles = reuters_by_date(2000)
    records = write_records(tmp_path / f"{corpus}.jsonl", articles)
    clustered = by_cluster(records)
    assert by_ingest(records, tmp_path / "ingest.db") == clustered


def test_each_article_says_why_it_is_in_its_story(tmp_path: Path) -> None:
    """Issue 28: the clusterer's decision kept per article, in stories.json and on the web UI's story page."""
    records = write_records(
        tmp_path / "demo.jsonl", [a for a in read_paths([EXAMPLES / "corpus"]) if isinstance(a, Article)]
    )
    result = runner.invoke(
        app, ["analyze", str(records), "--out", str(tmp_path / "out"), "--db", str(tmp_path / "s.db")]
    )
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "out" / "stories.json").read_text("utf-8"))
    by_story: dict[str, list[dict[str, Any]]] = {}
    for a in document["articles"]:
        by_story.setdefault(a["story"], []).append(a["joined"])
    for story, reasons in by_story.items():
        assert [r["how"] for r in reasons].count("opened") == 1, story  # its first article opened it
        for r in reasons:
            if r["how"] == "joined":
                assert r["score"] >= 0.5 and r["terms"], r  # the join model's probability, what it shares
            elif r["how"] == "copy":
                assert r["copy_of"] in {a["id"] for a in document["articles"] if a["story"] == story}
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from storytrace.web.app import create_app

    with TestClient(create_app(tmp_path / "s.db"), base_url="http://127.0.0.1") as client:
        page = client.get(f"/stories/{document['stories'][0]['id']}").text
    assert 'data-testid="joined"' in page and "opened the story" in page and "joined at " in page


@pytest.mark.parametrize("forked", [False, True])
def test_the_report_says_why_each_article_is_in_its_story(forked: bool, tmp_path: Path, monkeypatch) -> None:
    """Rendered in this process or in the forked workers (which render the stories they analyse), alike."""
    from storytrace.pipeline import workers

    if forked:
        monkeypatch.setattr(workers, "PARALLEL_MIN_PAIRS", 0)
        monkeypatch.setenv("STORYTRACE_WORKERS", "2")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["analyze", str(EXAMPLES / "corpus"), "--out", str(out), "--db", str(tmp_path / "s.db")]
    )
    assert result.exit_code == 0, result.output
    report = written(out)
    assert report.count("opened the story") == 4  # one a story
    assert "joined at " in report and "a copy of s1-meridian-wire" in report


def test_an_item_of_boilerplate_alone_joins_no_story(tmp_path: Path) -> None:
    """Issue 28: a page with no content of its own (a chat invitation) under a title like a story's, months later."""
    articles = [a for a in read_paths([EXAMPLES / "corpus"]) if isinstance(a, Article)]
    boiler = Article(
        "promo",
        "Chat with us in Facebook Messenger. Find out what's happening in the world as it unfolds.",
        title="Bridge collapse: what we know",
        source="Fictional News Network",
        published="2026-06-01",
    )
    records = write_records(tmp_path / "demo.jsonl", [*articles, boiler])
    clustered = by_cluster(records)
    assert list(clustered.values()).count(clustered["promo"]) == 1
