"""Near-duplicate collapse: syndicated copies of one text, found with MinHash LSH.

A wire story reprinted with another headline, a footer or a few edits keeps
almost all of its word 5-grams. Each article's content becomes a set of word
shingles, summarised by a MinHash signature (Broder 1997) and looked up in a
banded LSH index before it is inserted: an earlier article sharing a band is a
candidate, and a candidate whose estimated Jaccard similarity (the share of
equal signature values) reaches ``DUPLICATE_MIN_JACCARD`` makes the article a
duplicate.

Signatures are computed with numpy for a whole batch at once. A shingle's hash
is a polynomial hash of its UTF-8 bytes (the words joined by single spaces),
finalised with MurmurHash3's 64-bit mixer; it depends on the shingle alone, so
texts, word lists and ready-made shingles give the same signature, and its
constants come from BLAKE2b of fixed labels, so signatures are the same in
every process and run (never Python's salted ``hash``). Each of the
``num_perm`` permutations is ``x -> a * x + b mod 2**64`` with ``a`` odd (a
bijection of 64-bit values), as in datasketch's current MinHash scheme.

Every group of duplicates is represented by its earliest copy (by
``published``, then arrival): when a copy arrives before its original, the
original takes its place as the group's representative, so the result does not
depend on arrival order.

Not here: grouping different texts of one story (``stream``/``grouping``);
signatures compatible with datasketch's (the hashes differ, the estimates do
not); removal of texts from the index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

import numpy as np
import numpy.typing as npt

from storytrace.published import order_key
from storytrace.text.tokens import normal_words

SHINGLE_WORDS = 5
NUM_PERM = 64
# Texts sharing 80 % of their 5-word shingles are copies of one text (a reprint
# with another headline and footer keeps more than 90 % of the body's shingles).
DUPLICATE_MIN_JACCARD = 0.8
# Candidates are verified on the whole signature, so the band layout weighs a
# missed pair more than a needless candidate (datasketch weighs both 0.5; for
# 0.8 and 64 permutations that gives 5 bands of 11 rows, which finds only a third
# of the pairs whose signatures agree on 80 % of their values).
FALSE_NEGATIVE_WEIGHT = 0.9
CHUNK_SHINGLES = 1 << 15  # shingles (or words) hashed at a time: bounds the temporary arrays
CHUNK_PERMUTED = 1 << 13  # shingles permuted at a time: NUM_PERM times as many uint64 fit in the CPU cache

U64 = npt.NDArray[np.uint64]
Counts = npt.NDArray[np.int64]
_MASK = (1 << 64) - 1


def shingles(text: str, size: int = SHINGLE_WORDS) -> list[bytes]:
    """The distinct word ``size``-grams of ``text`` (the whole text when it is shorter)."""
    return word_shingles(normal_words(text), size)


def word_shingles(words: Sequence[str], size: int = SHINGLE_WORDS) -> list[bytes]:
    """``shingles`` of already normalised words."""
    if len(words) <= size:
        return [" ".join(words).encode("utf-8")] if words else []
    encoded = " ".join(words).encode("utf-8").split(b" ")
    if len(encoded) != len(words):  # a word with a space in it
        encoded = [w.encode("utf-8") for w in words]
    return list(dict.fromkeys(map(b" ".join, zip(*(encoded[i:] for i in range(size)), strict=False))))


# --- stable constants -------------------------------------------------------------------------


def _stable_u64(label: str, count: int, odd: bool = False) -> list[int]:
    """``count`` 64-bit constants from BLAKE2b of ``label``: the same on every machine and run."""
    out = []
    for i in range(count):
        value = int.from_bytes(hashlib.blake2b(f"storytrace.dedup.{label}.{i}".encode(), digest_size=8).digest())
        out.append(value | 1 if odd else value)
    return out


_BASE = _stable_u64("polynomial-base", 1, odd=True)[0]
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_LENGTH_SALT = _stable_u64("length-salt", 1, odd=True)[0]


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[U64, U64]:
    """The multipliers (odd) and offsets of the ``num_perm`` permutations."""
    a = np.array(_stable_u64("perm-a", num_perm, odd=True), dtype=np.uint64)
    b = np.array(_stable_u64("perm-b", num_perm), dtype=np.uint64)
    return a, b


@lru_cache(maxsize=8)
def _band_salts(rows: int) -> U64:
    return np.array(_stable_u64("band-row", rows, odd=True), dtype=np.uint64)


class _Powers:
    """``base**i mod 2**64`` and ``base**-i`` for ``i`` below a growing bound."""

    def __init__(self) -> None:
        self.tables: tuple[U64, U64] = (_power_table(_BASE, 1 << 16), _power_table(_BASE_INVERSE, 1 << 16))

    def upto(self, n: int) -> tuple[U64, U64]:
        up, down = self.tables
        if n > len(up):
            size = max(n, 2 * len(up))
            up, down = self.tables = (_power_table(_BASE, size), _power_table(_BASE_INVERSE, size))
        return up[:n], down[:n]


def _power_table(base: int, size: int) -> U64:
    factors = np.full(size, base, dtype=np.uint64)
    factors[0] = 1
    return np.multiply.accumulate(factors, dtype=np.uint64)


_POWERS = _Powers()


# --- shingle hashes ---------------------------------------------------------------------------


def _fmix64(x: U64) -> U64:
    """MurmurHash3's 64-bit finaliser, in place: every input bit reaches every output bit."""
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> np.uint64(33)
    return x


