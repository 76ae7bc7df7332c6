"""Terminal conventions: help in words with defaults, tables that never break an id, progress lines off a TTY,
and one count of passages and one outlet name in the terminal, the report, the web UI and the exports."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from typer.testing import CliRunner

from report_files import written
from storytrace.cli import app
from storytrace.naming import alignment_counts
from storytrace.terminal import PIPE_WIDTH, PROGRESS_SECONDS, PipeConsole, ProgressLines
from storytrace.web import create_app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
COMMANDS = ("analyze", "ingest", "compare", "cluster", "pairs", "serve", "prune", "brief", "export", "batch")
READ_ONLY = ("prune", "brief", "export")  # commands that never create the store they are given

# A fictional wire item and its reprint by a site that names no source: the outlet is the site's domain.
WIRE = (
    "FENMOUTH (Harbour Wire) – The Fenmouth ferry will stop running on Sundays from May, the harbour board said "
    "on Tuesday, after passenger numbers fell by a third over the winter.\n"
    "The board said the Saturday service would keep its four daily crossings and that season tickets bought "
    "before April would be refunded in part."
)
REPRINT = (
    WIRE.replace("FENMOUTH (Harbour Wire) – ", "") + "\nLocal councillors said they would ask the board to think again."
)


def _help(command: str) -> str:
    shown = runner.invoke(app, [command, "--help"], env={"COLUMNS": "300"})
    assert shown.exit_code == 0, shown.output
    return shown.output


def _options(help_text: str) -> list[tuple[str, str, str]]:
    """(option, metavar column, help) of each option row of a rich help screen."""
    rows = []
    for line in help_text.splitlines():
        found = re.match(r"^│\s+(?:\*\s+)?(--[\w-]+)\s{2,}(\S*)\s{2,}(.*?)\s*│$", line)
        if found:
            rows.append((found[1], found[2], found[3]))
        elif found := re.match(r"^│\s+(--[\w-]+)\s{2,}(.*?)\s*│$", line):
            rows.append((found[1], "", found[2]))
    return rows


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_values_with_words_and_states_every_default(command: str) -> None:
    shown = _help(command)
    assert "<" not in shown.replace("<=", ""), shown  # no <bool>, <path>, <list[Path]>
    for option, metavar, said in _options(shown):
        if option == "--help" or not metavar:  # a flag: off unless given
            continue
        assert metavar.replace(".", "").replace("=", "").isupper(), (command, option, metavar)
        assert "default" in said.lower() or "required" in said.lower(), (command, option, said)


@pytest.mark.parametrize("command", COMMANDS)
def test_db_help_says_whether_the_command_creates_the_store(command: str) -> None:
    db = [said for option, _, said in _options(_help(command)) if option == "--db"]
    if not db:
        return
    if command in READ_ONLY:
        assert "must exist" in db[0] and "created" not in db[0], db[0]
    assert "created on first use" not in db[0]


def test_pipe_console_is_wide_off_a_terminal_unless_columns_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert PipeConsole(file=io.StringIO()).width == PIPE_WIDTH
    monkeypatch.setenv("COLUMNS", "100")
    assert PipeConsole(file=io.StringIO()).width == 100
    assert PipeConsole(file=io.StringIO(), width=60).width == 60


def test_progress_lines_say_first_last_and_at_most_every_few_seconds() -> None:
    said: list[str] = []
    now = [0.0]
    lines = ProgressLines(said.append, clock=lambda: now[0])
    for done in range(1, 1001):
        now[0] = done * PROGRESS_SECONDS / 250  # the whole stage lasts four intervals
        lines("cluster", done, 1000)
    lines("cluster", 1000, 1000)  # said again at the end: not repeated
    assert said == [  # the first report, one line per interval, the end
        "progress: cluster 1/1,000 (0%)",
        "progress: cluster 251/1,000 (25%)",
        "progress: cluster 501/1,000 (50%)",
        "progress: cluster 751/1,000 (75%)",
        "progress: cluster 1,000/1,000 (100%)",
    ]
    assert all(not line.startswith("storytrace:") for line in said)  # never read as a problem


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, str]:
    """The demo corpus and a sourceless reprint, analysed by the CLI without a terminal: its folder, stories.json,
    and what it printed."""
    folder = tmp_path_factory.mktemp("terminal")
    extra = folder / "in" / "fen.jsonl"
    extra.parent.mkdir()
    records = [
        {"id": "fen-wire", "text": WIRE, "source": "Harbour Wire", "published": "2026-04-07T09:00:00Z"},
        {"id": "fen-site", "text": REPRINT, "url": "https://www.fen-daily.example/ferry", "published": "2026-04-07"},
    ]
    extra.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    out = folder / "out"
    run = runner.invoke(app, ["analyze", str(ROOT / "examples" / "corpus"), str(extra), "--out", str(out), "--lexical"])
    assert run.exit_code == 0, run.output
    return out, json.loads((out / "stories.json").read_text("utf-8")), run.stdout


def _table_rows(printed: str) -> dict[str, list[str]]:
    """Each story's row of the summary table: the cells of its first line, by story id."""
    rows = {}
    for line in printed.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and re.fullmatch(r"s\d+", cells[0]):
            rows[cells[0]] = cells
    return rows


