"""Tests for storytrace.ingest: every input format, its failures, and folder walks."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.errors import E_BINARY, E_CP1252, E_EMPTY, E_NO_ID, E_NO_TEXT, E_NOT_JSON
from storytrace.ingest import (
    READABLE_SUFFIXES,
    SkipTally,
    read_jsonl,
    read_paths,
    read_records,
    record_items,
    record_to_article,
)
from storytrace.ingest import files as files_module
from storytrace.ingest.feeds import E_ENTITIES
from storytrace.ingest.html import fragment_to_text
from storytrace.ingest.records import not_json
from storytrace.model import Article, InputProblem
from support.paths import SEEDS

ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Putin to visit North Korea | Example News</title>
<meta property="og:title" content="Putin to visit North Korea">
<meta property="og:site_name" content="Example News">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-06-17T08:30:00Z">
<link rel="canonical" href="https://news.example.com/world/putin-north-korea">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<header><div class="logo">Example News</div><form><input name="q"></form></header>
<main><article>
<h1>Putin to visit North Korea</h1>
<p>Russian President Vladimir Putin will visit North Korea on Tuesday and Wednesday, the Kremlin said,
a rare visit that highlights Moscow's growing partnership with the isolated state.</p>
<p>North Korean leader Kim Jong Un extended an invitation to Putin during a visit to far eastern Russia
last September. Putin's last visit to Pyongyang was in July 2000.</p>
<p>The two leaders are expected to sign a number of documents, including a possible
<b>partnership agreement</b>, according to officials familiar with the plans.</p>
<p>The United States and its allies have voiced concern about the deepening military ties between
the two countries, which both deny any arms transfers.</p>
<p>After North Korea, Putin will travel to Vietnam for a two-day state visit, the Kremlin said in a
separate statement on Monday evening.</p>
</article></main>
<aside><h3>Most read</h3><ul><li><a href="/a">Celebrity wedding shock</a></li>
<li><a href="/b">Weather warning for the weekend</a></li></ul></aside>
<footer><p>&copy; 2024 Example News. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
</body></html>
"""

RSS_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example Wire</title><link>https://wire.example.com/</link><description>News</description>
<item><title>Putin heads to Pyongyang</title><link>https://wire.example.com/1</link>
<guid>urn:wire:1</guid><pubDate>Mon, 17 Jun 2024 08:30:00 GMT</pubDate><dc:creator>Jane Doe</dc:creator>
<description>&lt;p&gt;Short summary.&lt;/p&gt;</description>
<content:encoded><![CDATA[<p>Putin will visit <b>North Korea</b> this week.</p>
<p>It is his first trip in 24 years.<br>Officials confirmed it.</p><script>track()</script>]]></content:encoded>
</item>
<item><title>Second item</title><link>https://wire.example.com/2</link>
<description>Only a plain description &amp; nothing more.</description></item>
</channel></rss>
"""

ATOM_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Site</title><id>tag:atom.example,2024:feed</id>
<updated>2024-06-18T10:00:00+02:00</updated>
<entry><title>Atom entry</title><id>tag:atom.example,2024:1</id><link href="https://atom.example/1"/>
<updated>2024-06-18T10:00:00+02:00</updated>
<author><name>Ann Lee</name></author><author><name>Bob Ray</name></author>
<content type="html">&lt;p&gt;Hello from Atom.&lt;/p&gt;&lt;p&gt;Second paragraph.&lt;/p&gt;</content></entry>
</feed>
"""


def write(path: Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8 bytes, untouched) to ``path``, making folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read(*paths: Path | str, published: str | None = None) -> list[Article | InputProblem]:
    return list(read_paths(list(paths), published=published))


def articles(items: list[Article | InputProblem]) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


def problems(items: list[Article | InputProblem]) -> list[InputProblem]:
    return [item for item in items if isinstance(item, InputProblem)]


def only_problem(items: list[Article | InputProblem]) -> InputProblem:
    assert len(items) == 1 and isinstance(items[0], InputProblem), items
    return items[0]


# --- plain text and decoding -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"First line.\nSecond line.\n", "First line.\nSecond line.\n"),
        (b"  leading and trailing  \n\n", "  leading and trailing  \n\n"),
        (b"Windows\r\nline ends\r\n", "Windows\nline ends\n"),
        (b"Old Mac\rline ends\r", "Old Mac\nline ends\n"),
        (b"Mixed\r\n\rends\n", "Mixed\n\nends\n"),
        ("Curly “quotes” – and café".encode(), "Curly “quotes” – and café"),
        (b"\xef\xbb\xbfWith a UTF-8 BOM\r\n", "With a UTF-8 BOM\n"),
        ("UTF-16 LE text\r\n".encode("utf-16"), "UTF-16 LE text\n"),
        (b"\xfe\xff" + "UTF-16 BE text é".encode("utf-16-be"), "UTF-16 BE text é"),
        ("BOM-less UTF-16 text".encode("utf-16-le"), "BOM-less UTF-16 text"),
        ("UTF-32 text".encode("utf-32"), "UTF-32 text"),
    ],
)
def test_txt_text_is_the_decoded_file(tmp_path: Path, data: bytes, expected: str) -> None:
    path = write(tmp_path / "story-1.txt", data)
    [article] = read(path)
    assert isinstance(article, Article)
    assert article.id == "story-1"
    assert article.text == expected
    assert article.origin == str(path)
    assert article.published is None and article.language == "en" and article.kind == "article"


