"""Plain-text articles carry a date (first line or sidecar); undated runs warn once; no date becomes numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.ingest import read_paths
from storytrace.ingest.dateline import dateline_published, sidecar_fields
from storytrace.model import Article, InputProblem
from storytrace.published import counting_undated, note_undated, undated_warning

runner = CliRunner()
BODY = (
    "The Kestria lantern fair runs June 18-19 in Eskerby, the organisers said on Friday.\n"
    "Mara Quill, who runs the fair, said 40 stalls will open last week of the month.\n"
)
OTHER = (
    "Eskerby hosts the Kestria lantern fair on June 18-19, organisers said on Friday.\n"
    "Forty stalls will open, Mara Quill said.\n"
)
WARNING = "have no publication date"


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        ("2024-06-18", "2024-06-18"),
        ("2024-06-18T09:30:00Z", "2024-06-18T09:30:00Z"),
        ("Published: 2024-06-18", "2024-06-18"),
        ("published on 2024-06-18", "2024-06-18"),
        ("Date: June 18, 2024", "2024-06-18"),
        ("18 June 2024", "2024-06-18"),
        ("ESKERBY, June 18, 2024 (Meridian Wire) - The fair opened.", "2024-06-18"),
        ("ESKERBY, Kestria, Jun. 18, 2024 (MW) _ The fair opened.", "2024-06-18"),
        # no date: a dateline without a year never invents one; prose is no dateline
        ("ESKERBY, June 18 (Meridian Wire) - The fair opened.", None),
        ("The fair opened on June 18, 2024 in Eskerby.", None),
        ("Published: tomorrow", None),
        ("2024-13-45", None),
        ("The Kestria lantern fair", None),
        ("", None),
    ],
)
def test_dateline_first_line(first_line: str, expected: str | None) -> None:
    assert dateline_published(f"\n  {first_line}\n{BODY}") == expected


def test_dateline_is_only_the_first_line() -> None:
    assert dateline_published(f"The Kestria lantern fair\n2024-06-18\n{BODY}") is None


@pytest.mark.parametrize(
    ("data", "fields", "problem"),
    [
        (b'{"published": "2024-06-18", "title": "Fair", "authors": ["Mara Quill"]}',
         {"published": "2024-06-18", "title": "Fair", "authors": ("Mara Quill",)}, None),
        (b'{"published": "June 18"}', {}, "'published' is not an ISO 8601 date"),
        (b"[1, 2]", {}, "not a JSON object"),
        (b"{not json", {}, "not a JSON object"),
        (b'{"published": 20240618, "source": "Meridian Wire"}', {"source": "Meridian Wire"}, None),
    ],
)  # fmt: skip
def test_sidecar_fields(data: bytes, fields: dict[str, object], problem: str | None) -> None:
    got, said = sidecar_fields(data)
    assert got == fields
    assert (said is None) if problem is None else (said is not None and said.startswith(problem))


def _read(*paths: Path, published: str | None = None) -> tuple[list[Article], list[InputProblem]]:
    items = list(read_paths([str(p) for p in paths], published=published))
    return [a for a in items if isinstance(a, Article)], [p for p in items if isinstance(p, InputProblem)]


def test_txt_with_dateline_keeps_its_text(tmp_path: Path) -> None:
    text = "Published: 2024-06-18\n" + BODY
    (tmp_path / "fair.txt").write_text(text, "utf-8")
    articles, problems = _read(tmp_path / "fair.txt")
    assert problems == [] and articles[0].published == "2024-06-18"
    assert articles[0].text == text  # spans stay offsets into the file's text


def test_sidecar_dates_a_txt_and_is_not_read_as_an_article(tmp_path: Path) -> None:
    (tmp_path / "fair.txt").write_text("2023-01-01\n" + BODY, "utf-8")
    (tmp_path / "fair.meta.json").write_text(json.dumps({"published": "2024-06-18", "source": "MW"}), "utf-8")
    (tmp_path / "other.txt").write_text(OTHER, "utf-8")
    articles, problems = _read(tmp_path)  # the folder: the sidecar goes with its article
    assert problems == []
    assert [(a.id, a.published, a.source) for a in articles] == [("fair", "2024-06-18", "MW"), ("other", None, None)]


def test_bad_sidecar_is_one_problem_and_the_article_is_kept(tmp_path: Path) -> None:
    (tmp_path / "fair.txt").write_text(BODY, "utf-8")
    (tmp_path / "fair.meta.json").write_text('{"published": "next week"}', "utf-8")
    articles, problems = _read(tmp_path / "fair.txt")
    assert [a.id for a in articles] == ["fair"] and articles[0].published is None
    assert len(problems) == 1 and problems[0].where.endswith("fair.meta.json")


def test_published_applies_to_every_undated_article_of_the_run(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY, "utf-8")
    (tmp_path / "b.txt").write_text(OTHER, "utf-8")
    (tmp_path / "c.txt").write_text("2024-06-01\n" + OTHER, "utf-8")
    (tmp_path / "d.txt").write_text("ESKERBY, June 3 (MW) - " + OTHER, "utf-8")  # no year: the default applies
    articles, _ = _read(tmp_path, published="2024-06-17")
    assert {a.id: a.published for a in articles} == {
        "a": "2024-06-17", "b": "2024-06-17", "c": "2024-06-01", "d": "2024-06-17",
    }  # fmt: skip


def test_undated_articles_are_counted_per_run() -> None:
    with counting_undated() as tally:
        for value in (None, "2024", "2024-06-17", "not a date"):
            note_undated(value)
    assert tally.count == 3  # a year alone gives no day
    note_undated(None)  # outside a run: not counted, no error
    assert tally.count == 3
    assert undated_warning(0) is None
    assert undated_warning(1) is not None and undated_warning(1).startswith("1 article has no publication date")


def _facts_numbers(document: dict[str, object]) -> list[str]:
    """Every cited text of a number fact in a compare or stories document."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "number" in str(node.get("kind", "")) or "number" in str(node.get("what", "")):
                found.extend(str(v) for k, v in node.items() if k.endswith("text"))
                found.extend(str(c.get("text")) for c in node.get("cites", []) if isinstance(c, dict))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(BODY, "utf-8")
    b.write_text(OTHER.replace("June 18-19", "June 19-20"), "utf-8")
    return a, b


