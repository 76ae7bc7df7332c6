"""One table of input formats (ingest.formats): every list and message derived from it, .ndjson read everywhere."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from storytrace.errors import BadInput
from storytrace.ingest import READABLE_SUFFIXES, SkipTally, classify, read_paths
from storytrace.ingest.formats import (
    FORMATS,
    GZIP_SUFFIX,
    LINES_FILE_SUFFIXES,
    expected,
    lines_words,
    upload_accept,
    upload_words,
)
from storytrace.model import Article

RECORD = b'{"id": "fen-1", "text": "Fenmouth harbour board said the ferry to Orrin Island stops in May."}\n'


def test_every_suffix_of_the_table_is_read_and_named_in_every_list() -> None:
    table = [s for f in FORMATS for s in f.suffixes]
    assert list(READABLE_SUFFIXES) == table
    assert ".ndjson" in table and ".htm" in table and ".rss" in table and ".atom" in table
    for suffix in table:
        kind = classify("notes" + suffix) and classify("notes" + suffix + GZIP_SUFFIX)
        assert kind is not None and kind.suffix == suffix, suffix
        assert suffix in expected() and suffix in upload_words(), suffix
        assert suffix in upload_accept().split(","), suffix
    assert GZIP_SUFFIX in upload_accept().split(",") and "gzipped" in upload_words()
    assert expected().endswith(" or .gz)") and classify("notes.csv") is None


@pytest.mark.parametrize("name", ["fen.jsonl", "fen.ndjson", "fen.ndjson.gz", "fen.JSONL.gz"])
def test_json_lines_under_either_name_are_read_in_a_folder(tmp_path: Path, name: str) -> None:
    data = gzip.compress(RECORD) if name.lower().endswith(".gz") else RECORD
    (tmp_path / name).write_bytes(data)
    (tmp_path / "notes.csv").write_text("a,b\n")
    tally = SkipTally()
    items = list(read_paths([tmp_path], on_skipped=tally))
    assert [a.id for a in items if isinstance(a, Article)] == ["fen-1"]
    assert tally.summary() == "skipped 1 .csv"


class _Listing:
    """The two calls of ``spark.files.Files`` that ``batch.input_files`` makes, on a fixed listing."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def exists(self, uri: str) -> bool:
        return True

    def files(self, uri: str) -> list[Any]:
        from storytrace.spark.files import Listed

        return [Listed(f"file:/in/{name}", 1, 0) for name in self.names]


def test_batch_reads_the_json_lines_names_the_table_gives() -> None:
    assert LINES_FILE_SUFFIXES == (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
    assert lines_words() == ".jsonl or .ndjson, gzipped or not"
    batch = pytest.importorskip("storytrace.spark.batch", exc_type=ImportError)
    options = batch.BatchOptions(input="/in", out="/out")
    _, fmt = batch.input_files(_Listing("a.jsonl", "b.ndjson.GZ", "c.ndjson"), options)
    assert fmt == "jsonl"
    with pytest.raises(BadInput) as bad:
        batch.input_files(_Listing("a.jsonl", "notes.csv"), options)
    assert f"not JSON Lines ({lines_words()}) or Parquet" in str(bad.value)


def test_the_upload_form_accepts_and_names_every_readable_file() -> None:
    pytest.importorskip("fastapi")
    from storytrace.web.library import uploaded_articles

    found = uploaded_articles(RECORD, "feed.ndjson")
    assert [a.id for a in found if isinstance(a, Article)] == ["fen-1"]
    (bad,) = uploaded_articles(b"x", "notes.csv")
    assert not isinstance(bad, Article) and bad.problem == f"not a readable file type ({upload_words()})"
    assert ".htm, " in bad.problem and ".rss" in bad.problem and ".atom" in bad.problem
