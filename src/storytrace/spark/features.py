"""Per-article work of the batch, as plain functions over plain values (no Spark).

Does: turn one input record into an ``Article`` or a problem, exactly as
``ingest.records`` does; compute what the streaming clusterer needs of a
prepared article (the terms of ``stream_item.stream_item``: story document, title
stems, name stems, as distinct terms with counts in first-seen order) and its
MinHash signature and LSH band keys (``cluster.dedup``'s own functions, so
the batch finds the same duplicate candidates as the in-process index); and
the TF-IDF vectors of an article from the document frequencies at its
arrival, with the clusterer's own ``_vector``.

Does not: clean, segment, hash or weigh anything itself; read or write data.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from storytrace.align.compare import Prepared, prepare
from storytrace.clean import Agency, agencies_with
from storytrace.cluster.centroids import Vector
from storytrace.cluster.dedup import (
    DUPLICATE_MIN_JACCARD,
    NUM_PERM,
    SHINGLE_WORDS,
    band_keys_of,
    cached_band_layout,
    hashes_of_words,
    minhash_signatures,
)
from storytrace.cluster.join_rules import FixedJoin
from storytrace.cluster.stream import StreamClusterer
from storytrace.cluster.stream_item import stream_item
from storytrace.ingest.records import line_items, record_items
from storytrace.model import Article, InputProblem

ARTICLE_FIELDS = ("id", "text", "title", "url", "source", "published", "language", "authors", "kind", "origin")


@dataclass(frozen=True)
class StreamTerms:
    """An article's clusterer terms: distinct terms in first-seen order and how often each occurs."""

    doc_terms: list[str]
    doc_counts: list[int]
    title_terms: list[str]
    title_counts: list[int]
    name_terms: list[str]
    name_counts: list[int]


def parse_line(line: str, where: str) -> list[Article | InputProblem]:
    """One JSON Lines record as ``ingest.records.read_records`` reads it: nothing for a blank line.

    An article, a problem, or an article and the problem of its dropped date.
    """
    return line_items(line, where)


def parse_record(record: dict[str, Any], where: str) -> list[Article | InputProblem]:
    """One Parquet row (its non-null fields) as a JSON record, as ``parse_line`` gives it."""
    return record_items({k: v for k, v in record.items() if v is not None}, where)


def plain_row(record: dict[str, Any]) -> dict[str, Any]:
    """A row as pandas gives it, with JSON-like values: arrays as lists, NaN (a missing number) as None."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, np.ndarray):
            value = value.tolist()
        elif isinstance(value, float) and math.isnan(value):
            value = None
        elif isinstance(value, np.integer):
            value = int(value)
        out[key] = value
    return out


_NULLABLE_DTYPES = {"int": "Int32", "long": "Int64", "double": "float64", "boolean": "boolean"}


def to_frame(rows: Sequence[dict[str, Any]], schema: str) -> Any:
    """A pandas DataFrame of ``rows`` for a Spark ``schema`` ("name type, ..."): missing values as nulls.

    Each column gets a dtype Arrow converts to its Spark type whatever its values
    (a column of nothing but missing values included): nullable integers,
    floats, and objects for strings, bytes and arrays.
    """
    import pandas as pd

    columns = {}
    for column in schema.split(", "):
        name, kind = column.split(" ", 1)
        dtype = _NULLABLE_DTYPES.get(kind, "object")
        columns[name] = pd.Series([row.get(name) for row in rows], dtype=dtype)
    return pd.DataFrame(columns)


def article_row(article: Article) -> dict[str, Any]:
    """The article's fields as a row (``authors`` as a list)."""
    row = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    row["authors"] = list(article.authors)
    return row


def article_of(row: dict[str, Any]) -> Article:
    """The ``Article`` of a row written by ``article_row``."""
    authors = row.get("authors")
    return Article(
        id=row["id"],
        text=row["text"],
        title=row.get("title"),
        url=row.get("url"),
        source=row.get("source"),
        published=row.get("published"),
        language=row.get("language") or "en",
        authors=tuple(authors) if authors is not None else (),
        kind=row.get("kind") or "article",
        origin=row.get("origin"),
    )