@pytest.mark.parametrize("data", [b"a\r\nb\rc\n", b"plain\n", "naïve “x”\r\n".encode(), b"\xef\xbb\xbfbom"])
def test_txt_matches_python_open(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path / "x.txt", data)
    with open(path, encoding="utf-8-sig") as handle:  # open() but without the BOM
        assert articles(read(path))[0].text == handle.read()


def test_cp1252_fallback_yields_problem_and_article(tmp_path: Path) -> None:
    path = write(tmp_path / "legacy.txt", b"caf\xe9 \x93quoted\x94 \x80 undefined:\x81\r\n")
    items = read(path)
    assert problems(items) == [InputProblem(str(path), E_CP1252)]
    [article] = articles(items)
    assert article.text == "café “quoted” € undefined:\x81\n"


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", E_EMPTY),
        ("blank.txt", b"  \n\t\r\n  ", E_EMPTY),
        ("bom-only.txt", b"\xef\xbb\xbf", E_EMPTY),
        ("utf16-blank.txt", " \n".encode("utf-16"), E_EMPTY),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", E_BINARY),
        ("controls.txt", bytes(range(1, 9)) * 20 + b"abc", E_BINARY),
        ("empty.html", b"", E_EMPTY),
        ("empty.json", b"\n", E_EMPTY),
        ("empty.jsonl", b"", E_EMPTY),
        ("blank-lines.jsonl", b"\n\n  \n", E_EMPTY),
        ("binary.jsonl", b'{"id": 1}\x00\x00\x01', E_BINARY),
        ("empty.xml", b"", E_EMPTY),
        ("binary.rss", b"\x00\x01\x02\x03garbage", E_BINARY),
    ],
)
def test_unusable_files(tmp_path: Path, name: str, data: bytes, problem: str) -> None:
    path = write(tmp_path / name, data)
    assert only_problem(read(path)) == InputProblem(str(path), problem)


# --- paths, folders, errors ---------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    for name in ("gone.txt", "gone.md", "gone"):
        missing = tmp_path / name
        assert only_problem(read(missing)) == InputProblem(str(missing), "no such file or folder")


def test_unknown_extension_given_explicitly(tmp_path: Path) -> None:
    path = write(tmp_path / "README.md", "# readme")
    problem = only_problem(read(path))
    assert problem.problem == (
        "unknown file type '.md' (expected .txt, .html, .htm, .json, .jsonl, .ndjson, .xml, .rss, .atom or .gz)"
    )
    assert "'.tar.gz'" in only_problem(read(write(tmp_path / "a.tar.gz", gzip.compress(b"x")))).problem
    assert "(no extension)" in only_problem(read(write(tmp_path / "LICENSE", "x"))).problem


