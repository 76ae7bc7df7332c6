"""MSRP paraphrase identification, cross-validated on MSRP train.

    .venv/bin/python bench/quality/msrp.py [--folds 10] [--data ../shared/data]

Each fold trains the relation classifier exactly as ``training/train_relations.py``
does (MSRP train of the other folds + STS-B news + METER pairs + random
unrelated pairs) and scores the held-out MSRP pairs with the same decision
code as ``storytrace pairs`` (``TrainedRelations.verdicts``): a pair is a
paraphrase when its relation is verbatim, near_verbatim or paraphrase.
STS-B's MSRpar pairs reuse MSRP sentences, so any STS-B pair sharing a sentence
with the held-out fold is dropped from that fold's training data.

Also printed, on the same folds: the embedding cosine alone (threshold chosen
on the training folds) and the lexical-only model.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")  # sklearn's OpenMP threads stall when the other core is busy

import argparse
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA
from _relations_data import load_training
from storytrace.align import classifier
from storytrace.align.classifier import CLASSES, LEXICAL_FEATURES, SEMANTIC_FEATURES, RelationModel, TrainedRelations
from storytrace.align.pairs import text_pair_features
from storytrace.align.relation import LexicalRelations
from storytrace.model import REUSE_RELATIONS
from train_relations import fit


def scores(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """Accuracy and F1 of the positive class."""
    tp = int(((pred == 1) & (gold == 1)).sum())
    fp = int(((pred == 1) & (gold == 0)).sum())
    fn = int(((pred == 0) & (gold == 1)).sum())
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return float((pred == gold).mean()), f1


def best_threshold(values: np.ndarray, gold: np.ndarray) -> float:
    """The cut on ``values`` with the best accuracy."""
    grid = np.quantile(values, np.linspace(0.02, 0.98, 97))
    return float(max(grid, key=lambda t: float(((values >= t).astype(int) == gold).mean())))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--paraphrase-min", type=float, default=classifier.PARAPHRASE_MIN_PROBABILITY)
    args = parser.parse_args(argv)
    classifier.PARAPHRASE_MIN_PROBABILITY = args.paraphrase_min
    started = time.perf_counter()
    loaded = load_training(args.data, "msrp")
    if loaded is None:
        return 2
    embedder, pairs, x = loaded
    msrp_rows = np.array([k for k, p in enumerate(pairs) if p.dataset == "msrp"])
    gold = np.array([pairs[k].msrp_label for k in msrp_rows])
    texts_a, texts_b = [pairs[k].a for k in msrp_rows], [pairs[k].b for k in msrp_rows]
    feats = {
        "semantic": text_pair_features(texts_a, texts_b, embedder),
        "lexical": text_pair_features(texts_a, texts_b, None),
    }
    lexical_rules = LexicalRelations().relations(feats["lexical"])
    by_rules = np.array([int(r is not None and r[0] in REUSE_RELATIONS) for r in lexical_rules])
    cos_col = x["semantic"][:, -1]
    results: dict[str, list[tuple[float, float]]] = {"semantic": [], "lexical": [], "cosine": [], "rules": []}
    pooled: dict[str, np.ndarray] = {k: np.zeros(len(msrp_rows), dtype=int) for k in results}
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    for fold, (train_idx, test_idx) in enumerate(folds.split(msrp_rows, gold), start=1):
        test_rows = set(msrp_rows[test_idx].tolist())
        held_sentences = {s for k in test_rows for s in (pairs[k].a, pairs[k].b)}
        train = [
            k
            for k, p in enumerate(pairs)
            if k not in test_rows and not (p.dataset != "msrp" and (p.a in held_sentences or p.b in held_sentences))
        ]
        train_pairs = [pairs[k] for k in train]
        for kind, names in (("semantic", SEMANTIC_FEATURES), ("lexical", LEXICAL_FEATURES)):
            fitted = RelationModel(fit(x[kind][train], train_pairs), names, CLASSES, {})
            scorer = TrainedRelations(semantic=fitted, lexical=fitted, copy_evidence=False)
            verdicts = scorer.verdicts([feats[kind][k] for k in test_idx])
            pred = np.array([int(name in REUSE_RELATIONS) for name, _ in verdicts])
            pooled[kind][test_idx] = pred
            results[kind].append(scores(gold[test_idx], pred))
        cut = best_threshold(cos_col[msrp_rows[train_idx]], gold[train_idx])
        pred = (cos_col[msrp_rows[test_idx]] >= cut).astype(int)
        pooled["cosine"][test_idx] = pred
        results["cosine"].append(scores(gold[test_idx], pred))
        pooled["rules"][test_idx] = by_rules[test_idx]
        results["rules"].append(scores(gold[test_idx], by_rules[test_idx]))
        acc, f1 = results["semantic"][-1]
        print(f"  fold {fold:2d}: accuracy {acc:.3f}  F1 {f1:.3f}", flush=True)
    print(
        f"\nMSRP train, {len(msrp_rows)} pairs, {args.folds}-fold stratified CV (seed 0), "
        f"paraphrase at P >= {args.paraphrase_min}"
    )
    print(f"{'model':<44} {'accuracy':>16} {'F1':>16}   pooled acc / F1")
    model = embedder.name  # STORYTRACE_EMBEDDER's choice (bench_embedder)
    names = {
        "semantic": f"trained classifier (+ {model} cos)",
        "lexical": "trained classifier, lexical only",
        "cosine": f"{model} cosine alone",
        "rules": "lexical rules (no training)",
    }
    for kind, rows in results.items():
        accs, f1s = [r[0] for r in rows], [r[1] for r in rows]
        pa, pf = scores(gold, pooled[kind])
        print(
            f"{names[kind]:<44} {statistics.mean(accs):.3f} ± {statistics.stdev(accs):.3f}"
            f"    {statistics.mean(f1s):.3f} ± {statistics.stdev(f1s):.3f}   {pa:.3f} / {pf:.3f}"
        )
    print(f"(majority class: accuracy {float(gold.mean()):.3f}; targets: accuracy 0.85, F1 0.89)")
    print(f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
