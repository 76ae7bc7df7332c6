"""Clustering scores of a predicted labelling against gold: B-cubed, pairwise precision/recall/F1 and ARI.

Shared by the quality-gate tests and ``bench/quality/cluster_quality.py`` (one scorer for floors and figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import adjusted_rand_score


@dataclass(frozen=True)
class Scores:
    """Clustering scores of one predicted labelling against gold."""

    b3_p: float
    b3_r: float
    b3_f1: float
    pair_p: float
    pair_r: float
    pair_f1: float
    ari: float
    n_pred: int
    n_gold: int


def f1(p: float, r: float) -> float:
    """The harmonic mean of precision ``p`` and recall ``r`` (0 when both are 0)."""
    return 2 * p * r / (p + r) if p + r else 0.0


def score(pred: Sequence[int] | np.ndarray, gold: Sequence[int] | np.ndarray) -> Scores:
    pred_a, gold_a = np.asarray(pred), np.asarray(gold)
    _, p_idx = np.unique(pred_a, return_inverse=True)
    _, g_idx = np.unique(gold_a, return_inverse=True)
    table = np.zeros((p_idx.max() + 1, g_idx.max() + 1), dtype=np.int64)
    np.add.at(table, (p_idx, g_idx), 1)
    n = len(pred_a)
    p_sizes, g_sizes = table.sum(axis=1), table.sum(axis=0)
    # B-cubed: per item, the share of its predicted cluster in its gold class and vice versa.
    b3_p = float((table**2 / p_sizes[:, None]).sum() / n)
    b3_r = float((table**2 / g_sizes[None, :]).sum() / n)
    tp = float((table * (table - 1) / 2).sum())
    pred_pairs = float((p_sizes * (p_sizes - 1) / 2).sum())
    gold_pairs = float((g_sizes * (g_sizes - 1) / 2).sum())
    pair_p = tp / pred_pairs if pred_pairs else 1.0
    pair_r = tp / gold_pairs if gold_pairs else 1.0
    return Scores(
        b3_p,
        b3_r,
        f1(b3_p, b3_r),
        pair_p,
        pair_r,
        f1(pair_p, pair_r),
        float(adjusted_rand_score(g_idx, p_idx)),
        int(table.shape[0]),
        int(table.shape[1]),
    )


def labels_from_groups(groups: list[list[int]], n: int) -> np.ndarray:
    labels = np.full(n, -1, dtype=np.int64)
    for k, group in enumerate(groups):
        labels[group] = k
    return labels