def test_broken_and_looping_file_symlinks(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.symlink_to(tmp_path / "nowhere.txt")
    assert only_problem(read(broken)).problem == "no such file or folder (broken symbolic link)"
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    assert only_problem(read(loop)).problem == "symbolic link loop"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_permission_denied(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", "text")
    path.chmod(0)
    try:
        assert only_problem(read(path)) == InputProblem(str(path), "permission denied")
    finally:
        path.chmod(0o644)


def test_folder_walk_sorted_recursive_skipping_unknown_and_hidden(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "b.txt", "B text")
    write(corpus / "a.txt", "A text")
    write(corpus / "README.md", "# not an article")
    write(corpus / "notes.docx", b"PK\x03\x04")
    write(corpus / ".hidden.txt", "hidden")
    write(corpus / ".git" / "c.txt", "in a hidden folder")
    write(corpus / "sub" / "c.jsonl", '{"id": "c1", "text": "C1"}\n{"id": "c2", "text": "C2"}\n')
    write(corpus / "sub" / "deeper" / "d.txt.gz", gzip.compress(b"D text"))
    write(corpus / "aa" / "e.txt", "E text")
    items = read(corpus)
    assert not problems(items)
    assert [a.id for a in articles(items)] == ["a", "e", "b", "c1", "c2", "d"]
    assert articles(items)[3].origin == str(corpus / "sub" / "c.jsonl") + ":1"


def test_folder_symlink_loop_and_shared_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", "A text")
    write(corpus / "sub" / "b.txt", "B text")
    (corpus / "sub" / "back").symlink_to(corpus, target_is_directory=True)
    (corpus / "twin").symlink_to(corpus / "sub", target_is_directory=True)
    items = read(corpus)
    assert [a.id for a in articles(items)] == ["a", "b"]  # sub read once, not again via twin
    [problem] = problems(items)
    assert problem.where == str(corpus / "sub" / "back")
    assert problem.problem.startswith("symbolic link loop")


def test_folder_and_path_like_inputs(tmp_path: Path) -> None:
    write(tmp_path / "one.txt", "One")
    items = list(read_paths([tmp_path / "one.txt", str(tmp_path / "one.txt")]))
    assert [a.id for a in articles(items)] == ["one", "one"]
    assert [a.id for a in articles(list(read_paths(str(tmp_path / "one.txt"))))] == ["one"]


# --- JSON Lines ---------------------------------------------------------------------------


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        '{"id": "a", "text": "Alpha text.", "title": "A", "authors": ["X Y"], "extra": {"x": 1}}',
        "",
        "{not json",
        '{"id": 7, "text": "Integer id.", "kind": "agency", "language": "de"}',
        '{"text": "no id"}',
        '{"id": "c"}',
        '["a", "list"]',
        '{"id": "d", "text": "Dee", "published": "2024-06-17T09:00:00Z", "source": "Wire"}',
    ]
    path = write(tmp_path / "in.jsonl", "\r\n".join(lines) + "\r\n")
    items = read(path)
    where = str(path)
    assert [a.id for a in articles(items)] == ["a", "7", "d"]
    a, seven, d = articles(items)
    assert (a.title, a.authors, a.origin, a.language, a.kind) == ("A", ("X Y",), f"{where}:1", "en", "article")
    assert (seven.kind, seven.language, seven.origin) == ("agency", "de", f"{where}:4")
    assert (d.published, d.source) == ("2024-06-17T09:00:00Z", "Wire")
    assert [(p.where, p.problem.split(" (")[0]) for p in problems(items)] == [
        (f"{where}:3", E_NOT_JSON),
        (f"{where}:5", E_NO_ID),
        (f"{where}:6", E_NO_TEXT),
        (f"{where}:7", "record is not a JSON object"),
    ]
    assert "column" in problems(items)[0].problem


def test_jsonl_cp1252_line(tmp_path: Path) -> None:
    path = write(tmp_path / "old.jsonl", b'{"id": "x", "text": "caf\xe9"}\n{"id": "y", "text": "ok \xc3\xa9"}\n')
    items = read(path)
    assert [a.text for a in articles(items)] == ["café", "ok é"]
    assert problems(items) == [InputProblem(str(path), E_CP1252)]


def test_jsonl_utf16_and_bom(tmp_path: Path) -> None:
    body = '{"id": "u", "text": "Ünïcode"}\n'
    for name, data in [("a.jsonl", body.encode("utf-16")), ("b.jsonl", body.encode("utf-8-sig"))]:
        [article] = read(write(tmp_path / name, data))
        assert isinstance(article, Article) and article.text == "Ünïcode"


def test_jsonl_line_split_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_module, "_CHUNK", 7)
    records = [{"id": str(n), "text": "x" * n + "é"} for n in range(1, 30)]
    path = write(tmp_path / "many.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    items = read(path)
    assert [(a.id, a.text) for a in articles(items)] == [(r["id"], r["text"]) for r in records]
    assert not problems(items)


def test_jsonl_with_cr_only_line_ends_over_the_line_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_module, "MAX_ARTICLE_BYTES", 200)  # the file is far over it; each line is not
    monkeypatch.setattr(files_module, "_CHUNK", 64)  # and a \r\n may fall between two chunks
    records = [{"id": f"m{n}", "text": f"Record {n} of an old Mac file."} for n in range(40)]
    body = "".join(json.dumps(r) + ("\r" if n % 3 else "\r\n") for n, r in enumerate(records))
    path = write(tmp_path / "mac.jsonl", body)
    items = read(path)
    assert not problems(items)
    assert [(a.id, a.origin) for a in articles(items)] == [(r["id"], f"{path}:{n}") for n, r in enumerate(records, 1)]


def test_txt_with_cr_only_line_ends_keeps_its_paragraphs(tmp_path: Path) -> None:
    from storytrace.clean import clean_article
    from storytrace.text.segment import paragraphs

    text = "ESKERBY - The bridge fell.\r\rThe mayor spoke.\rHe was sad.\r"
    [article] = articles(read(write(tmp_path / "mac.txt", text.encode())))
    assert article.text == text.replace("\r", "\n")  # read as open() reads it: universal newlines
    record = record_to_article({"id": "r", "text": text}, "w")  # a JSON text is kept as given, \r and all
    assert isinstance(record, Article) and record.text == text
    for art in (article, record):
        spans = paragraphs(art.text, clean_article(art).content)
        assert [art.text[a:b] for a, b in spans] == [
            "The bridge fell.",
            "The mayor spoke.\rHe was sad.".replace("\r", "\n" if art is article else "\r"),
        ]


def test_a_bom_opening_any_jsonl_line_is_dropped(tmp_path: Path) -> None:
    one = '\ufeff{"id": "a", "text": "A."}\n{"id": "b", "text": "B."}\n'
    two = '\ufeff{"id": "c", "text": "C."}\n'
    path = write(tmp_path / "joined.jsonl", (one + two).encode("utf-8"))  # two files with BOMs, concatenated
    items = read(path)
    assert not problems(items)
    assert [a.id for a in articles(items)] == ["a", "b", "c"]
    assert [a.id for a in articles(list(read_records(io.StringIO(one + two), "s")))] == ["a", "b", "c"]


@pytest.mark.parametrize("name", ["   .txt", "\t.html", "\u3000.txt.gz"])
def test_a_file_name_of_only_spaces_is_refused(tmp_path: Path, name: str) -> None:
    data = gzip.compress(b"Some text.") if name.endswith(".gz") else b"Some text."
    path = write(tmp_path / name, data)
    expected = InputProblem(str(path), "a file name of only spaces gives no id; rename it")
    assert only_problem(read(path)) == expected
    assert only_problem(read(tmp_path)) == expected


