"""Which sentence pairs are worth scoring: lexical anchors plus embedding neighbours.

Scoring every sentence against every other costs the product of the two
texts' lengths, and for a story of m articles, m² times that. Instead a pair
becomes a candidate when

- the two sentences share a rare term of the group (a word stem or name that
  at most ``max(ANCHOR_MIN_DF, ANCHOR_DF_SHARE * sentences)`` sentences
  contain, or twice as many as the group has articles, so that a wire
  sentence copied into every article keeps its anchors; the rule is
  ``features.anchor_matrix``, kept with the space it indexes): an inverted index,
  computed as a sparse product whose cost grows with the number of pairs
  sharing such a term, not with the square; or
- (with embeddings) they fall in the same bucket of one of ``LSH_TABLES``
  random-hyperplane hash tables (Charikar 2002: two unit vectors at angle θ
  agree on a random hyperplane with probability 1 - θ/π), which finds a
  reworded or machine-translated copy that shares few words.

Both stay linear in the number of sentences, however long the articles: a
term is rare in at most ``ANCHOR_MAX_SHARE_DF`` sentences whatever the
share (beyond the twice-the-articles rule), and a bucket of more than
``LSH_MAX_BUCKET`` sentences pairs each with its ``NEIGHBOURS`` nearest
only (``lsh_pairs``); sentences with the same words in two articles pair
in order of occurrence (``repeat_pairs``), as every pair of a line repeated
hundreds of times would not be linear.

Below ``EXACT_MAX_PAIRS`` sentence pairs the exact all-pairs set is returned:
there, scoring everything is cheaper than indexing. ``story_candidates`` does
the same once for a whole story, so that article pairs with no candidate are
not compared sentence by sentence at all.

Not here: scoring the candidates (``features``) or choosing among them (``match``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from storytrace.align.features import SentenceInfo, SentenceSpace

# Up to this many sentence pairs (e.g. two 200-sentence articles), every pair is scored.
EXACT_MAX_PAIRS = 40_000
# 4 tables of 10 bits: pairs at cosine 0.8 (angle 37°) share a bucket in at
# least one table with probability 1 - (1 - (1 - 37/180)^10)^4 = 0.36 each,
# at cosine 0.9 (26°) 0.69; near-duplicates (cosine 0.95) 0.93. Lexical
# anchors catch most copies, the tables the reworded ones.
LSH_TABLES = 4
LSH_BITS = 10
# Sentence vectors are far from uniform on the sphere: the buckets of a long text hold thousands of
# sentences, and every pair of each is a number of pairs growing with the square of the text (3.8 million
# for two 5,000-sentence articles). Up to LSH_MAX_BUCKET sentences a bucket pairs them all; a larger one
# pairs each sentence with its NEIGHBOURS nearest, found in parts of at most NEIGHBOUR_GROUP sentences.
LSH_MAX_BUCKET = 32
NEIGHBOUR_GROUP = 256
NEIGHBOURS = 8


def candidate_pairs(space: SentenceSpace, rows_a: Sequence[int], rows_b: Sequence[int]) -> list[tuple[int, int]]:
    """Candidate (i, j) pairs, i indexing ``rows_a`` and j ``rows_b`` (local positions), sorted."""
    if not rows_a or not rows_b:
        return []
    if len(rows_a) * len(rows_b) <= EXACT_MAX_PAIRS:
        return [(i, j) for i in range(len(rows_a)) for j in range(len(rows_b))]
    found = _anchor_block(space, rows_a, rows_b)
    if space.embeddings is not None:
        found = found + _lsh_block(space, rows_a, rows_b)
    coo = sparse.coo_matrix(found)
    return sorted({(int(i), int(j)) for i, j in zip(coo.row, coo.col, strict=True)})


def story_candidates(space: SentenceSpace, offsets: Sequence[int]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Candidates of a story in one pass: {(article x, article y): [(i, j) local pairs]}, x < y.

    ``offsets`` are the first rows of each article in ``space`` (and the end).
    """
    n = offsets[-1]
    owner = np.repeat(np.arange(len(offsets) - 1), np.diff(np.asarray(offsets)))
    anchors = space.anchor_index()
    found = sparse.triu(anchors @ anchors.T, k=1).tocoo()
    firsts, seconds = [found.row.astype(np.int64)], [found.col.astype(np.int64)]
    if space.embeddings is not None and n:
        for more in (lsh_pairs(space.embeddings), repeat_pairs(space.infos, owner)):
            firsts.append(more[0])
            seconds.append(more[1])
    r1, r2 = np.concatenate(firsts), np.concatenate(seconds)
    x, y = owner[r1], owner[r2]
    cross = x != y
    r1, r2, x, y = r1[cross], r2[cross], x[cross], y[cross]
    swap = x > y
    r1, r2 = np.where(swap, r2, r1), np.where(swap, r1, r2)
    x, y = np.minimum(x, y), np.maximum(x, y)
    keys = np.unique(np.stack([x, y, r1, r2], axis=1), axis=0)  # sorted by article pair, then rows
    bounds = np.asarray(offsets)
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for xa, ya, ra, rb in keys.tolist():
        out.setdefault((xa, ya), []).append((ra - int(bounds[xa]), rb - int(bounds[ya])))
    return out


