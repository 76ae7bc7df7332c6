"""``storytrace prune``: only the latest analysis's stories keep their results and renderings; the file shrinks."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from report_files import written
from storytrace.cli import app
from storytrace.naming import counted
from storytrace.pipeline import document, latest_signatures
from storytrace.pipeline import story as story_stages
from storytrace.store import Store
from storytrace.stories_json import story_text

runner = CliRunner()
BRIDGE = [
    "The Saltmarsh Bridge over the River Velm collapsed in Eskerby on Monday, killing three drivers; divers searched "
    "the river through the night.",
    "Engineers inspecting the collapsed Saltmarsh Bridge in Eskerby found corroded steel in the river piers, the "
    "Velm county council said.",
]
BRIDGE_LATER = (
    "Eskerby mourned the three drivers killed when the Saltmarsh Bridge fell into the River Velm during the floods."
)
KETTLE = [
    "Corvane Appliances recalled 62,000 Brightwell kettles over a faulty thermal cut-off switch that can let the "
    "kettle boil dry.",
    "Owners of Brightwell kettles can claim a replacement from Corvane Appliances after the thermal cut-off switch "
    "recall.",
]


def _write(path: Path, texts: list[str], prefix: str, day: str) -> Path:
    rows = [{"id": f"{prefix}{k}", "text": t, "published": f"{day}T0{k}:00:00"} for k, t in enumerate(texts)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _keys(db: Path, query: str) -> set[str]:
    with sqlite3.connect(db) as con:
        return {r[0] for r in con.execute(query)}


def test_prune_keeps_the_latest_stories_and_a_run_after_it_analyses_nothing_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, db = tmp_path / "out", tmp_path / "out" / "storytrace.db"
    bridge = _write(tmp_path / "bridge.jsonl", BRIDGE, "b", "2024-03-04")
    kettle = _write(tmp_path / "kettle.jsonl", KETTLE, "k", "2024-03-05")
    later = _write(tmp_path / "later.jsonl", [BRIDGE_LATER], "c", "2024-03-06")
    analysed: list[str] = []
    real = story_stages.analyze_story
    monkeypatch.setattr(
        story_stages, "analyze_story", lambda story_id, *a, **k: analysed.append(story_id) or real(story_id, *a, **k)
    )
    for paths in ([bridge, kettle], [bridge, kettle, later]):  # the bridge story grows: its old result is left behind
        assert runner.invoke(app, ["analyze", *map(str, paths), "--out", str(out)]).exit_code == 0
    assert len(analysed) == 3  # both stories, then the one that grew
    analysed.clear()
    page = written(out)
    document = (out / "stories.json").read_bytes()
    results = _keys(db, "SELECT signature FROM story_results")
    with Store(db) as store:
        latest = latest_signatures(store)
    assert latest is not None and len(latest) == 2 and latest < results  # a stale result is kept

    pruned = runner.invoke(app, ["prune", "--db", str(db)])
    assert pruned.exit_code == 0, pruned.output
    assert f"dropped {counted(len(results - latest), 'kept result')} and" in pruned.output
    assert _keys(db, "SELECT signature FROM story_results") == latest
    assert _keys(db, "SELECT key FROM rendered_stories") == latest

    again = runner.invoke(app, ["analyze", str(bridge), str(kettle), str(later), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert analysed == []  # every story of the latest analysis was kept
    assert (out / "stories.json").read_bytes() == document
    assert _without_time(written(out)) == _without_time(page)


def _without_time(page: str) -> str:
    return re.sub(r"<span>generated [^<]*</span>", "", page)


def test_prune_of_a_missing_store_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    result = runner.invoke(app, ["prune", "--db", str(missing)])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "nope.db" in result.stderr and "no such store" in result.stderr
    assert not missing.exists()


def test_prune_leaves_a_store_whose_latest_analysis_is_a_whole_document(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Store(db) as store:
        store.save_analysis(json.dumps({"articles": [], "stories": []}))  # as stores kept it before outlines
        store.put_story_texts({})
        with store.db:
            store.db.execute("INSERT INTO story_results (signature, result) VALUES ('x', 'y')")
    result = runner.invoke(app, ["prune", "--db", str(db)])
    assert result.exit_code == 1 and "analyze first" in result.stderr
    assert _keys(db, "SELECT signature FROM story_results") == {"x"}


def test_the_file_gives_the_space_back(tmp_path: Path) -> None:
    """``compact`` after ``prune_stories``: the pages freed leave the file, and the write-ahead log is emptied."""
    db = tmp_path / "s.db"
    bulky = story_text({"id": "s1", "title": "x" * 200_000}, [])
    with Store(db) as store:
        store.put_story_texts({f"sig{k}": bulky for k in range(20)})
        before = store.size()
        assert store.prune_stories({"sig3"}) == (19, 0)
        store.compact()
        assert store.story_texts([f"sig{k}" for k in range(20)]) == {"sig3": bulky}
        assert store.size() < before / 5
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_reader_holding_the_store_open_delays_the_space_and_is_said(tmp_path: Path) -> None:
    """The web UI may hold a read open: the checkpoint gives up after a short wait, nothing is lost, and it is told."""
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.put_story_texts({f"sig{k}": story_text({"id": "s1", "title": "x" * 50_000}, []) for k in range(10)})
        store.save_analysis(json.dumps({"outline": document.OUTLINE_VERSION, "articles": [], "stories": []}))
    reader = sqlite3.connect(db)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM story_results").fetchone()  # a read snapshot, as a web request holds
        held = runner.invoke(app, ["prune", "--db", str(db)])
        assert held.exit_code == 0, held.output
        assert "dropped 10 kept results" in held.output and "another process is reading the store" in held.output
    finally:
        reader.close()
    again = runner.invoke(app, ["prune", "--db", str(db)])
    assert again.exit_code == 0 and "another process" not in again.output
    assert _keys(db, "SELECT signature FROM story_results") == set()