def test_a_folder_walk_reports_what_it_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    write(folder / "a.csv", "x,y")
    write(folder / "b.CSV", "x,y")
    write(folder / "sub" / "c.csv.gz", gzip.compress(b"x,y"))
    write(folder / "notes.md", "# notes")
    write(folder / "LICENSE", "text")
    write(folder / ".DS_Store", b"\x00")  # hidden: skipped unsaid
    write(folder / "gold.json", json.dumps({"about": "annotations", "articles": {"a.txt": {}}}))
    write(folder / "config.json", json.dumps({}))
    tally = SkipTally()
    assert list(read_paths([folder], on_skipped=tally)) == []
    assert tally.summary() == ("skipped 2 .csv, 2 .json (not article records), 1 (no extension), 1 .csv.gz, 1 .md")
    assert not SkipTally() and SkipTally().summary() == ""
    gold = folder / "gold.json"
    assert only_problem(read(gold)) == InputProblem(
        str(gold), "not an article record (it has none of 'id', 'text', 'html', nor a list of 'articles'); skipped"
    )


def test_the_seeds_folder_reads_its_articles_and_skips_its_annotations() -> None:
    if not (SEEDS / "gold.json").is_file():
        pytest.skip(f"seeds not found in {SEEDS}")
    tally = SkipTally()
    items = list(read_paths([SEEDS], on_skipped=tally))
    assert not problems(items) and len(articles(items)) == len(list(SEEDS.glob("*.txt")))
    assert tally.summary() == "skipped 1 .json (not article records)"


def test_read_jsonl_reads_any_name_as_json_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_module, "MAX_ARTICLE_BYTES", 100)
    path = write(tmp_path / "records.ndjson", '{"id": "a", "text": "A."}\n{oops\n' + "x" * 300 + "\n")
    items = list(read_jsonl(path))
    assert [a.id for a in articles(items)] == ["a"]
    assert [str(p) for p in problems(items)] == [
        f"{path}:2: not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)",
        f"{path}:3: line over the limit for one record (100 bytes); skipped",
    ]
    packed = write(tmp_path / "r.gz", gzip.compress(b'{"id": "g", "text": "G"}'))
    assert [a.id for a in articles(list(read_jsonl(packed)))] == ["g"]
    assert only_problem(list(read_jsonl(tmp_path))).problem == "a folder, not a JSON Lines file"
    assert only_problem(list(read_jsonl(tmp_path / "gone"))).problem == "no such file or folder"


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({"id": True, "text": "t"}, "'id' must be a string or an integer, not true/false"),
        ({"id": 1.5, "text": "t"}, "'id' must be a string or an integer, not a number"),
        ({"id": ["x"], "text": "t"}, "'id' must be a string or an integer, not a list"),
        ({"id": "  ", "text": "t"}, "'id' is empty"),
        ({"id": None, "text": "t"}, E_NO_ID),
        ({"id": "x", "text": 5}, "'text' must be a string, not a number"),
        ({"id": "x", "text": None, "html": None}, E_NO_TEXT),
        ({"id": "x", "text": "   "}, "'text' is empty"),
        ({"id": "x", "html": ""}, "'html' is empty"),
        ({"id": "x", "html": {"a": 1}}, "'html' must be a string, not an object"),
        ({"id": "x", "text": "t", "title": 3}, "'title' must be a string, not a number"),
        ({"id": "x", "text": "t", "authors": "Jane Doe"}, "'authors' must be a list of strings, not a string"),
        ({"id": "x", "text": "t", "authors": ["A", 2]}, "'authors' must be a list of strings, not a list"),
        ({"id": "x", "text": "t", "kind": "blog"}, "'kind' must be 'article' or 'agency', not 'blog'"),
        ({"id": "x", "text": "t", "language": None, "url": 1}, "'url' must be a string, not a number"),
    ],
)
def test_record_field_problems(record: dict[str, object], problem: str) -> None:
    result = record_to_article(record, "in.jsonl:4")
    assert isinstance(result, InputProblem)
    assert result.where == "in.jsonl:4"
    assert result.problem.startswith(problem)


@pytest.mark.parametrize(
    "published", ["2024", "2024-06", "2024-06-17", "2024-06-17T09:00", "2024-06-17T09:00:00+01:00"]
)
def test_record_accepts_iso_dates(published: str) -> None:
    result = record_to_article({"id": "x", "text": "t", "published": published}, "w")
    assert isinstance(result, Article) and result.published == published