def _anchor_block(space: SentenceSpace, rows_a: Sequence[int], rows_b: Sequence[int]) -> sparse.csr_matrix:
    anchors = space.anchor_index()
    block: sparse.csr_matrix = anchors[list(rows_a)] @ anchors[list(rows_b)].T
    return block


def lsh_keys(vectors: np.ndarray, seed: int = 0) -> np.ndarray:
    """Bucket keys, one column per table, of unit vectors (rows)."""
    rng = np.random.default_rng(seed)
    planes = rng.standard_normal((LSH_TABLES, vectors.shape[1], LSH_BITS))
    weights = 1 << np.arange(LSH_BITS)
    bits = np.einsum("nd,tdb->ntb", vectors, planes) > 0
    keys: np.ndarray = (bits * weights).sum(axis=2)
    return keys


def lsh_pairs(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs (first < second; a pair may repeat) that share a bucket of one of the tables.

    In a bucket of at most ``LSH_MAX_BUCKET`` rows every two rows pair; a larger
    one is cut in halves at the median of a random projection until its parts
    hold at most ``NEIGHBOUR_GROUP`` rows, in which each row pairs with its
    ``NEIGHBOURS`` nearest by cosine.
    """
    firsts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    seconds: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    keys = lsh_keys(vectors)
    for t in range(LSH_TABLES):
        order = np.argsort(keys[:, t], kind="stable")
        for group in np.split(order, np.flatnonzero(np.diff(keys[order, t])) + 1):
            if len(group) <= LSH_MAX_BUCKET:
                upper_i, upper_j = np.triu_indices(len(group), k=1)
                firsts.append(group[upper_i])
                seconds.append(group[upper_j])
                continue
            for part in _median_parts(vectors, group, t):
                near_i, near_j = _nearest(vectors, part)
                firsts.append(np.minimum(near_i, near_j))
                seconds.append(np.maximum(near_i, near_j))
    return np.concatenate(firsts), np.concatenate(seconds)


def _median_parts(vectors: np.ndarray, rows: np.ndarray, table: int) -> list[np.ndarray]:
    """``rows`` cut in halves by rank along random directions until no part holds over ``NEIGHBOUR_GROUP`` rows."""
    done, todo = [], [(rows, 0)]
    while todo:
        part, depth = todo.pop()
        if len(part) <= NEIGHBOUR_GROUP:
            done.append(np.sort(part))
            continue
        direction = np.random.default_rng([table, depth]).standard_normal(vectors.shape[1])
        order = np.argsort(vectors[part] @ direction, kind="stable")
        half = len(part) // 2
        todo += [(part[order[:half]], depth + 1), (part[order[half:]], depth + 1)]
    return done


def _nearest(vectors: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each of ``rows`` with its ``NEIGHBOURS`` nearest among them by cosine (unit rows): two arrays of rows."""
    k = min(NEIGHBOURS, len(rows) - 1)
    if k < 1:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    sims = vectors[rows] @ vectors[rows].T
    np.fill_diagonal(sims, -np.inf)
    nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    return np.repeat(rows, k), rows[nearest.ravel()]


def repeat_pairs(infos: Sequence[SentenceInfo], owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows (first < second) of sentences with the same words in two articles (``owner``: each row's article).

    The k-th such sentence of one article pairs with the k-th of the other: a
    line repeated hundreds of times has identical vectors, which ``lsh_pairs``
    pairs with their nearest only, and every pair of them would grow with the
    square of the repeats.
    """
    by_words: dict[str, list[int]] = {}
    for r, info in enumerate(infos):
        if info.words:
            by_words.setdefault(info.joined, []).append(r)
    firsts: list[int] = []
    seconds: list[int] = []
    for rows in by_words.values():
        by_owner: dict[int, list[int]] = {}
        for r in rows:
            by_owner.setdefault(int(owner[r]), []).append(r)
        runs = list(by_owner.values())  # in row order, so in article order
        for k, xs in enumerate(runs):
            for ys in runs[k + 1 :]:
                firsts.extend(xs[: len(ys)])
                seconds.extend(ys[: len(xs)])
    return np.array(firsts, dtype=np.int64), np.array(seconds, dtype=np.int64)


def _lsh_block(space: SentenceSpace, rows_a: Sequence[int], rows_b: Sequence[int]) -> sparse.csr_matrix:
    assert space.embeddings is not None
    n_a = len(rows_a)
    rows = [*rows_a, *rows_b]
    first, second = lsh_pairs(space.embeddings[rows])
    owner = np.repeat([0, 1], [n_a, len(rows_b)])
    same_first, same_second = repeat_pairs([space.infos[r] for r in rows], owner)
    first, second = np.concatenate([first, same_first]), np.concatenate([second, same_second])
    cross = (first < n_a) & (second >= n_a)  # first < second: an a row with a b row
    found_i, found_j = first[cross], second[cross] - n_a
    shape = (n_a, len(rows_b))
    return sparse.csr_matrix((np.ones(len(found_i)), (found_i, found_j)), shape=shape)
