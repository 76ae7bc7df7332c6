"""Which sentence pairs are worth scoring: lexical anchors plus embedding neighbours.

Scoring every sentence against every other costs the product of the two
texts' lengths, and for a story of m articles, m² times that. Instead a pair
becomes a candidate when

- the two sentences share a rare term of the group (a word stem or name that
  at most ``max(ANCHOR_MIN_DF, ANCHOR_DF_SHARE * sentences)`` sentences
  contain, or twice as many as the group has articles, so that a wire
  sentence copied into every article keeps its anchors): an inverted index,
  computed as a sparse product whose cost grows with the number of pairs
  sharing such a term, not with the square; or
- (with embeddings) they fall in the same bucket of one of ``LSH_TABLES``
  random-hyperplane hash tables (Charikar 2002: two unit vectors at angle θ
  agree on a random hyperplane with probability 1 - θ/π), which finds a
  reworded or machine-translated copy that shares few words.

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

from storytrace.align.features import SentenceSpace

# Up to this many sentence pairs (e.g. two 200-sentence articles), every pair is scored.
EXACT_MAX_PAIRS = 40_000
ANCHOR_MIN_DF = 3
ANCHOR_DF_SHARE = 0.02
# 4 tables of 10 bits: pairs at cosine 0.8 (angle 37°) share a bucket in at
# least one table with probability 1 - (1 - (1 - 37/180)^10)^4 = 0.36 each,
# at cosine 0.9 (26°) 0.69; near-duplicates (cosine 0.95) 0.93. Lexical
# anchors catch most copies, the tables the reworded ones.
LSH_TABLES = 4
LSH_BITS = 10


def candidate_pairs(space: SentenceSpace, rows_a: Sequence[int], rows_b: Sequence[int]) -> list[tuple[int, int]]:
    """Candidate (i, j) pairs, i indexing ``rows_a`` and j ``rows_b`` (local positions), sorted."""
    if not rows_a or not rows_b:
        return []
    if len(rows_a) * len(rows_b) <= EXACT_MAX_PAIRS:
        return [(i, j) for i in range(len(rows_a)) for j in range(len(rows_b))]
    found = _anchor_block(space, rows_a, rows_b)
    if space.embeddings is not None:
        found = found + _lsh_block(space.embeddings, rows_a, rows_b)
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
    pairs_i, pairs_j = found.row.tolist(), found.col.tolist()
    if space.embeddings is not None and n:
        keys = lsh_keys(space.embeddings)
        for t in range(LSH_TABLES):
            buckets: dict[int, list[int]] = {}
            for r, key in enumerate(keys[:, t].tolist()):
                buckets.setdefault(int(key), []).append(r)
            for members in buckets.values():
                for x, r1 in enumerate(members):
                    pairs_i.extend([r1] * (len(members) - x - 1))
                    pairs_j.extend(members[x + 1 :])
    out: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for r1, r2 in zip(pairs_i, pairs_j, strict=True):
        x, y = int(owner[r1]), int(owner[r2])
        if x == y:
            continue
        if x > y:
            x, y, r1, r2 = y, x, r2, r1
        out.setdefault((x, y), set()).add((r1 - offsets[x], r2 - offsets[y]))
    return {key: sorted(found_pairs) for key, found_pairs in out.items()}


def anchor_matrix(space: SentenceSpace) -> sparse.csr_matrix:
    """Sentences x rare terms of the space (1 where the sentence has the term)."""
    n = len(space.infos)
    max_df = max(ANCHOR_MIN_DF, int(ANCHOR_DF_SHARE * n), 2 * space.anchor_max_df)
    column: dict[str, int] = {}
    rows, cols = [], []
    for r, info in enumerate(space.infos):
        for term in set(info.stems) | info.names:
            if space.df.get(term, 0) <= max_df:
                rows.append(r)
                cols.append(column.setdefault(term, len(column)))
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(1, len(column))))


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


def _lsh_block(embeddings: np.ndarray, rows_a: Sequence[int], rows_b: Sequence[int]) -> sparse.csr_matrix:
    keys_a, keys_b = lsh_keys(embeddings[list(rows_a)]), lsh_keys(embeddings[list(rows_b)])
    found_i: list[int] = []
    found_j: list[int] = []
    for t in range(LSH_TABLES):
        buckets: dict[int, list[int]] = {}
        for j, key in enumerate(keys_b[:, t]):
            buckets.setdefault(int(key), []).append(j)
        for i, key in enumerate(keys_a[:, t]):
            for j in buckets.get(int(key), ()):
                found_i.append(i)
                found_j.append(j)
    shape = (len(rows_a), len(rows_b))
    return sparse.csr_matrix((np.ones(len(found_i)), (found_i, found_j)), shape=shape)