def test_the_story_table_never_breaks_an_id_off_a_terminal(analysed: tuple[Path, Any, str]) -> None:
    _, document, printed = analysed
    lines = printed.splitlines()
    for story in document["stories"]:
        for root in story["provenance"]["roots"][:3]:
            assert any(re.search(rf"(?<![\w-]){re.escape(root)}(?![\w-])", line) for line in lines), root
    assert f"{len(document['stories'])} stories from {len(document['articles'])} articles" in printed


def test_one_story_is_said_in_the_singular(tmp_path: Path) -> None:
    one = tmp_path / "fen-wire.txt"
    one.write_text(WIRE, "utf-8")
    run = runner.invoke(app, ["analyze", str(one), "--out", str(tmp_path / "out"), "--lexical"])
    assert run.exit_code == 0, run.output
    assert "1 story from 1 article" in run.stdout and "1 stories" not in run.stdout


def test_passages_are_counted_alike_everywhere(analysed: tuple[Path, Any, str]) -> None:
    out, document, printed = analysed
    table = _table_rows(printed)
    exported = runner.invoke(app, ["export", "--what", "stories", "--db", str(out / "storytrace.db")])
    rows = {r["story"]: r for r in csv.DictReader(io.StringIO(exported.stdout))}
    report = (out / "report.html").read_text("utf-8")
    with TestClient(create_app(out / "storytrace.db"), base_url="http://127.0.0.1") as web:
        for story in document["stories"]:
            sid = story["id"]
            passages, related = alignment_counts(story["alignments"])
            assert table[sid][3:5] == [str(passages), str(related)], sid  # the terminal
            assert (rows[sid]["passages"], rows[sid]["related"]) == (str(passages), str(related))  # the export
            row = re.search(rf'data-id="{sid}"\s+data-articles="\d+"\s+data-passages="(\d+)"', report)
            assert row is not None and row[1] == str(passages), sid  # the report's index
            page = web.get(f"/stories/{sid}").text
            assert f"· {passages} passage" in re.sub(r"<[^>]+>", "", page), sid  # the web UI's story page


def test_an_outlet_without_a_source_has_one_name_everywhere(analysed: tuple[Path, Any, str]) -> None:
    out, document, printed = analysed
    site = next(a for a in document["articles"] if a["id"] == "fen-site")
    assert site["source"] is None and site["outlet"] == "fen-daily.example"  # source kept as given (contract)
    story = next(s for s in document["stories"] if "fen-site" in s["articles"])
    assert "fen-daily.example" in _table_rows(printed)[story["id"]][2]  # the terminal
    assert "(unnamed)" not in printed
    outlets = {o["outlet"] for o in story["provenance"]["outlets"]}
    assert outlets == {"Harbour Wire", "fen-daily.example"}  # provenance counts it under the same name
    exported = runner.invoke(app, ["export", "--what", "alignments", "--db", str(out / "storytrace.db")])
    names = {(r["a"], r["a_outlet"]) for r in csv.DictReader(io.StringIO(exported.stdout))}
    assert ("fen-site", "fen-daily.example") in names or any(
        r["b_outlet"] == "fen-daily.example" for r in csv.DictReader(io.StringIO(exported.stdout))
    )
    assert "<b>fen-daily.example</b>" in written(out)  # the report's index and story pages
    with TestClient(create_app(out / "storytrace.db"), base_url="http://127.0.0.1") as web:
        assert "fen-daily.example" in web.get(f"/stories/{story['id']}").text
        assert web.get("/outlets/fen-daily.example").status_code == 200
        assert 'href="/articles/fen-site"' in web.get("/outlets/fen-daily.example").text


def test_progress_lines_off_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYTRACE_PROGRESS")
    one = tmp_path / "fen-wire.txt"
    one.write_text(WIRE, "utf-8")
    run = runner.invoke(app, ["ingest", str(one), "--db", str(tmp_path / "st.db"), "--lexical"])
    assert run.exit_code == 0, run.output
    progress = [line for line in run.stderr.splitlines() if line.startswith("progress: ")]
    assert progress == ["progress: cluster 1/1 (100%)"]  # placing the article in a story
    assert Console(file=io.StringIO()).is_terminal is False  # CliRunner's streams are not terminals
