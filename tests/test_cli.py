import gzip
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.model import Article

runner = CliRunner()
STORY = (
    "ESKERBY (Meridian Wire) – A bridge collapsed into the river on Monday, killing three people.\n"
    "The mayor said the crossing would stay closed until April 20.\n"
    "Engineers had warned about cracks in the main span last year."
)


def run(*args: str):
    return runner.invoke(app, list(args))


def stored_ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as con:
        return [r[0] for r in con.execute("SELECT id FROM articles ORDER BY id")]


def test_ingest_is_idempotent(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, "utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "b", "text": STORY + " More."}) + "\n", "utf-8")
    db = tmp_path / "st.db"
    first = run("ingest", str(tmp_path), "--db", str(db))
    assert first.exit_code == 0, first.output
    assert "2 added" in first.output
    again = run("ingest", str(tmp_path), "--db", str(db))
    assert again.exit_code == 0 and "0 added, 2 already stored" in again.output
    assert stored_ids(db) == ["a", "b"]


def test_bad_input_is_one_line_each_and_the_rest_is_stored(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(STORY, "utf-8")
    (tmp_path / "empty.txt").write_text("", "utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 owners said prices rose.".encode("cp1252"))
    (tmp_path / "recs.jsonl").write_text(
        '{"id": "r1", "text": "A fine record."}\nnot json\n{"text": "no id"}\n{"id": "r4"}\n', "utf-8"
    )
    (tmp_path / "broken.txt.gz").write_bytes(gzip.compress(b"some text here")[:-8])
    db = tmp_path / "st.db"
    result = run("ingest", str(tmp_path), "--db", str(db), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    for needle in ("empty.txt", "binary.txt", "latin.txt", "recs.jsonl:2", "recs.jsonl:3", "recs.jsonl:4",
                   "broken.txt.gz", "missing.txt"):  # fmt: skip
        assert sum(needle in ln for ln in lines) == 1, (needle, lines)
    assert "Traceback" not in result.output
    assert stored_ids(db) == ["good", "latin", "r1"]  # cp1252 text is read and stored


def test_same_id_with_other_text_is_an_error_not_an_overwrite(tmp_path: Path) -> None:
    db = tmp_path / "st.db"
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "x.txt").write_text(STORY, "utf-8")
    (tmp_path / "two" / "x.txt").write_text("A different article entirely.", "utf-8")
    assert run("ingest", str(tmp_path / "one"), "--db", str(db)).exit_code == 0
    second = run("ingest", str(tmp_path / "two"), "--db", str(db))
    assert second.exit_code == 1 and "already stored with a different text" in second.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT text FROM articles WHERE id='x'").fetchone()[0] == STORY


def test_compare_json_follows_the_contract(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(STORY, "utf-8")
    b.write_text(STORY.replace("stay closed", "remain shut") + "\nFollow us on Twitter for updates.", "utf-8")
    result = run("compare", str(a), str(b), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    for key in ("a", "b", "same_story", "story_score", "alignments", "reuse", "derivation", "only_in_a", "only_in_b",
                "facts"):  # fmt: skip
        assert key in out
    assert out["a"]["credited"] == ["Meridian Wire"] or out["a"]["credited"] == []
    assert out["b"]["boilerplate"] == ["Follow us on Twitter for updates."]
    # No date, no credit, the same material: no rule orders them, so the text named first is the source.
    assert out["derivation"] == {"b_from_a": "wholly_derived", "a_from_b": "non_derived"}
    assert out["order"]["source"] == "a" and out["order"]["rule"] == "given"
    for al in out["alignments"]:
        assert STORY[al["a_span"][0] : al["a_span"][1]] == al["a_text"]
    swapped = json.loads(run("compare", str(b), str(a), "--json").stdout)
    assert swapped["derivation"] == {"b_from_a": "wholly_derived", "a_from_b": "non_derived"}


def test_compare_prints_brackets_and_control_characters_of_the_input_as_text(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(STORY.replace("stay closed", "stay [/] closed [bold]now") + "\nA \x1b[31m note.", "utf-8")
    b.write_text(STORY.replace("stay closed", "stay [/] closed [bold]now"), "utf-8")
    result = run("compare", str(a), str(b))
    assert result.exit_code == 0, result.output
    assert "[/]" in result.stdout and "\x1b" not in result.stdout
    assert "source: A (a)" in result.stdout


def test_compare_by_ids_in_the_store_and_usage_errors(tmp_path: Path) -> None:
    db = tmp_path / "st.db"
    (tmp_path / "a.txt").write_text(STORY, "utf-8")
    (tmp_path / "b.txt").write_text(STORY, "utf-8")
    run("ingest", str(tmp_path / "a.txt"), "--db", str(db))
    missing = run("compare", "a", "nope", "--db", str(db))
    assert missing.exit_code == 1 and "nope" in missing.stderr
    ok = run("compare", "a", str(tmp_path / "b.txt"), "--db", str(db))
    assert ok.exit_code == 0 and "verbatim" in ok.stdout
    assert run("compare", "a").exit_code == 2  # missing argument
    assert run("compare", "a", "b", "--published", "yesterday", "--db", str(db)).exit_code == 2


def test_cluster_prints_one_line_per_record_in_input_order(tmp_path: Path) -> None:
    recs = [
        {"id": "1", "text": STORY, "published": "2026-03-02"},
        {"id": "2", "text": "Shares of the carmaker rose after profits beat forecasts.", "published": "2026-03-01"},
        {"id": "3", "text": STORY.replace("three", "four"), "published": "2026-03-03"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), "utf-8")
    result = run("cluster", str(path))
    assert result.exit_code == 0, result.output
    lines = [json.loads(ln) for ln in result.stdout.splitlines()]
    assert [ln["id"] for ln in lines] == ["1", "2", "3"]
    assert lines[0]["story"] == lines[2]["story"] != lines[1]["story"]


def test_console_script_never_prints_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "storytrace", "analyze", str(bad), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[0].startswith("storytrace: ")


def test_unwritable_output_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, "utf-8")
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be", "utf-8")
    result = run("analyze", str(tmp_path / "a.txt"), "--out", str(blocker))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and str(blocker) in result.stderr


def test_pairs_streams_lexical_verdicts_and_reports_bad_lines(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "v", "a": "The mayor opened the bridge.", "b": "The mayor opened the bridge."}) + "\n"
        + json.dumps({"id": 7, "a": "The mayor opened the bridge.", "b": "The mayor opened the bridge!"}) + "\n"
        + json.dumps({"id": "x", "a": "only one side"}) + "\n"
        + json.dumps({"a": "Snow closed the pass.", "b": "A choir sang in the square."}) + "\n",
        "utf-8",
    )  # fmt: skip
    result = run("pairs", str(src), "--lexical", "--out", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert f'{src}:3: needs an object with text fields "a" and "b"' in result.output
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert [o["id"] for o in out] == ["v", 7, "4"]  # ids echoed as given; none: the line number
    assert out[0] == {"id": "v", "relation": "verbatim", "score": 1.0, "paraphrase": True}
    assert out[2]["paraphrase"] is False


def test_pairs_on_a_missing_file_is_one_line(tmp_path: Path) -> None:
    result = run("pairs", str(tmp_path / "nope.jsonl"), "--lexical")
    assert result.exit_code == 1
    assert "nope.jsonl" in result.output and "Traceback" not in result.output


def test_cluster_stream_keeps_input_order_and_groups_a_reprint(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    other = "Corvane Appliances recalled 62,000 kettles over a faulty switch, the company said on Tuesday."
    rows = [
        {"id": "copy", "text": "Reprinted.\n" + STORY, "published": "2024-03-05"},
        {"id": "other", "text": other, "published": "2024-03-05"},
        {"id": "wire", "text": STORY, "published": "2024-03-04"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    result = run("cluster", str(src), "--stream", "--out", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert [o["id"] for o in out] == ["copy", "other", "wire"]
    assert out[0]["story"] == out[2]["story"] != out[1]["story"]


def test_the_summary_after_analyze_lists_the_largest_stories_and_counts_all(capsys: Any) -> None:
    from storytrace.cli import analysis as cli
    from storytrace.pipeline import Analysis, StoryOutline
    from storytrace.stories_json import story_text

    outlines = []
    for k in range(cli.STORY_TABLE_ROWS + 5):
        sid, members = f"s{k + 1}", (f"a{k}", f"b{k}")
        story = {
            "id": sid, "title": f"Story {k}", "articles": list(members), "alignments": [],
            "provenance": {"edges": [], "roots": [members[0]]},
        }  # fmt: skip
        text = story_text(story, [{"id": m, "source": "The Velm Gazette", "story": sid} for m in members])
        outlines.append(StoryOutline(sid, f"key{k}", members, text))
    texts = {m: "" for o in outlines for m in o.members}
    cli.print_story_table(Analysis(b"{}", texts, stories=outlines))
    shown = capsys.readouterr().out
    assert f"{len(outlines)} stories from {len(texts)} articles: the {cli.STORY_TABLE_ROWS} largest" in shown
    assert f"Story {cli.STORY_TABLE_ROWS - 1}" in shown and f"Story {cli.STORY_TABLE_ROWS}" not in shown


# --- issue 25: dates at the calendar's edges, pairs and cluster on bad lines -------------

EDGE_DATES = {  # published -> the line ingest says (None: stored with its date)
    "0001-01-01": "'published' is outside the years 1000-9000 ('0001-01-01'); stored without a date",
    "9999-12-31T23:00:00-05:00": "'published' is outside the years 1000-9000 ('9999-12-31T23:00:00-05:00'); stored",
    "0001-01-01T03:00:00+05:00": "'published' is outside the years 1000-9000 ('0001-01-01T03:00:00+05:00'); stored",
    "2024-13": "'published' is not an ISO 8601 date or date-time ('2024-13': no month 13); stored without a date",
    "2024-00": "'published' is not an ISO 8601 date or date-time ('2024-00': no month 00); stored without a date",
    "0000": "'published' is outside the years 1000-9000 ('0000'); stored without a date",
    "2024-02-30": "'published' is not an ISO 8601 date or date-time ('2024-02-30': day is out of range for month)",
    "1000-01-01T00:00:00+14:00": None,
    "9000-12-31T23:59:59-23:59": None,
    "2024": None,
    "2024-06": None,
    "2024-06-17T09:00:00Z": None,
}


def test_edge_dates_never_break_a_store(tmp_path: Path) -> None:
    """Each edge date is stored or refused in one line; no later ingest or analyze of the store fails."""
    src = tmp_path / "edge.jsonl"
    rows = [
        {"id": f"e{n}", "text": STORY.replace("three", f"{n + 2}"), "published": published}
        for n, published in enumerate(EDGE_DATES)
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    db = tmp_path / "st.db"
    from storytrace.store import Store

    with Store(db) as store:  # as a store written before issue 25 holds them: dates nothing can compute with
        store.add(
            [Article(id=f"old{n}", text=f"Old text {n}. " + STORY, published=p) for n, p in enumerate(EDGE_DATES)]
        )
    first = run("ingest", str(src), "--db", str(db), "--lexical")
    said = [ln.removeprefix("storytrace: ") for ln in first.stderr.splitlines() if "no publication date" not in ln]
    expected = [f"{src}:{n}: {line}" for n, line in enumerate(EDGE_DATES.values(), 1) if line]
    assert first.exit_code == 1 and len(said) == len(expected), first.output
    assert all(line.startswith(start) for line, start in zip(said, expected, strict=True)), said
    with Store(db) as store:
        stored = {a.id: a.published for a in store.articles()}
    assert {
        f"e{n}": (p if line is None else None) for n, (p, line) in enumerate(EDGE_DATES.items())
    }.items() <= stored.items()
    for _ in range(2):
        result = run("analyze", str(src), "--db", str(db), "--out", str(tmp_path / "out"), "--lexical")
        assert result.exit_code == 1 and "internal error" not in result.output, result.output
        assert len([ln for ln in result.stderr.splitlines() if "no publication date" not in ln]) == len(expected)
        assert (tmp_path / "out" / "report.html").stat().st_size > 0
    again = run("ingest", str(src), "--db", str(db), "--lexical")
    assert again.exit_code == 1 and "internal error" not in again.output


def test_pairs_goes_on_past_every_bad_line(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr("storytrace.cli.grouping.MAX_ARTICLE_BYTES", 2000)
    good = json.dumps({"id": "v", "a": "The mayor opened the bridge.", "b": "The mayor opened the bridge."})
    lines = [
        good,
        "[" * 1900,  # RecursionError in json: it aborted the whole run before
        json.dumps({"id": "big", "a": "word " * 1000, "b": "x"}),  # over the (patched) limit for one line
        "\ufeff" + json.dumps({"id": "bom", "a": "Snow closed the pass.", "b": "Snow shut the pass."}),
        '{"id": "\\udc00", "a": "x", "b": "y"}',
        '{"id": "s", "a": "bad \\ud800 text", "b": "y"}',
        "{not json",
        json.dumps({"id": "end", "a": "The end.", "b": "The end!"}),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(("\r".join(lines) + "\r").encode("utf-8"))  # old Mac line ends, too
    result = run("pairs", str(src), "--lexical", "--out", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1 and "internal error" not in result.output, result.output
    assert [line.removeprefix("storytrace: ") for line in result.stderr.splitlines()] == [
        f"{src}:2: not valid JSON (nested too deeply)",
        f"{src}:3: line over the limit for one pair (2,000 bytes); skipped",
        f"{src}:5: 'id' is not valid Unicode (unpaired surrogate \\udc00 at character 0)",
        f"{src}:6: 'a' is not valid Unicode (unpaired surrogate \\ud800 at character 4)",
        f"{src}:7: not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)",
    ]
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert [o["id"] for o in out] == ["v", "bom", "end"]


def test_pairs_from_stdin_and_binary_input(tmp_path: Path) -> None:
    line = json.dumps({"id": 1, "a": "The mayor opened the bridge.", "b": "The mayor opened the bridge."})
    result = runner.invoke(app, ["pairs", "-", "--lexical"], input=line + "\n")
    assert result.exit_code == 0 and json.loads(result.stdout)["id"] == 1
    png = tmp_path / "photo.jsonl"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(32)) * 40)
    binary = run("pairs", str(png), "--lexical")
    assert binary.exit_code == 1 and binary.stderr.count("\n") == 1 and "binary data" in binary.stderr


def test_cluster_goes_on_past_bad_lines(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr("storytrace.ingest.files.MAX_ARTICLE_BYTES", 2000)
    rows = [
        json.dumps({"id": "1", "text": STORY, "published": "2026-03-02"}),
        "[" * 1900,
        json.dumps({"id": "big", "text": "word " * 1000}),
        "\ufeff" + json.dumps({"id": "3", "text": STORY.replace("three", "four"), "published": "0001-01-01"}),
    ]
    src = tmp_path / "in.records"  # any name: cluster reads JSON Lines
    src.write_bytes("\r".join(rows).encode("utf-8"))
    result = run("cluster", str(src))
    assert result.exit_code == 1 and "internal error" not in result.output, result.output
    assert [line.removeprefix("storytrace: ") for line in result.stderr.splitlines()] == [
        f"{src}:2: not valid JSON (nested too deeply)",
        f"{src}:3: line over the limit for one record (2,000 bytes); skipped",
        f"{src}:4: 'published' is outside the years 1000-9000 ('0001-01-01'); stored without a date",
    ]
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["1", "3"]
    missing = run("cluster", str(tmp_path / "gone.jsonl"))
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1 and "no such file" in missing.stderr