@pytest.mark.parametrize(
    ("published", "default", "problem"),
    [
        (20240617, None, "'published' must be a string, not a number; stored without a date"),
        ("last Tuesday", None, "'published' is not an ISO 8601 date or date-time ('last Tuesday'); stored without"),
        ("2024-13", None, "'published' is not an ISO 8601 date or date-time ('2024-13': no month 13); stored"),
        ("2024-02-30", None, "'published' is not an ISO 8601 date or date-time ('2024-02-30': day is out of range"),
        ("0001-01-01", None, "'published' is outside the years 1000-9000 ('0001-01-01'); stored without a date"),
        ("9999-12-31T23:00:00-05:00", None, "'published' is outside the years 1000-9000"),
        ("0000", "2024-06-17", "'published' is outside the years 1000-9000 ('0000'); stored with '2024-06-17' instead"),
    ],
)
def test_a_bad_date_costs_the_record_only_its_date(published: object, default: str | None, problem: str) -> None:
    record = {"id": "x", "text": "Kept whole.", "title": "T", "published": published}
    article, said = record_items(record, "x.jsonl:3", published=default)
    assert article == Article(id="x", text="Kept whole.", title="T", published=default, origin="x.jsonl:3")
    assert isinstance(said, InputProblem) and said.where == "x.jsonl:3" and said.problem.startswith(problem)
    assert record_to_article(record, "x.jsonl:3", published=default) == article  # the one-item form: the article


def test_a_bad_date_in_a_file_is_one_line_and_the_record_is_stored(tmp_path: Path) -> None:
    path = write(
        tmp_path / "x.jsonl",
        '{"id": "a", "text": "A."}\n{"id": "b", "text": "B."}\n{"id": "c", "text": "C.", "published": "2024-13"}\n',
    )
    items = read(path)
    assert [(a.id, a.published) for a in articles(items)] == [("a", None), ("b", None), ("c", None)]
    assert [str(p) for p in problems(items)] == [
        f"{path}:3: 'published' is not an ISO 8601 date or date-time ('2024-13': no month 13); stored without a date"
    ]
    dated = read(path, published="2024-06-17")  # the default date takes the place of a dropped one, and is named
    assert [a.published for a in articles(dated)] == ["2024-06-17"] * 3
    assert problems(dated)[0].problem.endswith("('2024-13': no month 13); stored with the default date '2024-06-17'")


def test_record_keeps_text_exactly_and_defaults() -> None:
    text = "  Indented\r\nline\u2028sep\n\n"
    result = record_to_article({"id": 12, "text": text, "language": ""}, "w", published="2024-01-02")
    assert result == Article(id="12", text=text, published="2024-01-02", origin="w")
    assert isinstance(record_to_article("a string", "w"), InputProblem)


def test_read_records_from_a_stream() -> None:
    stream = io.StringIO('\ufeff{"id": "a", "text": "A"}\n\n{"id": "b", "text": "B", "published": "2024-05-01"}\n')
    items = list(read_records(stream, "<stdin>", published="2024-01-01"))
    assert [(a.id, a.published, a.origin) for a in articles(items)] == [
        ("a", "2024-01-01", "<stdin>:1"),
        ("b", "2024-05-01", "<stdin>:3"),
    ]


def test_read_records_line_separators_inside_strings() -> None:
    line = json.dumps({"id": "a", "text": "one\u2028two\x85three"}, ensure_ascii=False)
    [article] = list(read_records([line], "s"))
    assert isinstance(article, Article) and article.text == "one\u2028two\x85three"


# --- JSON documents -----------------------------------------------------------------------


def test_json_single_list_and_wrapped(tmp_path: Path) -> None:
    single = write(tmp_path / "one.json", json.dumps({"id": "s", "text": "Single."}))
    listed = write(tmp_path / "many.json", json.dumps([{"id": "l1", "text": "L1"}, {"id": "l2"}, 5]))
    wrapped = write(tmp_path / "wrap.json", json.dumps({"articles": [{"id": "w", "text": "W"}]}))
    assert [a.id for a in articles(read(single))] == ["s"]
    items = read(listed)
    assert [a.id for a in articles(items)] == ["l1"]
    assert [(p.where, p.problem) for p in problems(items)] == [
        (f"{listed}[1]", E_NO_TEXT),
        (f"{listed}[2]", "record is not a JSON object (it is a number)"),
    ]
    assert articles(items)[0].origin == f"{listed}[0]"
    [w] = read(wrapped)
    assert isinstance(w, Article) and w.origin == f"{wrapped}[0]"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ('{"id": "x", ', E_NOT_JSON + " (Expecting property name enclosed in double quotes at line 1 column 13)"),
        ("[]", "no records (the file holds an empty list)"),
        ('"just a string"', "record is not a JSON object (it is a string)"),
        ("[" * 100000 + "]" * 100000, E_NOT_JSON + " (nested too deeply)"),
    ],
)
def test_json_document_problems(tmp_path: Path, data: str, problem: str) -> None:
    path = write(tmp_path / "bad.json", data)
    assert only_problem(read(path)) == InputProblem(str(path), problem)


@pytest.mark.parametrize(
    "data",
    [
        '[{"id": "a", "text": "A"}, {"id": "b", "text": "B"}',
        '[{"id": "a", "text": "A"}, {"id": "b", "text": "B"}] trailing',
        '[{"id": "a", "text": "A"}, {"id": "b", "text": "B"},]',
        '[{"id": "a", "text": "A"}, {"id": "b", "text": "B"} {"id": "c"}]',
        '[{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "cut',
        '[{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, ' + "[" * 100000,
        '{"articles": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}], "more": ]',
        '{"id": "x", ',
        '{"a" 1}',
        "[1, 2",
    ],
)
def test_json_document_faults_read_as_json_loads_says(tmp_path: Path, data: str) -> None:
    """The fault is the one json.loads names, at the same place; the records before it are read (streamed)."""
    path = write(tmp_path / "doc.json", data)
    items = read(path)
    fault = problems(items)[-1]
    try:
        json.loads(data)
    except (ValueError, RecursionError) as exc:
        expected = not_json(exc)
    assert fault.where == str(path) and fault.problem.startswith(expected)
    streamed = articles(items)
    if streamed:
        assert [a.id for a in streamed] == ["a", "b"]
        assert fault.problem.endswith("; the 2 records before it were read")


