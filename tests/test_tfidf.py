"""The story space's count and TF-IDF matrices, built from their arrays, are the scipy expressions' to the bit.

``features.term_counts`` and ``features.tfidf_of_counts`` build their CSR
arrays directly instead of going through COO, an element-wise square, a row
sum and a diagonal product. Every sentence score is a sum over these rows, in
their order, so the rows must hold the same values in the same order: the
scipy expressions below are the reference.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from storytrace.align.features import term_counts, tfidf_of_counts

TERMS = st.sampled_from(["quay", "ferry", "velm", "pier", "tide", "eskerby", "storm", "toll", "gull", "mast"])
DOCS = st.lists(st.lists(TERMS, max_size=12).map(Counter), min_size=1, max_size=25)


def reference_counts(bags: list[Counter[str]]) -> sparse.csr_matrix:
    """Counts through COO, as the matrices were built before."""
    column = {term: k for k, term in enumerate(dict.fromkeys(chain.from_iterable(bags)))}
    cols = [column[t] for bag in bags for t in bag]
    counts = [float(c) for bag in bags for c in bag.values()]
    rows = [r for r, bag in enumerate(bags) for _ in bag]
    return sparse.csr_matrix((counts, (rows, cols)), shape=(len(bags), max(1, len(column))))


def reference_tfidf(raw: sparse.csr_matrix) -> sparse.csr_matrix:
    """Sublinear tf times smoothed idf, rows scaled to unit length by a diagonal product, as before."""
    if raw.nnz == 0:
        return sparse.csr_matrix(raw.shape)
    coo = raw.tocoo()
    df = np.bincount(coo.col, minlength=raw.shape[1])
    idf = np.log((1 + raw.shape[0]) / (1 + df)) + 1.0
    matrix = sparse.csr_matrix(((1.0 + np.log(coo.data)) * idf[coo.col], (coo.row, coo.col)), shape=raw.shape)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def same_bits(a: sparse.csr_matrix, b: sparse.csr_matrix) -> bool:
    return (
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and a.data.tobytes() == b.data.tobytes()
    )


@settings(max_examples=200, deadline=None)
@given(bags=DOCS)
def test_counts_and_tfidf_are_the_reference_to_the_bit(bags: list[Counter[str]]) -> None:
    counts = term_counts(bags)
    assert same_bits(counts, reference_counts(bags))
    weighted, reference = tfidf_of_counts(counts), reference_tfidf(counts)
    assert same_bits(weighted, reference)  # the same entries, in the same (row-reversed) order
    assert (weighted @ weighted.T).toarray().tobytes() == (reference @ reference.T).toarray().tobytes()


def test_rows_are_unit_length_and_an_empty_row_stays_empty() -> None:
    weighted = tfidf_of_counts(term_counts([Counter({"quay": 2, "tide": 1}), Counter(), Counter({"quay": 1})]))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    assert np.allclose(norms, [1.0, 0.0, 1.0])
    assert weighted.getrow(1).nnz == 0
