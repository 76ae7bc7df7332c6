"""A file read whole before is not read again by ``analyze`` (pipeline.ingest), and gives the same ids.

The articles are fictional: a town council, a ferry and a bakery.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from storytrace import pipeline
from storytrace.ingest import FileRead, files, read_paths, read_paths_by_file
from storytrace.store import Store


def _record(i: int, text: str) -> str:
    return json.dumps({"id": f"r{i}", "text": text, "title": f"Item {i}", "published": f"2031-05-0{1 + i % 9}"})


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [
        _record(1, "The council of Marrowby voted to close the old ferry pier on Friday."),
        _record(2, "Marrowby's council voted on Friday to close the old ferry pier."),
        _record(3, "A bakery in Stilt Lane won the county prize for its rye loaf."),
    ]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (folder / "note.txt").write_text("The ferry pier will stay open until the end of June, the council said.", "utf-8")
    with gzip.open(folder / "more.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write(_record(4, "The rye loaf of Stilt Lane's bakery took the county prize again.") + "\n")
    return folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths whose items were read, in order."""
    seen: list[str] = []
    original = files._read_items

    def counting(path: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        seen.append(Path(path).name)
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(files, "_read_items", counting)
    return seen


def test_a_second_ingest_reads_no_file_and_gives_the_same_ids(corpus: Path, tmp_path: Path, reads: list[str]) -> None:
    with Store(tmp_path / "s.db") as store:
        first = pipeline.ingest([corpus], store)
        assert sorted(reads) == ["feed.jsonl", "more.jsonl.gz", "note.txt"]
        reads.clear()
        again = pipeline.ingest([corpus], store)
    assert reads == []
    assert first[0] == again[0] == ["r1", "r2", "r3", "r4", "note"]
    assert (first[2], again[2]) == (5, 0)
    assert again[1] == []


def test_a_grown_or_new_file_is_read_and_the_others_are_not(corpus: Path, tmp_path: Path, reads: list[str]) -> None:
    with Store(tmp_path / "s.db") as store:
        pipeline.ingest([corpus], store)
        reads.clear()
        with (corpus / "feed.jsonl").open("a", encoding="utf-8") as out:
            out.write(_record(5, "The ferry company said it would appeal the council's vote.") + "\n")
        (corpus / "copy.txt").write_bytes((corpus / "note.txt").read_bytes())  # same bytes, another name: read
        ids, problems, added = pipeline.ingest([corpus], store)
    assert sorted(reads) == ["copy.txt", "feed.jsonl"]
    assert ids == ["note", "r1", "r2", "r3", "r5", "r4"]  # copy.txt's text is stored already, under "note"
    assert (added, problems) == (1, [])


def test_another_default_date_makes_the_file_read_again(corpus: Path, tmp_path: Path, reads: list[str]) -> None:
    with Store(tmp_path / "s.db") as store:
        pipeline.ingest([corpus], store)
        reads.clear()
        pipeline.ingest([corpus], store, published="2031-06-01")  # note.txt has no date of its own
    assert sorted(reads) == ["feed.jsonl", "more.jsonl.gz", "note.txt"]


def test_a_file_with_a_problem_is_read_again_and_its_problem_told_again(corpus: Path, tmp_path: Path) -> None:
    with (corpus / "feed.jsonl").open("a", encoding="utf-8") as out:
        out.write("{not json\n")
    with Store(tmp_path / "s.db") as store:
        pipeline.ingest([corpus / "note.txt"], store)
        (corpus / "note.txt").write_text("A changed text under the same name.", "utf-8")
        first = pipeline.ingest([corpus], store)
        again = pipeline.ingest([corpus], store)
    assert [p.where for p in first[1]] == [p.where for p in again[1]]
    assert any("feed.jsonl" in p.where for p in again[1])
    assert any("already stored with a different text" in p.problem for p in again[1])
    assert first[0] == again[0]


def test_read_paths_is_unchanged_and_marks_come_only_when_asked(corpus: Path) -> None:
    plain = list(read_paths([corpus]))
    marked = list(read_paths_by_file([corpus], known=lambda where, digest: False))
    assert [i for i in marked if not isinstance(i, FileRead)] == plain
    marks = [i for i in marked if isinstance(i, FileRead)]
    assert [Path(m.where).name for m in marks] == ["feed.jsonl", "more.jsonl.gz", "note.txt"]
    assert not any(m.skipped for m in marks)
    assert all(isinstance(i, FileRead) for i in read_paths_by_file([corpus], known=lambda where, digest: True))


def test_a_file_that_changes_while_it_is_read_is_not_marked_read(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = files._read_items
    feed = corpus / "feed.jsonl"
    seen: list[str] = []

    def growing(path: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        seen.append(Path(path).name)
        for k, item in enumerate(original(path, *args, **kwargs)):  # type: ignore[arg-type]
            yield item
            if Path(path) == feed and k == 0:  # another writer appends a line meanwhile, once per read
                with feed.open("a", encoding="utf-8") as out:
                    out.write(_record(9 + len(seen), "The pier's owners said they would sell the ferry.") + "\n")

    monkeypatch.setattr(files, "_read_items", growing)
    marks = [i for i in read_paths_by_file([corpus], known=lambda where, digest: False) if isinstance(i, FileRead)]
    assert sorted(Path(m.where).name for m in marks) == ["more.jsonl.gz", "note.txt"]
    with Store(tmp_path / "s.db") as store:
        pipeline.ingest([corpus], store)  # grows the feed again as it reads it: not remembered as read
        plain: list[str] = []

        def counted(path: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            plain.append(Path(path).name)
            return original(path, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(files, "_read_items", counted)
        pipeline.ingest([corpus], store)
        assert plain == ["feed.jsonl"]  # read again, as it now is (and now remembered)
        pipeline.ingest([corpus], store)
    assert plain == ["feed.jsonl"]  # the third ingest read nothing


def test_the_store_gives_articles_by_id_in_the_order_asked(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storytrace.store import articles, base

    monkeypatch.setattr(articles, "IN_CHUNK", 2)  # lookups in chunks: their edges fall inside the list
    monkeypatch.setattr(base, "IN_CHUNK", 2)
    with Store(tmp_path / "s.db") as store:
        pipeline.ingest([corpus], store)
        asked = ["r4", "gone", "note", "r1", "r4", "r3", "r2"]
        got = [a.id for a in store.articles(asked)]
        assert got == ["r4", "note", "r1", "r4", "r3", "r2"]  # unknown ids left out, repeats kept
        assert list(store.articles(asked)) == [a for i in asked if (a := store.get(i)) is not None]


def test_the_ingest_command_reads_only_new_files_and_counts_the_others_as_stored(
    corpus: Path, tmp_path: Path, reads: list[str]
) -> None:
    from typer.testing import CliRunner

    from storytrace.cli import app

    db = str(tmp_path / "s.db")
    first = CliRunner().invoke(app, ["ingest", str(corpus), "--db", db, "--lexical"])
    assert first.exit_code == 0 and first.output.startswith("5 added, 0 already stored"), first.output
    reads.clear()
    (corpus / "copy.txt").write_bytes((corpus / "note.txt").read_bytes())  # a copy of a stored text, another id
    again = CliRunner().invoke(app, ["ingest", str(corpus), "--db", db, "--lexical"])
    assert again.output.startswith("0 added, 5 already stored, 1 duplicate of stored articles"), again.output
    assert reads == ["copy.txt"]
    reads.clear()
    third = CliRunner().invoke(app, ["ingest", str(corpus), "--db", db, "--lexical"])
    assert third.output == again.output  # the copy is read again, so said again, as before files were remembered
    assert reads == ["copy.txt"]