def _segment_hashes(buffer: bytes, starts: Counts, ends: Counts) -> U64:
    """The 64-bit hash of each ``buffer[start:end]``, a function of those bytes alone.

    ``sum(byte_i * base**-i)`` over the segment (``i`` counted from its start),
    read off prefix sums of the whole buffer, then salted with the length and
    mixed.
    """
    up, down = _POWERS.upto(len(buffer) + 1)
    prefix = np.empty(len(buffer) + 1, dtype=np.uint64)
    prefix[0] = 0
    np.multiply(np.frombuffer(buffer, dtype=np.uint8), down[: len(buffer)], out=prefix[1:])
    np.cumsum(prefix[1:], out=prefix[1:])
    hashes = prefix[ends] - prefix[starts]
    hashes *= up[starts]
    hashes += (ends - starts).astype(np.uint64) * np.uint64(_LENGTH_SALT)
    return _fmix64(hashes)


def _chunks(sizes: Sequence[int], limit: int) -> Iterable[range]:
    """Consecutive index ranges whose ``sizes`` add up to about ``limit`` (at least one index each)."""
    start, total = 0, 0
    for i, size in enumerate(sizes):
        if total and total + size > limit:
            yield range(start, i)
            start, total = i, 0
        total += size
    if start < len(sizes):
        yield range(start, len(sizes))


def _hashes_of_shingles(sets: Sequence[Sequence[bytes]]) -> tuple[U64, Counts]:
    """The hashes of all shingles of ``sets``, concatenated, and how many each set has."""
    counts = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
    parts = [
        _joined_hashes(sets[c.start : c.stop], n)
        for c in _chunks(counts.tolist(), CHUNK_SHINGLES)
        if (n := int(counts[c.start : c.stop].sum()))
    ]
    return _concat(parts), counts


def _joined_hashes(sets: Sequence[Sequence[bytes]], count: int) -> U64:
    """The hashes of the ``count`` shingles of a few ``sets``, hashed in one buffer."""
    buffer = b"\n".join(chain.from_iterable(sets))
    breaks = np.flatnonzero(np.frombuffer(buffer, dtype=np.uint8) == ord("\n"))
    if len(breaks) != count - 1:  # a shingle with a line break in it: measure each one
        lengths = np.fromiter(map(len, chain.from_iterable(sets)), dtype=np.int64, count=count)
        ends = np.cumsum(lengths + 1) - 1
        breaks = ends[:-1]
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [len(buffer)]])
    return _segment_hashes(buffer, starts, ends)


def hashes_of_words(docs: Sequence[Sequence[str]], size: int) -> tuple[U64, Counts]:
    """The hashes of the word ``size``-gram shingles of each word list (repeats included), and how many."""
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    counts = np.where(lengths > 0, np.maximum(lengths - size + 1, 1), 0)
    parts = []
    for c in _chunks(lengths.tolist(), CHUNK_SHINGLES):
        if c.stop - c.start == 1 and lengths[c.start] > CHUNK_SHINGLES:  # one long text alone: a slice at a time
            words = docs[c.start]
            step = range(0, len(words) - size + 1, CHUNK_SHINGLES)
            parts += [_window_hashes([words[k : k + CHUNK_SHINGLES + size - 1]], size) for k in step]
        else:
            parts.append(_window_hashes(docs[c.start : c.stop], size))
    return _concat(parts), counts