def test_json_object_forms(tmp_path: Path) -> None:
    record_with_list = {"id": "r", "text": "R", "articles": [{"id": "no", "text": "not read"}]}
    later_id = {"articles": [{"id": "no", "text": "N"}], "id": "late", "text": "Late."}
    text_only = {"text": "T", "articles": [{"id": "in", "text": "In."}]}
    two_keys = {"articles": [{"id": "first", "text": "F"}], "articles2": 1}
    for doc, ids in [(record_with_list, ["r"]), (later_id, ["late"]), (text_only, ["in"]), (two_keys, ["first"])]:
        assert [a.id for a in articles(read(write(tmp_path / "o.json", json.dumps(doc))))] == ids
    dup = write(tmp_path / "dup.json", '{"articles": [{"id": "x", "text": "X"}], "articles": 5}')
    assert only_problem(read(dup)).problem.startswith("not an article record")


def test_a_big_json_list_is_read_one_record_at_a_time(tmp_path: Path) -> None:
    count = 20000
    path = write(tmp_path / "big.json", json.dumps([{"id": f"r{n}", "text": f"Record {n}."} for n in range(count)]))
    seen = 0
    for item in read_paths([path]):
        assert isinstance(item, Article) and item.id == f"r{seen}" and item.origin == f"{path}[{seen}]"
        seen += 1
    assert seen == count


# --- HTML ---------------------------------------------------------------------------------


def test_html_file_extraction(tmp_path: Path) -> None:
    path = write(tmp_path / "putin-visit.html", ARTICLE_PAGE)
    [article] = read(path, published="2000-01-01")
    assert isinstance(article, Article)
    assert article.id == "putin-visit"
    paragraphs = article.text.split("\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("Russian President Vladimir Putin will visit North Korea")
    assert "partnership agreement, according to officials" in paragraphs[2]
    for clutter in ("Home", "World news", "Celebrity", "Privacy policy", "All rights reserved", "Most read"):
        assert clutter not in article.text
    assert article.title == "Putin to visit North Korea"
    assert article.authors == ("Jane Doe",)
    assert article.published == "2024-06-17"
    assert article.source == "Example News"
    assert article.url == "https://news.example.com/world/putin-north-korea"


def test_html_record_fills_only_missing_fields() -> None:
    record = {"id": "h", "html": ARTICLE_PAGE, "title": "Own title", "authors": [], "url": "https://x.example/h"}
    result = record_to_article(record, "pages.jsonl:2", published="1999-09-09")
    assert isinstance(result, Article)
    assert result.text.startswith("Russian President")
    assert (result.title, result.authors, result.url) == ("Own title", (), "https://x.example/h")
    assert (result.published, result.source) == ("2024-06-17", "Example News")


def test_html_without_date_does_not_guess_from_copyright(tmp_path: Path) -> None:
    page = ARTICLE_PAGE.replace('<meta property="article:published_time" content="2024-06-17T08:30:00Z">', "")
    [article] = read(write(tmp_path / "p.htm", page), published="2024-06-20")
    assert isinstance(article, Article) and article.published == "2024-06-20"


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>x</title></head><body></body></html>",
        "<html><body><script>var a = 1;</script></body></html>",
    ],
)
def test_html_without_text(tmp_path: Path, html: str) -> None:
    path = write(tmp_path / "nothing.html", html)
    assert only_problem(read(path)) == InputProblem(str(path), "no article text found in the HTML")
    result = record_to_article({"id": "n", "html": html}, "r:1")
    assert result == InputProblem("r:1", "no article text found in the HTML")


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    page = ARTICLE_PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("Kremlin", "Kreml\u00ee")
    items = read(write(tmp_path / "latin.html", page.encode("latin-1")))
    assert not problems(items)
    assert "Kreml\u00ee said" in articles(items)[0].text


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("<p>One <b>bold</b> word.</p><p>Two.</p>", "One bold word.\nTwo."),
        ("Plain words &amp; more", "Plain words & more"),
        ("<div>a<br/>b</div><ul><li>c</li><li>d</li></ul>", "a\nb\nc\nd"),
        ("<p>x</p><!-- note --><style>p{}</style><script>s()</script>tail", "x\ntail"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_fragment_to_text(fragment: str, text: str) -> None:
    assert fragment_to_text(fragment) == text


# --- feeds --------------------------------------------------------------------------------


def test_rss_feed(tmp_path: Path) -> None:
    path = write(tmp_path / "wire.rss", RSS_FEED)
    items = read(path, published="2024-01-01")
    assert not problems(items)
    first, second = articles(items)
    assert first.id == "urn:wire:1"
    assert (
        first.text
        == "Putin will visit North Korea this week.\nIt is his first trip in 24 years.\nOfficials confirmed it."
    )
    assert (first.title, first.url, first.source) == (
        "Putin heads to Pyongyang",
        "https://wire.example.com/1",
        "Example Wire",
    )
    assert (first.published, first.authors, first.origin) == ("2024-06-17T08:30:00Z", ("Jane Doe",), f"{path} entry 1")
    assert (second.id, second.text) == ("https://wire.example.com/2", "Only a plain description & nothing more.")
    assert second.published == "2024-01-01"


def test_atom_feed(tmp_path: Path) -> None:
    [article] = read(write(tmp_path / "site.atom", ATOM_FEED))
    assert isinstance(article, Article)
    assert (article.id, article.text) == ("tag:atom.example,2024:1", "Hello from Atom.\nSecond paragraph.")
    assert (article.published, article.authors, article.source) == (
        "2024-06-18T08:00:00Z",
        ("Ann Lee", "Bob Ray"),
        "Atom Site",
    )


def test_feed_entry_problems_and_fallback_ids(tmp_path: Path) -> None:
    feed = """<rss version="2.0"><channel><title>T</title>
    <item><title>No text at all</title></item>
    <item><description>Has text but no id or link.</description></item>
    </channel></rss>"""
    path = write(tmp_path / "odd.xml", feed)
    items = read(path)
    assert items[0] == InputProblem(f"{path} entry 1", "feed entry has no text (no content, summary or description)")
    assert isinstance(items[1], Article) and items[1].id == "odd-2"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ('<?xml version="1.0"?><catalog><book id="1">Title</book></catalog>', "not an RSS/Atom feed"),
        ("this is not xml at all", "not an RSS/Atom feed ("),
        ('<rss version="2.0"><channel><title>Empty</title></channel></rss>', "feed has no entries"),
    ],
)
def test_not_a_feed(tmp_path: Path, data: str, problem: str) -> None:
    path = write(tmp_path / "data.xml", data)
    assert only_problem(read(path)).problem.startswith(problem)


