"""A story's state in the streaming clusterer, and the sparse-vector arithmetic on its centroids.

A story (``StreamStory``) keeps the sums of its members' TF-IDF vectors (its centroids, with their squared
norms kept beside them), the sum of their embeddings, its first and last publication time, its members and the
terms it is indexed under. ``add_into`` adds a vector into a centroid, ``cosine`` and ``embedding_cosine`` compare
an article with one, ``strongest`` names the terms that weigh most in that cosine (a join's reason).

Not here: which stories are candidates or joined (``cluster.stream``, ``cluster.join_rules``), the vectors'
weighting (``StreamClusterer.vectors_of``).
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

Vector = dict[str, float]


@dataclass
class StreamStory:
    """A story as the clusterer keeps it: centroids and their squared norms, first and last time, members, terms."""

    body: Vector = field(default_factory=dict)
    body_norm2: float = 0.0
    title: Vector = field(default_factory=dict)
    title_norm2: float = 0.0
    names: Vector = field(default_factory=dict)
    names_norm2: float = 0.0
    embedding: np.ndarray | None = None  # the sum of the members' embeddings
    embedding_norm: float = 0.0  # its norm, kept with it
    first: float = math.nan
    last: float = math.nan
    members: list[int] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)


EXPLAIN_TERMS = 5  # shared terms, and names, a join reason lists


def strongest(vector: Vector, centroid: Vector) -> tuple[str, ...]:
    """The terms of ``vector`` that weigh most in its cosine with ``centroid``, heaviest first."""
    shared = [(vector[t] * w, t) for t, w in centroid.items() if t in vector and w > 0]
    return tuple(t for _, t in sorted(shared, key=lambda x: (-x[0], x[1]))[:EXPLAIN_TERMS])


def add_into(centroid: Vector, vector: Vector, norm2: float) -> float:
    """Add ``vector`` into ``centroid`` in place; the centroid's squared norm, updated from ``norm2``."""
    for t, w in vector.items():
        old = centroid.get(t, 0.0)
        centroid[t] = old + w
        norm2 += 2 * old * w + w * w
    return norm2


def cosine(vector: Vector, centroid: Vector, norm2: float) -> float:
    """Cosine of a unit ``vector`` and a ``centroid`` of squared norm ``norm2`` (0.0 when either is empty)."""
    if not norm2 or not vector:
        return 0.0
    small, large = (centroid, vector) if len(vector) > len(centroid) else (vector, centroid)
    # The dot product over the smaller vector's terms, looped in C (map) rather than in a generator.
    dot: float = sum(map(operator.mul, small.values(), map(large.get, small.keys(), repeat(0.0))))
    return dot / math.sqrt(norm2)


def embedding_cosine(a: np.ndarray | None, total: np.ndarray | None, norm: float) -> float:
    """Cosine of a unit vector ``a`` and a story's summed embedding ``total`` of norm ``norm``."""
    if a is None or total is None:
        return 0.0
    return float(a @ total) / norm if norm else 0.0