def _window_hashes(docs: Sequence[Sequence[str]], size: int) -> U64:
    """``hashes_of_words`` of a few documents: the words' bytes are hashed in one buffer."""
    buffer = " ".join(chain.from_iterable(docs)).encode("utf-8")
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    if not lengths.sum():
        return np.empty(0, dtype=np.uint64)
    spaces = np.flatnonzero(np.frombuffer(buffer, dtype=np.uint8) == ord(" "))
    if len(spaces) + 1 != lengths.sum():  # a word with a space in it: hash each window's own bytes
        return _hashes_of_shingles([_windows(w, size) for w in docs])[0]
    word_starts = np.concatenate([[0], spaces + 1])
    word_ends = np.concatenate([spaces, [len(buffer)]])
    first_word = np.cumsum(lengths) - lengths
    windows = np.where(lengths > 0, np.maximum(lengths - size + 1, 1), 0)
    doc_of = np.repeat(np.arange(len(docs)), windows)
    first = first_word[doc_of] + np.arange(len(doc_of)) - np.repeat(np.cumsum(windows) - windows, windows)
    last = first + np.minimum(lengths, size)[doc_of] - 1
    return _segment_hashes(buffer, word_starts[first], word_ends[last])


def _windows(words: Sequence[str], size: int) -> list[bytes]:
    """Every word ``size``-gram of ``words`` (repeats included), or the whole text when shorter."""
    if len(words) <= size:
        return [" ".join(words).encode("utf-8")] if words else []
    return [" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)]


def _concat(parts: list[U64]) -> U64:
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)


# --- signatures and bands ---------------------------------------------------------------------


def minhash_signatures(hashes: U64, counts: Counts, num_perm: int = NUM_PERM) -> U64:
    """One MinHash signature per document (rows) from its shingle hashes (``counts[i]`` consecutive ones).

    A document without shingles gets the all-``2**64 - 1`` signature.
    """
    a, b = _permutations(num_perm)
    out = np.full((len(counts), num_perm), _MASK, dtype=np.uint64)
    offsets = np.cumsum(counts) - counts
    docs = np.flatnonzero(counts)
    for chunk in _chunks(counts[docs].tolist(), CHUNK_PERMUTED):
        chosen = docs[chunk.start : chunk.stop]
        lo, hi = int(offsets[chosen[0]]), int(offsets[chosen[-1]] + counts[chosen[-1]])
        if hi - lo > CHUNK_PERMUTED:  # one long text alone: its shingles permuted a slice at a time
            out[chosen[0]] = _signature_in_slices(hashes[lo:hi], a, b)
            continue
        permuted = np.multiply.outer(a, hashes[lo:hi])  # one row per permutation: reduceat runs along rows
        permuted += b[:, None]
        out[chosen] = np.minimum.reduceat(permuted, offsets[chosen] - lo, axis=1).T
    return out


def _signature_in_slices(hashes: U64, a: U64, b: U64) -> U64:
    """The MinHash signature of one text's shingle ``hashes``, ``CHUNK_PERMUTED`` of them permuted at a time.

    Permuting a 10 MB article's 1.7 million shingles at once took 870 MB.
    """
    signature = np.full(len(a), _MASK, dtype=np.uint64)
    for lo in range(0, len(hashes), CHUNK_PERMUTED):
        permuted = np.multiply.outer(a, hashes[lo : lo + CHUNK_PERMUTED])
        permuted += b[:, None]
        np.minimum(signature, permuted.min(axis=1), out=signature)
    return signature


def band_layout(
    threshold: float, num_perm: int, false_negative_weight: float = FALSE_NEGATIVE_WEIGHT
) -> tuple[int, int]:
    """``(bands, rows)`` minimising the weighted area of false candidates and missed pairs.

    The LSH S-curve ``1 - (1 - s**rows)**bands`` is integrated below
    ``threshold`` (false candidates) and above it (missed pairs), as datasketch
    does with equal weights.
    """
    below = np.linspace(0.0, threshold, 201)
    above = np.linspace(threshold, 1.0, 201)
    best, best_cost = (1, num_perm), np.inf
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp = np.trapezoid(1 - (1 - below**rows) ** bands, below)
            fn = np.trapezoid((1 - above**rows) ** bands, above)
            cost = float((1 - false_negative_weight) * fp + false_negative_weight * fn)
            if cost < best_cost:
                best, best_cost = (bands, rows), cost
    return best


@lru_cache(maxsize=8)
def cached_band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """``band_layout`` with the default weight, computed once per threshold and number of permutations."""
    return band_layout(threshold, num_perm)


def band_keys_of(signatures: U64, bands: int, rows: int) -> list[list[int]]:
    """Each signature's ``bands`` band keys: its ``rows`` values of each band mixed into one integer."""
    grouped = signatures[:, : bands * rows].reshape(len(signatures), bands, rows)
    mixed = (grouped * _band_salts(rows)).sum(axis=2, dtype=np.uint64)
    keys: list[list[int]] = _fmix64(mixed).tolist()
    return keys


# --- the index --------------------------------------------------------------------------------