LAUGHS = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "' + (f"&lol{i - 1};" if i > 1 else "&lol;") * 10 + '">' for i in range(1, 10)
)
LAUGHS_BODY = (
    '<rss version="2.0"><channel><title>T</title>'
    "<item><guid>l1</guid><description>&lol9;</description></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("prolog", "encoding"),
    [
        (f'<?xml version="1.0"?><!DOCTYPE rss [{LAUGHS}]>', "utf-8"),
        ('<?xml version="1.0"?>' + " " * 70_000 + f"<!DOCTYPE rss [{LAUGHS}]>", "utf-8"),  # past a 64 KiB window
        ('<?xml version="1.0"?><!--' + "pad " * 50_000 + f"--><!DOCTYPE rss [{LAUGHS}]>", "utf-8"),
        (f'<?xml version="1.0"?><!DOCTYPE rss [<!-- a ] and a > in a comment -->{LAUGHS}]>', "utf-8"),
        (f'<?xml version="1.0"?><!DOCTYPE rss [<?pi ] > ?><!ENTITY q "]>">{LAUGHS}]>', "utf-8"),
        (f'<?xml version="1.0"?><!-- <rss> in a comment --><!DOCTYPE rss [{LAUGHS}]>', "utf-8"),
        ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p "<!ENTITY lol \'lol\'>"> %p;]>', "utf-8"),
        (f'<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [{LAUGHS}]>', "utf-16"),  # LE, with a BOM
        (f'<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [{LAUGHS}]>', "utf-16-be-bom"),
        (f'<?xml version="1.0" encoding="utf-32"?><!DOCTYPE rss [{LAUGHS}]>', "utf-32"),
        ('<?xml version="1.0"?>' + " " * 70_000 + f"<!DOCTYPE rss [{LAUGHS}]>", "utf-16"),
        ('<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "utf-8"),
    ],
)
def test_a_feed_declaring_entities_is_refused_however_it_hides_them(tmp_path: Path, prolog: str, encoding: str) -> None:
    doc = prolog + LAUGHS_BODY
    data = b"\xfe\xff" + doc.encode("utf-16-be") if encoding == "utf-16-be-bom" else doc.encode(encoding)
    path = write(tmp_path / "laughs.rss", data)
    assert only_problem(read(path)) == InputProblem(str(path), E_ENTITIES)


def test_a_feed_without_entities_is_read_in_any_encoding(tmp_path: Path) -> None:
    for encoding in ("utf-8", "utf-16", "utf-32"):
        doc = (
            f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE rss><!-- <!ENTITY in a comment> -->'
            + RSS_FEED[RSS_FEED.index("<rss") :]
        )
        items = read(write(tmp_path / f"{encoding}.rss", doc.encode(encoding)))
        assert [a.id for a in articles(items)] == ["urn:wire:1", "https://wire.example.com/2"], items


