"""``storytrace export`` and the web UI's downloads: tables of the latest analysis of a store of the demo corpus."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.export import EXPORTS, csv_cell, csv_lines, jsonl_lines
from storytrace.pipeline import analyze, latest_document
from storytrace.store import Store
from storytrace.stories_json import story_summary

ROOT = Path(__file__).resolve().parents[1]
LOCAL = "http://127.0.0.1"
runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "st.db"
    with Store(path) as store:
        analyze([ROOT / "examples" / "corpus"], store)
    return path


@pytest.fixture(scope="module")
def document(db: Path) -> dict[str, Any]:
    with Store(db) as store:
        found = latest_document(store)
    assert found is not None
    return found


def export(db: Path, *args: str) -> Any:
    return runner.invoke(app, ["export", "--db", str(db), *args])


def parsed_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("what", list(EXPORTS))
def test_csv_has_the_columns_and_a_row_per_item(db: Path, document: dict[str, Any], what: str) -> None:
    result = export(db, "--what", what, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = parsed_csv(result.stdout)
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert tuple(header) == EXPORTS[what].columns
    assert len(rows) == len(list(EXPORTS[what].rows(document))) > 0


@pytest.mark.parametrize("what", list(EXPORTS))
def test_jsonl_lines_parse_as_objects_with_the_columns(db: Path, what: str, tmp_path: Path) -> None:
    out = tmp_path / f"{what}.jsonl"
    result = export(db, "--what", what, "--format", "jsonl", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    lines = out.read_text("utf-8").splitlines()
    assert lines
    assert all(tuple(json.loads(line)) == EXPORTS[what].columns for line in lines)


def test_alignment_rows_hold_each_articles_own_words_at_their_spans(db: Path, document: dict[str, Any]) -> None:
    rows = list(EXPORTS["alignments"].rows(document))
    with Store(db) as store:
        texts = {a.id: a.text for a in store.articles(sorted({r.a for r in rows} | {r.b for r in rows}))}
    assert {r.relation for r in rows} >= {"verbatim", "near_verbatim", "paraphrase", "same_fact"}
    for r in rows:
        assert texts[r.a][r.a_start : r.a_end] == r.a_text
        assert texts[r.b][r.b_start : r.b_end] == r.b_text


def test_story_rows_count_passages_as_the_terminal_does(document: dict[str, Any]) -> None:
    articles = {a["id"]: a for a in document["articles"]}
    rows = {r.story: r for r in EXPORTS["stories"].rows(document)}
    assert list(rows) == [s["id"] for s in document["stories"]]
    for story in document["stories"]:
        summary = story_summary(story, [articles[i] for i in story["articles"]])
        row = rows[story["id"]]
        assert (row.passages, row.articles, row.title) == (summary["passages"], summary["articles"], summary["title"])
        assert row.first_published is None or row.first_published <= (row.last_published or "~")


def test_fact_rows_cover_every_status_and_name_the_outlet(document: dict[str, Any]) -> None:
    rows = list(EXPORTS["facts"].rows(document))
    assert {r.status for r in rows} == {"agree", "differ", "unique"}
    outlets = {a["id"]: a["outlet"] for a in document["articles"]}  # the name every output shows
    assert all(r.outlet == outlets[r.article] for r in rows)
    assert all(r.outlet for r in rows)  # an article without a source is named too (by its domain or id)
    contradiction = [r for r in rows if r.status == "differ" and r.item == 1]
    assert len({r.article for r in contradiction}) >= 2  # both sides of the first contradiction


def test_edge_rows_are_the_provenance_edges(document: dict[str, Any]) -> None:
    rows = list(EXPORTS["edges"].rows(document))
    edges = [(s["id"], e["from"], e["to"]) for s in document["stories"] for e in s["provenance"]["edges"]]
    assert [(r.story, r.source, r.copy) for r in rows if r.kind == "article"] == edges
    assert all(r.rule and r.why for r in rows)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--what", "pairs"], "'pairs' is not an export"),
        (["--what", "facts", "--format", "xlsx"], "'xlsx' is not a format"),
        (["--what", "facts", "--format", "parquet"], "give --out"),
    ],
)
def test_a_wrong_option_is_one_line_and_exit_2(db: Path, args: list[str], needle: str) -> None:
    result = export(db, *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and needle in result.stderr
    assert result.stdout == ""


def test_a_store_without_an_analysis_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    Store(empty).close()
    result = export(empty, "--what", "stories")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "run storytrace analyze first" in result.stderr


def test_parquet_reads_back_with_the_columns(db: Path, document: dict[str, Any], tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "facts.parquet"
    result = export(db, "--what", "facts", "--format", "parquet", "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert tuple(table.column_names) == EXPORTS["facts"].columns
    assert table.num_rows == len(list(EXPORTS["facts"].rows(document)))
    assert str(table.schema.field("start").type) == "int64"


def test_parquet_without_pyarrow_names_the_extra(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # an import of it fails, as where it is not installed
    result = export(db, "--what", "facts", "--format", "parquet", "--out", str(tmp_path / "f.parquet"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "pip install 'storytrace[spark]'" in result.stderr
    assert not (tmp_path / "f.parquet").exists()


# --- spreadsheet formulas in untrusted text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x.example","click")', '\'=HYPERLINK("http://x.example","click")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("  =1", "'  =1"),
        ("Plain words", "Plain words"),
        ("a = b", "a = b"),
        (-2.5, -2.5),  # numbers are numbers
        (None, ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_neutralised(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


def hostile_document() -> dict[str, Any]:
    evil = '=HYPERLINK("http://x.example","click")'
    return {
        "articles": [{"id": "a", "source": "@Outlet"}, {"id": "b", "source": "-Other"}],
        "stories": [
            {
                "id": "s1",
                "title": "+Title",
                "articles": ["a", "b"],
                "alignments": [
                    {
                        "a": "a",
                        "b": "b",
                        "a_span": [0, 40],
                        "b_span": [0, 40],
                        "a_text": evil,
                        "b_text": evil,
                        "relation": "verbatim",
                        "score": 1.0,
                    },
                ],  # fmt: skip
            }
        ],
    }


@pytest.mark.parametrize("what", ["alignments", "stories"])
def test_hostile_text_reads_back_neutralised_from_csv_and_as_is_from_jsonl(what: str) -> None:
    table = EXPORTS[what]
    rows = list(table.rows(hostile_document()))
    cells = [v for r in parsed_csv("".join(csv_lines(table, rows))) for v in r.values()]
    assert not any(v.lstrip(" ").startswith(("=", "+", "-", "@")) for v in cells)
    assert any(v.startswith("'") for v in cells)
    values = {v for line in jsonl_lines(rows) for v in json.loads(line).values()}
    assert values & {"+Title", '=HYPERLINK("http://x.example","click")'}  # JSON Lines keep the text as it is


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"articles": None, "stories": "no"},
        {"stories": [{"id": 3, "alignments": "x", "provenance": [], "facts": {"differ": [{"kind": 1}]}}]},
        {"stories": [{"alignments": [{"a_span": ["x", 2], "score": "high"}], "provenance": {"edges": [{}]}}]},
    ],
)
def test_a_damaged_document_gives_rows_never_an_error(document: dict[str, Any]) -> None:
    for table in EXPORTS.values():
        for line in csv_lines(table, table.rows(document)):
            assert line.endswith("\r\n")


# --- the web UI's downloads ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from storytrace.web import create_app

    with TestClient(create_app(db), base_url=LOCAL) as c:
        yield c


@pytest.mark.parametrize("what", list(EXPORTS))
def test_the_web_ui_serves_each_export_as_a_download(client: Any, db: Path, what: str, tmp_path: Path) -> None:
    page = client.get(f"/export/{what}.csv")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/csv")
    assert page.headers["content-disposition"] == f'attachment; filename="storytrace-{what}.csv"'
    assert export(db, "--what", what, "--out", str(tmp_path / "t.csv")).exit_code == 0
    assert page.content == (tmp_path / "t.csv").read_bytes()  # the same file as the command writes
    lines = client.get(f"/export/{what}.jsonl")
    assert lines.status_code == 200 and "attachment" in lines.headers["content-disposition"]
    assert all(tuple(json.loads(x)) == EXPORTS[what].columns for x in lines.text.splitlines())


def test_the_story_list_links_every_export(client: Any) -> None:
    page = client.get("/").text
    for what in EXPORTS:
        assert f'href="/export/{what}.csv"' in page and f'href="/export/{what}.jsonl"' in page


@pytest.mark.parametrize("name", ["pairs.csv", "facts.xlsx", "facts", "..csv"])
def test_an_unknown_export_is_a_404(client: Any, name: str) -> None:
    assert client.get(f"/export/{name}").status_code == 404