def test_compare_without_published_warns_once_and_reads_no_date_as_a_number(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    result = runner.invoke(app, ["compare", str(a), str(b), "--json", "--lexical"])
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.stderr.splitlines() if WARNING in ln]
    assert warnings == [
        'storytrace: 2 articles have no publication date; relative dates ("Friday", "last week") in them are not '
        "resolved — give --published or a dateline (see README, input)"
    ]
    numbers = _facts_numbers(json.loads(result.stdout)["facts"])
    assert not {"18", "19", "20"} & set(numbers), numbers


def test_compare_with_published_or_a_dateline_does_not_warn(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    given = runner.invoke(app, ["compare", str(a), str(b), "--json", "--lexical", "--published", "2024-06-17"])
    assert given.exit_code == 0 and WARNING not in given.stderr
    a.write_text("Published: 2024-06-17\n" + BODY, "utf-8")
    one = runner.invoke(app, ["compare", str(a), str(b), "--json", "--lexical"])
    assert "1 article has no publication date" in one.stderr


def test_analyze_without_published_warns_once_and_reads_no_date_as_a_number(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(a), str(b), "--out", str(out), "--lexical"])
    assert result.exit_code == 0, result.output
    assert sum(WARNING in ln for ln in result.stderr.splitlines()) == 1
    document = json.loads((out / "stories.json").read_text("utf-8"))
    numbers = _facts_numbers([s.get("facts") for s in document["stories"]])
    assert not {"18", "19", "20"} & set(numbers), numbers