@pytest.mark.parametrize(
    ("pub_date", "problem"),
    [
        ("Mon, 01 Jan 0001 00:00:00 +0500", "'published' is outside the years 1000-9000 ('Mon, 01 Jan 0001"),
        (
            "0001-01-01T03:00:00+05:00",
            "'published' is outside the years 1000-9000 ('0001-01-01T03:00:00+05:00', in UTC 0000-",
        ),
        (
            "9999-12-31T23:00:00-05:00",
            "'published' is outside the years 1000-9000 ('9999-12-31T23:00:00-05:00', in UTC 10000-",
        ),
    ],
)
def test_a_feed_entry_with_an_edge_date_is_stored_without_it(tmp_path: Path, pub_date: str, problem: str) -> None:
    feed = (
        '<rss version="2.0"><channel><title>T</title><item><guid>e1</guid><description>Entry text.</description>'
        f"<pubDate>{pub_date}</pubDate></item></channel></rss>"
    )
    path = write(tmp_path / "edge.rss", feed)
    [article, said] = read(path)
    assert isinstance(article, Article) and article.published is None and article.text == "Entry text."
    assert said.where == f"{path} entry 1" and said.problem.startswith(problem), said
    assert said.problem.endswith("; stored without a date")


def test_truncated_feed_keeps_readable_entries(tmp_path: Path) -> None:
    path = write(tmp_path / "cut.rss", RSS_FEED[: RSS_FEED.index("<item><title>Second")])
    items = read(path)
    assert problems(items)[0].problem.startswith("malformed feed (")
    assert [a.id for a in articles(items)] == ["urn:wire:1"]


# --- gzip ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "ids"),
    [
        ("story.txt.gz", "Gzipped text.", ["story"]),
        ("batch.jsonl.gz", '{"id": "g1", "text": "G1"}\n{"id": "g2", "text": "G2"}\n', ["g1", "g2"]),
        ("one.json.gz", '{"id": "j", "text": "J"}', ["j"]),
        ("page.HTML.GZ", ARTICLE_PAGE, ["page"]),
        ("wire.xml.gz", RSS_FEED, ["urn:wire:1", "https://wire.example.com/2"]),
    ],
)
def test_gzip_inputs(tmp_path: Path, name: str, content: str, ids: list[str]) -> None:
    path = write(tmp_path / name, gzip.compress(content.encode()))
    items = read(path)
    assert not problems(items)
    assert [a.id for a in articles(items)] == ids


def test_gzip_truncated_corrupt_and_not_gzip(tmp_path: Path) -> None:
    body = gzip.compress(("word " * 20000).encode())
    truncated = write(tmp_path / "cut.txt.gz", body[: len(body) // 2])
    assert only_problem(read(truncated)) == InputProblem(str(truncated), "truncated or corrupt gzip")
    corrupt = write(tmp_path / "bad.txt.gz", body[:20] + b"\xff" * 40 + body[60:])
    assert only_problem(read(corrupt)).problem == "truncated or corrupt gzip"
    plain = write(tmp_path / "plain.txt.gz", b"not compressed at all")
    assert only_problem(read(plain)).problem == "not a gzip file"


def test_gzip_jsonl_truncated_keeps_earlier_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_module, "_CHUNK", 4096)  # stream in small pieces
    lines = "".join(json.dumps({"id": str(n), "text": f"record {n} " + "x" * 50}) + "\n" for n in range(5000))
    body = gzip.compress(lines.encode())
    path = write(tmp_path / "cut.jsonl.gz", body[: len(body) // 2])
    items = read(path)
    assert articles(items)
    assert items[-1] == InputProblem(str(path), "truncated or corrupt gzip")


def test_gzip_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_module, "MAX_ARTICLE_BYTES", 1000)
    path = write(tmp_path / "bomb.txt.gz", gzip.compress(b"a" * 5000))
    problem = only_problem(read(path))
    assert problem.problem.startswith("decompressed size over the limit")
    small = write(tmp_path / "small.txt.gz", gzip.compress(b"a" * 500))
    assert articles(read(small))[0].text == "a" * 500


# --- robustness and the real seeds --------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300), suffix=st.sampled_from(READABLE_SUFFIXES))
def test_never_raises_on_arbitrary_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str) -> None:
    path = write(tmp_path_factory.mktemp("fuzz") / f"f{suffix}", data)
    for item in read_paths([path]):
        assert isinstance(item, Article | InputProblem)
        if isinstance(item, Article):
            assert item.id and item.text.strip()


def test_real_seed_files_are_read_verbatim() -> None:
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if len(seeds) < 2:
        pytest.skip(f"seed articles not found in {SEEDS}")
    items = read(*seeds)
    assert not problems(items)
    for path, article in zip(seeds, articles(items), strict=True):
        with open(path, encoding="utf-8") as handle:
            assert article.text == handle.read()
        assert article.id == path.stem
        assert article.origin == str(path)


KEYS = ["id", "text", "articles", "x"]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(doc=JSON_VALUES, indent=st.sampled_from([None, 0, 2]))
def test_streamed_documents_hold_what_json_loads_finds(doc: object, indent: int | None) -> None:
    """document_records hands out the records json.loads would give, in order, whatever the layout."""
    from storytrace.ingest.jsonstream import RECORD_KEYS, Shape, document_records

    text = json.dumps(doc, indent=indent)
    found = [item for item in document_records(text) if not isinstance(item, Shape)]
    if isinstance(doc, dict) and "id" not in doc and isinstance(doc.get("articles"), list):
        assert found == list(enumerate(doc["articles"]))
    elif isinstance(doc, list):
        assert found == list(enumerate(doc))
    elif isinstance(doc, dict) and set(doc).isdisjoint(RECORD_KEYS):
        assert found == []
    else:
        assert found == [(None, doc)]