@dataclass
class DuplicateIndex:
    """An incremental near-duplicate index: add texts one by one, ask who they copy."""

    threshold: float = DUPLICATE_MIN_JACCARD
    num_perm: int = NUM_PERM
    signatures: dict[str, U64] = field(default_factory=dict)  # key -> its MinHash signature
    parent: dict[str, str] = field(default_factory=dict)  # union-find; each root is its group's earliest copy
    order: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (published or "~", arrival)
    last_hits: list[str] = field(default_factory=list)  # the copies the last text added matched
    hits_of: dict[str, list[str]] = field(default_factory=dict)  # key -> the earlier copies it matched
    bands: int = field(init=False)
    rows: int = field(init=False)
    # One table per band: band key -> the key with it, or a list when several have it (a bucket
    # of one key is a plain string, so most buckets add no object for the garbage collector to walk).
    tables: list[dict[int, str | list[str]]] = field(init=False)

    def __post_init__(self) -> None:
        self.bands, self.rows = cached_band_layout(self.threshold, self.num_perm)
        self.tables = [{} for _ in range(self.bands)]

    def add(self, key: str, text: str, published: str | None = None) -> str | None:
        """Index ``text`` under ``key``; the key of the earliest copy it duplicates, or None."""
        return self.add_many([(key, text, published)])[0]

    def add_many(self, items: Sequence[tuple[str, str, str | None]]) -> list[str | None]:
        """``add`` for many texts (their signatures are computed in one batch)."""
        return self.add_words([(key, normal_words(text), published) for key, text, published in items])

    def add_shingled(self, items: Sequence[tuple[str, list[bytes], str | None]]) -> list[str | None]:
        """``add_many`` for texts already cut into shingles."""
        hashes, counts = _hashes_of_shingles([s for _, s, _ in items])
        return self._insert_all(items, hashes, counts)

    def add_words(self, items: Sequence[tuple[str, Sequence[str], str | None]]) -> list[str | None]:
        """``add_many`` for texts already cut into normalised words (``normal_words``): the fastest way in."""
        hashes, counts = hashes_of_words([w for _, w, _ in items], SHINGLE_WORDS)
        return self._insert_all(items, hashes, counts)

    def _insert_all(
        self, items: Sequence[tuple[str, object, str | None]], hashes: U64, counts: Counts
    ) -> list[str | None]:
        signatures = minhash_signatures(hashes, counts, self.num_perm)
        band_keys = band_keys_of(signatures, self.bands, self.rows)
        return [
            self._insert(key, published, signature, bands if count else None)
            for (key, _, published), signature, bands, count in zip(
                items, signatures, band_keys, counts.tolist(), strict=True
            )
        ]

    def _insert(self, key: str, published: str | None, signature: U64, band_keys: list[int] | None) -> str | None:
        if key in self.signatures:
            return self.duplicate_of(key)
        self.order[key] = (published or "~", len(self.order))
        self.signatures[key] = signature
        self.parent[key] = key
        self.last_hits = []
        if band_keys is None:  # no text: nothing to compare
            return None
        for hit in self._matches(signature, self._candidates(band_keys)):
            self._union(key, hit)
            self.last_hits.append(hit)
        self.hits_of[key] = list(self.last_hits)
        for table, band in zip(self.tables, band_keys, strict=True):
            bucket = table.setdefault(band, key)
            if isinstance(bucket, list):
                bucket.append(key)
            elif bucket != key:
                table[band] = [bucket, key]
        return self.duplicate_of(key)

    def _candidates(self, band_keys: list[int]) -> list[str]:
        """The indexed keys sharing a band with ``band_keys``, in arrival order."""
        found: set[str] = set()
        for table, band in zip(self.tables, band_keys, strict=True):
            bucket = table.get(band)
            if isinstance(bucket, str):
                found.add(bucket)
            elif bucket:
                found.update(bucket)
        return sorted(found, key=lambda k: self.order[k][1]) if len(found) > 1 else list(found)

    def _matches(self, signature: U64, candidates: list[str]) -> list[str]:
        """The ``candidates`` whose estimated Jaccard similarity with ``signature`` reaches the threshold."""
        if not candidates:
            return []
        others = np.stack([self.signatures[c] for c in candidates])
        equal = np.count_nonzero(others == signature, axis=1)
        return [c for c, n in zip(candidates, equal.tolist(), strict=True) if n / self.num_perm >= self.threshold]

    def jaccard(self, a: str, b: str) -> float:
        """The estimated Jaccard similarity of two added texts (the share of equal signature values)."""
        return float(np.count_nonzero(self.signatures[a] == self.signatures[b])) / self.num_perm

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
            first, second = sorted((ra, rb), key=self._when)
            self.parent[second] = first

    def _when(self, key: str) -> tuple[tuple[bool, str], int]:
        """``key``'s place in publication order (``published.order_key``), then arrival."""
        published, arrival = self.order[key]
        return order_key(None if published == "~" else published), arrival

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
