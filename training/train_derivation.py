"""Train the shipped METER derivation classifier and write it into the package as JSON.

    .venv/bin/python training/train_derivation.py [--data ../shared/data] [--jobs 2]

Computes (or reads from ``bench/out/meter_features.pkl``) the features of
``bench/quality/meter.py`` for every METER dev newspaper article against the PA texts
of its story, cross-validates the chosen configuration exactly as
``bench/quality/meter.py`` does (5 folds grouped by story, same seed) to record its
figures, fits a three-way model and a derived-vs-not model on all of METER
dev, checks that the JSON form predicts what scikit-learn predicts, and writes
``src/storytrace/align/models/derivation.json``. Deterministic: fixed seeds,
same data and code, same model (only the ``created`` date changes).

The configuration (``--aggregation``, ``--features``, ``--model``) defaults to
the one chosen with ``bench/quality/meter.py``: the sources of a story taken together,
text features only (they do not move when the aligner changes), logistic
regression.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, METER_NEWSPAPERS, METER_PA, missing
from meter import (
    AGGREGATIONS,
    FEATURE_SETS,
    MODELS,
    NON,
    Dataset,
    baselines,
    cross_validate,
    fit,
    folds,
    group_folds,
    load_dataset,
)
from storytrace.align.derivation_model import MODEL_FILE, MODEL_FORMAT, DerivationModel
from storytrace.model import DERIVATIONS

VERSION = "1"
AGGREGATION = "concat"
FEATURES = "text"
MODEL = "logreg C=0.1"
BINARY_CLASSES = ("non_derived", "derived")
AGGREGATION_NOTE = {
    "concat": "the copy against all PA texts of its story taken together (one source text when there is one)",
    "best": "the copy against the single PA text of its story with the highest GST coverage",
    "max": "each feature's maximum over the PA texts of the story (minimum for sentences_untiled)",
}


# ---------------------------------------------------------------- export


def linear_head(model: Pipeline, classes: Sequence[str]) -> dict[str, Any]:
    scaler, lr = model.steps[0][1], model.steps[-1][1]
    return {
        "classes": list(classes),
        "kind": "linear",
        "params": {
            "mean": [float(v) for v in scaler.mean_],
            "scale": [float(v) for v in scaler.scale_],
            "coef": [[float(v) for v in row] for row in lr.coef_],
            "intercept": [float(v) for v in lr.intercept_],
        },
    }


def tree_head(model: GradientBoostingClassifier, classes: Sequence[str], x: np.ndarray) -> dict[str, Any]:
    trees = []
    for stage in model.estimators_:
        for output, reg in enumerate(stage):
            t = reg.tree_
            trees.append(
                {
                    "output": output,
                    "feature": [int(f) for f in t.feature],
                    "threshold": [float(v) for v in t.threshold],
                    "left": [int(v) for v in t.children_left],
                    "right": [int(v) for v in t.children_right],
                    "value": [float(v) for v in t.value[:, 0, 0]],
                }
            )
    raw = model.decision_function(x)
    raw = raw.reshape(len(x), -1)
    sums = np.zeros_like(raw)
    for tree in trees:
        for k, row in enumerate(x):
            node = 0
            while tree["left"][node] >= 0:
                f = tree["feature"][node]
                node = tree["left"][node] if row[f] <= tree["threshold"][node] else tree["right"][node]
            sums[k, tree["output"]] += tree["value"][node]
    init = raw - model.learning_rate * sums
    if not np.allclose(init, init[0], atol=1e-9):
        raise RuntimeError("gradient boosting: the initial score is not constant")
    return {
        "classes": list(classes),
        "kind": "trees",
        "params": {"init": [float(v) for v in init[0]], "learning_rate": float(model.learning_rate), "trees": trees},
    }


def head(model: Any, classes: Sequence[str], x: np.ndarray) -> dict[str, Any]:
    if isinstance(model, Pipeline):
        return linear_head(model, classes)
    if isinstance(model, GradientBoostingClassifier):
        return tree_head(model, classes, x)
    raise SystemExit(f"{type(model).__name__} cannot be written as JSON; choose a logreg or gboost model")


# ---------------------------------------------------------------- main


def calibration(
    x: np.ndarray, derived: np.ndarray, split: list[tuple[np.ndarray, np.ndarray]], make: Any, seed: int
) -> dict[str, Any]:
    """A Platt fit of the binary model's out-of-fold scores to METER's derived labels, and how well it holds.

    Each article's score comes from the model fitted on the other folds (grouped by story); the
    logistic map from score to probability is fitted unweighted (METER's own share of derived
    articles). Brier score, expected calibration error (10 equal-width bins) and the reliability
    table are of the out-of-fold probabilities.
    """
    scores = np.zeros(len(derived))
    for train, test in split:
        scores[test] = fit(make(seed), x[train], derived[train]).decision_function(x[test])
    platt = LogisticRegression(C=1e6, max_iter=1000).fit(scores.reshape(-1, 1), derived)
    prob = platt.predict_proba(scores.reshape(-1, 1))[:, 1]
    bins = np.minimum((prob * 10).astype(int), 9)
    table = []
    ece = 0.0
    for b in range(10):
        inside = bins == b
        if inside.any():
            table.append({"bin": f"{b / 10:.1f}-{(b + 1) / 10:.1f}", "n": int(inside.sum()),
                          "mean_confidence": round(float(prob[inside].mean()), 3),
                          "derived_share": round(float(derived[inside].mean()), 3)})  # fmt: skip
            ece += inside.mean() * abs(prob[inside].mean() - derived[inside].mean())
    return {
        "method": "Platt (logistic) fit of the binary model's out-of-fold scores, unweighted",
        "slope": float(platt.coef_[0][0]),
        "intercept": float(platt.intercept_[0]),
        "oof_auc": round(float(roc_auc_score(derived, scores)), 4),
        "oof_brier": round(float(np.mean((prob - derived) ** 2)), 4),
        "oof_ece": round(float(ece), 4),
        "reliability": table,
    }


def fitted_heads(
    x: np.ndarray, gold: np.ndarray, stories: Sequence[str], names: Sequence[str], model: str, seed: int, n_folds: int
) -> dict[str, Any]:
    """A model document (features, calibration, three-way and binary heads) fitted on ``x``.

    The calibration is fitted on out-of-fold scores within ``x`` (folds grouped by story), so a
    document fitted on some folds of METER can be scored on the others (bench/quality/meter_trace.py).
    """
    return fitted_models(x, gold, stories, names, model, seed, n_folds)[0]


def fitted_models(
    x: np.ndarray, gold: np.ndarray, stories: Sequence[str], names: Sequence[str], model: str, seed: int, n_folds: int
) -> tuple[dict[str, Any], Any, Any]:
    """``fitted_heads``' document, and the fitted three-way and binary scikit-learn models it was written from."""
    derived = (gold != NON).astype(int)
    calibrated = calibration(x, derived, group_folds(gold, stories, n_folds, seed), MODELS[model], seed)
    three_way = fit(MODELS[model](seed), x, gold)
    binary = fit(MODELS[model](seed), x, derived)
    document = {
        "format": MODEL_FORMAT,
        "features": list(names),
        "calibration": calibrated,
        "three_way": head(three_way, [DERIVATIONS[int(c)] for c in three_way.classes_], x),
        "binary": head(binary, [BINARY_CLASSES[int(c)] for c in binary.classes_], x),
    }
    return document, three_way, binary


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def training_description(dataset: Dataset, data: Path, aggregation: str) -> dict[str, Any]:
    counts = np.bincount(dataset.gold, minlength=3)
    return {
        "corpus": "METER dev half (Gaizauskas et al. 2001), split by story (domain|date|catchline)",
        "articles": len(dataset.gold),
        "stories": len(set(dataset.stories)),
        "labels": {c: int(n) for c, n in zip(DERIVATIONS, counts, strict=True)},
        "sources": AGGREGATION_NOTE[aggregation],
        "texts": "cleaned content (storytrace.align.compare.prepare), content spans joined as paragraphs",
        "files": {str(f): sha256(data / f)[:16] for f in (METER_NEWSPAPERS, METER_PA)},
        "fit": "class-balanced (class_weight / sample weights), all articles",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the features (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=13, help="seed for folds and models (default: %(default)s)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--aggregation", default=AGGREGATION, choices=AGGREGATIONS)
    parser.add_argument("--features", default=FEATURES, choices=list(FEATURE_SETS))
    parser.add_argument("--model", default=MODEL, choices=list(MODELS))
    parser.add_argument(
        "--no-baseline", action="store_true", help="with text features, skip compare (no coverage-rule baseline)"
    )
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="model file (default: %(default)s)")
    args = parser.parse_args(argv)
    if (absent := missing(args.data, METER_NEWSPAPERS, METER_PA)) is not None:
        print(f"cannot train: {absent} not found")
        return 1
    started = time.perf_counter()
    dataset = load_dataset(args.data, 0, args.jobs, True, with_aligner=args.features != "text" or not args.no_baseline)
    names = FEATURE_SETS[args.features]
    x = dataset.matrix(args.aggregation, names)
    gold = dataset.gold

    split = folds(dataset, args.folds, args.seed)
    scores = cross_validate(x, gold, split, MODELS[args.model], args.seed).summary()
    base = {name: s.summary() for name, s in baselines(dataset, args.aggregation, split).items()}

    heads, three_way, binary = fitted_models(x, gold, dataset.stories, names, args.model, args.seed, args.folds)
    calibrated = heads["calibration"]
    document = {
        "format": MODEL_FORMAT,
        "version": f"{VERSION}-{args.aggregation}-{args.features}-{args.model.replace(' ', '_')}",
        "created": datetime.now(UTC).date().isoformat(),
        "features": list(names),
        "feature_set": args.features,
        "model": args.model,
        "sklearn_version": sklearn.__version__,
        "seed": args.seed,
        "training": training_description(dataset, args.data, args.aggregation),
        "cv": {
            "method": f"{len(split)}-fold StratifiedGroupKFold by story (seed {args.seed}), bench/quality/meter.py",
            "scores": scores,
            "baseline": base,
        },
        "calibration": calibrated,
        "three_way": heads["three_way"],
        "binary": heads["binary"],
    }

    loaded = DerivationModel.from_dict(document)
    rows = [dict(zip(names, row, strict=True)) for row in x]
    ours = np.array([DERIVATIONS.index(loaded.predict(r)) for r in rows])
    theirs = three_way.predict(x)
    ours_bin = np.array([loaded.derived(r) for r in rows])
    agree = float(np.mean(ours == theirs)), float(np.mean(ours_bin == binary.predict(x).astype(bool)))
    if min(agree) < 1.0:
        raise SystemExit(f"the JSON model disagrees with scikit-learn: agreement {agree}")
    raw = binary.decision_function(x)
    theirs_p = 1 / (1 + np.exp(-(calibrated["slope"] * raw + calibrated["intercept"])))
    ours_p = np.array([loaded.confidence(r) for r in rows], dtype=float)
    if not np.allclose(ours_p, theirs_p, atol=1e-6):
        raise SystemExit("the JSON model's confidence disagrees with the calibrated scikit-learn scores")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    s = scores
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB), version {document['version']}")
    print(
        f"CV 3-way macro-F1 {s['macro_f1']['mean']:.3f} ± {s['macro_f1']['sd']:.3f} "
        f"(pooled {s['macro_f1']['pooled']:.3f}), accuracy {s['accuracy']['mean']:.3f}; "
        f"derived-vs-not macro-F1 {s['derived_vs_not_macro_f1_collapsed']['mean']:.3f} collapsed, "
        f"{s['derived_vs_not_macro_f1_binary']['mean']:.3f} binary"
    )
    for name, b in base.items():
        print(f"{name} on the same folds: 3-way macro-F1 {b['macro_f1']['mean']:.3f}")
    print(
        f"edge confidence (Platt on out-of-fold binary scores): AUC {calibrated['oof_auc']:.3f}, "
        f"Brier {calibrated['oof_brier']:.3f}, expected calibration error {calibrated['oof_ece']:.3f}"
    )
    print("  bin        n  mean confidence  derived share")
    for b in calibrated["reliability"]:
        print(f"  {b['bin']}  {b['n']:>4}  {b['mean_confidence']:>15.3f}  {b['derived_share']:>13.3f}")
    print(f"training-set agreement of the JSON model with scikit-learn: {agree[0]:.3f} / {agree[1]:.3f}")
    print(f"wall {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