@cache
def corpus_agencies(sources: tuple[str, ...]) -> tuple[Agency, ...]:
    """The agencies cleaning knows for a corpus whose agency copy comes from ``sources`` (cached per worker)."""
    return agencies_with(sources)


def prepare_row(row: dict[str, Any], sources: tuple[str, ...]) -> Prepared:
    """Clean and segment one article row, with the corpus's agencies (as ``pipeline.analyze_articles`` does)."""
    return prepare(article_of(row), corpus_agencies(sources))


def stream_terms(prepared: Prepared, words: Sequence[str]) -> StreamTerms:
    """The terms ``stream_item.stream_item`` gives the clusterer, as distinct terms and counts."""
    item = stream_item(prepared, words, None, with_shingles=False)
    doc, title, names = Counter(item.document), Counter(item.title), Counter(item.names)
    return StreamTerms(
        list(doc), list(doc.values()), list(title), list(title.values()), list(names), list(names.values())
    )


def signatures(words: Sequence[Sequence[str]]) -> tuple[list[bytes], list[list[int]]]:
    """MinHash signatures (little-endian uint64 bytes) and LSH band keys (as int64) of word lists.

    The same shingles, hashes, permutations and band layout as ``dedup.DuplicateIndex``;
    a text without words gets no band keys (the index never compares it either).
    """
    hashes, counts = hashes_of_words(words, SHINGLE_WORDS)
    sigs = minhash_signatures(hashes, counts, NUM_PERM)
    bands, rows = cached_band_layout(DUPLICATE_MIN_JACCARD, NUM_PERM)
    keys = np.asarray(band_keys_of(sigs, bands, rows), dtype=np.uint64).reshape(len(words), bands).view(np.int64)
    out_keys = [k.tolist() if n else [] for k, n in zip(keys, counts.tolist(), strict=True)]
    return [s.astype("<u8").tobytes() for s in sigs], out_keys


def same_text(a: bytes, b: bytes) -> bool:
    """True when two signatures agree on enough values to be copies (``DuplicateIndex._matches``)."""
    x, y = np.frombuffer(a, dtype="<u8"), np.frombuffer(b, dtype="<u8")
    return int(np.count_nonzero(x == y)) / NUM_PERM >= DUPLICATE_MIN_JACCARD


# One clusterer whose document frequencies are set per article: its ``_vector`` weighs terms
# exactly as the in-process stream does when the article arrives.
_WEIGHER = StreamClusterer(FixedJoin())


def expand(terms: Iterable[str], counts: Iterable[int]) -> list[str]:
    """Terms repeated by their counts, in the given order (what ``Counter`` was built from)."""
    return [t for t, c in zip(terms, counts, strict=True) for _ in range(int(c))]


def distinct_terms(vectors: tuple[Vector, Vector, Vector], df: dict[str, int], seen: int) -> set[str]:
    """The article's distinctive terms (``StreamClusterer.distinct_terms``) given the frequencies at its arrival."""
    _WEIGHER.df = Counter(df)
    _WEIGHER.seen = seen
    return _WEIGHER.distinct_terms(vectors)


def article_vectors(terms: StreamTerms, df: dict[str, int], seen: int) -> tuple[Vector, Vector, Vector]:
    """Body, title and names TF-IDF vectors of an article given the frequencies at its arrival.

    ``df`` holds, for each of its terms, how many articles up to and including
    this one (in publication order) have the term in their story document;
    ``seen`` is the article's position + 1: what ``StreamClusterer.vectors_of``
    would have counted when the article arrived.
    """
    _WEIGHER.df = Counter(df)
    _WEIGHER.seen = seen
    return (
        _WEIGHER._vector(expand(terms.doc_terms, terms.doc_counts)),
        _WEIGHER._vector(expand(terms.title_terms, terms.title_counts)),
        _WEIGHER._vector(expand(terms.name_terms, terms.name_counts)),
    )
