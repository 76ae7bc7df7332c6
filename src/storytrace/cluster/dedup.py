"""Near-duplicate collapse: syndicated copies of one text, found with MinHash LSH.

A wire story reprinted with another headline, a footer or a few edits keeps
almost all of its word 5-grams. Each article's content becomes a set of word
shingles, summarised by a MinHash (Broder 1997) and looked up in a MinHash LSH
index (datasketch) before it is inserted: a hit whose estimated Jaccard
similarity reaches ``DUPLICATE_MIN_JACCARD`` makes the article a duplicate.

Every group of duplicates is represented by its earliest copy (by
``published``, then arrival): when a copy arrives before its original, the
original takes its place as the group's representative, so the result does not
depend on arrival order.

Not here: grouping different texts of one story (``stream``/``grouping``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from datasketch import MinHash, MinHashLSH

from storytrace.text.tokens import normal_words

SHINGLE_WORDS = 5
NUM_PERM = 64
# Texts sharing 80 % of their 5-word shingles are copies of one text (a reprint
# with another headline and footer keeps more than 90 % of the body's shingles).
DUPLICATE_MIN_JACCARD = 0.8


def shingles(text: str, size: int = SHINGLE_WORDS) -> list[bytes]:
    """The distinct word ``size``-grams of ``text`` (the whole text when it is shorter)."""
    return word_shingles(normal_words(text), size)


def word_shingles(words: Sequence[str], size: int = SHINGLE_WORDS) -> list[bytes]:
    """``shingles`` of already normalised words."""
    if len(words) <= size:
        return [" ".join(words).encode("utf-8")] if words else []
    return list(dict.fromkeys(" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)))


@dataclass
class DuplicateIndex:
    """An incremental near-duplicate index: add texts one by one, ask who they copy."""

    threshold: float = DUPLICATE_MIN_JACCARD
    num_perm: int = NUM_PERM
    lsh: MinHashLSH = field(init=False)
    signatures: dict[str, MinHash] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)  # union-find; each root is its group's earliest copy
    order: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (published or "~", arrival)
    last_hits: list[str] = field(default_factory=list)  # the copies the last text added matched
    hits_of: dict[str, list[str]] = field(default_factory=dict)  # key -> the earlier copies it matched

    def __post_init__(self) -> None:
        self.lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)

    def add(self, key: str, text: str, published: str | None = None) -> str | None:
        """Index ``text`` under ``key``; the key of the earliest copy it duplicates, or None."""
        return self.add_many([(key, text, published)])[0]

    def add_many(self, items: Sequence[tuple[str, str, str | None]]) -> list[str | None]:
        """``add`` for many texts (their MinHashes are computed in one batch)."""
        return self.add_shingled([(key, shingles(text), published) for key, text, published in items])

    def add_shingled(self, items: Sequence[tuple[str, list[bytes], str | None]]) -> list[str | None]:
        """``add_many`` for texts already cut into shingles."""
        sets = [s for _, s, _ in items]
        hashes = MinHash.bulk(sets, num_perm=self.num_perm) if sets else []
        return [
            self._insert(key, published, m, bool(s))
            for (key, _, published), m, s in zip(items, hashes, sets, strict=True)
        ]

    def _insert(self, key: str, published: str | None, signature: MinHash, has_text: bool) -> str | None:
        if key in self.signatures:
            return self.duplicate_of(key)
        self.order[key] = (published or "~", len(self.order))
        self.signatures[key] = signature
        self.parent[key] = key
        self.last_hits = []
        if not has_text:
            return None
        for hit in self.lsh.query(signature):
            if signature.jaccard(self.signatures[hit]) >= self.threshold:
                self._union(key, hit)
                self.last_hits.append(hit)
        self.hits_of[key] = list(self.last_hits)
        self.lsh.insert(key, signature)
        return self.duplicate_of(key)

    def _find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:  # path compression
            self.parent[key], key = root, self.parent[key]
        return root

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=lambda k: self.order[k])
            self.parent[second] = first

    def duplicate_of(self, key: str) -> str | None:
        """The earliest copy of ``key``'s group, or None when ``key`` is that copy (or alone)."""
        if key not in self.parent:
            return None
        root = self._find(key)
        return None if root == key else root


def collapse(items: Iterable[tuple[str, str, str | None]]) -> dict[str, str]:
    """``{duplicate key: earliest copy's key}`` for ``(key, text, published)`` items."""
    index = DuplicateIndex()
    keys = []
    batch: list[tuple[str, str, str | None]] = []
    for item in items:
        batch.append(item)
        keys.append(item[0])
        if len(batch) >= 1000:
            index.add_many(batch)
            batch = []
    index.add_many(batch)
    return {k: rep for k in keys if (rep := index.duplicate_of(k)) is not None}
