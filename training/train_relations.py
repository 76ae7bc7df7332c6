"""Train the shipped relation classifiers and write them into the package.

    .venv/bin/python training/train_relations.py [--data ../shared/data]

Builds the labelled sentence pairs of ``_relations_data`` (MSRP train, STS-B
news, METER word-level pairs, random unrelated pairs; never the seeds), their
features (with the embedder's cosines, cached in ``bench/out/embeddings.db``),
fits one model with and one without the embedding cosine, and writes
``src/storytrace/align/models/relations_{static,lexical}.{npz,json}``: the
cosines are those of the default embedder, the static table
(``semantic.static``). With ``STORYTRACE_EMBEDDER=minilm`` they are MiniLM's and
the model with them is written as ``relations_semantic``. The embedder also
picks which PA sentence a METER pair takes; the lexical model shipped is the one
trained beside MiniLM's, so only a MiniLM run writes it.
Deterministic: fixed seeds, same data, same model.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")  # sklearn's OpenMP threads stall when the other core is busy

import argparse
import hashlib
import io
import json
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA
from _relations_data import MSRP_FILE, STSB_FILE, LabelledPair, load_training
from storytrace.align.classifier import CLASSES, LEXICAL_FEATURES, MODEL_FILES, SEMANTIC_FEATURES, ensemble_from_arrays
from storytrace.semantic.embed import model_kind

MODEL_DIR = Path(__file__).resolve().parents[1] / "src" / "storytrace" / "align" / "models"
VERSION = "1"
# MSRP, STS-B and METER pairs weigh the same per dataset in total, so MSRP's
# 4,076 pairs do not decide alone where "related" ends and "paraphrase" begins.
DATASET_BALANCE = True


def make_model() -> HistGradientBoostingClassifier:
    """The classifier: small gradient-boosted trees (fast to score, no scaling needed)."""
    return HistGradientBoostingClassifier(
        max_iter=100, learning_rate=0.1, max_leaf_nodes=15, l2_regularization=1.0, random_state=0
    )


def sample_weights(pairs: Sequence[LabelledPair]) -> np.ndarray:
    """Weights that give each dataset the same total weight (or all ones)."""
    if not DATASET_BALANCE:
        return np.ones(len(pairs))
    counts = Counter(p.dataset for p in pairs)
    mean = len(pairs) / len(counts)
    return np.array([mean / counts[p.dataset] for p in pairs])


def fit(x: np.ndarray, pairs: Sequence[LabelledPair]) -> HistGradientBoostingClassifier:
    """Fit the classifier on the rows ``x`` of ``pairs``."""
    model = make_model()
    model.fit(x, [p.label for p in pairs], sample_weight=sample_weights(pairs))
    return model


def export_trees(model: HistGradientBoostingClassifier) -> dict[str, np.ndarray]:
    """The fitted trees as the flat arrays ``storytrace.align.classifier.TreeEnsemble`` reads.

    Classes are put in ``CLASSES`` order. Reads scikit-learn's fitted predictors
    (``_predictors``, ``_baseline_prediction``); ``main`` checks the export
    against ``predict_proba`` before anything is written.
    """
    order = [list(model.classes_).index(c) for c in CLASSES]
    roots, feature, threshold, missing_left, left, right, is_leaf, value = ([] for _ in range(8))
    offset = 0
    depth = 0
    for iteration in model._predictors:
        for k in order:
            nodes = iteration[k].nodes
            roots.append(offset)
            feature.append(nodes["feature_idx"].astype(np.int64))
            threshold.append(nodes["num_threshold"].astype(np.float64))
            missing_left.append(nodes["missing_go_to_left"].astype(bool))
            left.append(nodes["left"].astype(np.int64) + offset)
            right.append(nodes["right"].astype(np.int64) + offset)
            is_leaf.append(nodes["is_leaf"].astype(bool))
            value.append(nodes["value"].astype(np.float64))
            depth = max(depth, int(nodes["depth"].max()) + 1)
            offset += len(nodes)
    return {
        "roots": np.array(roots, dtype=np.int64),
        "feature": np.concatenate(feature),
        "threshold": np.concatenate(threshold),
        "missing_left": np.concatenate(missing_left),
        "left": np.concatenate(left),
        "right": np.concatenate(right),
        "is_leaf": np.concatenate(is_leaf),
        "value": np.concatenate(value),
        "baseline": np.asarray(model._baseline_prediction, dtype=np.float64).ravel()[order],
        "depth": np.array(depth),
    }


def write_model(kind: str, model: Any, features: Sequence[str], pairs: Sequence[LabelledPair], x: np.ndarray) -> Path:
    """Export ``model``'s trees with a JSON card into the package (after checking the export)."""
    stem = MODEL_FILES[kind]
    arrays = export_trees(model)
    exported = ensemble_from_arrays(arrays).probabilities(x)
    expected = model.predict_proba(x)[:, [list(model.classes_).index(c) for c in CLASSES]]
    worst = float(np.abs(exported - expected).max())
    if worst > 1e-6:
        raise SystemExit(f"train_relations: exported trees differ from the model by {worst}")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    blob = buffer.getvalue()
    (MODEL_DIR / f"{stem}.npz").write_bytes(blob)
    card = {
        "name": stem,
        "version": VERSION,
        "kind": kind,
        "features": list(features),
        "classes": list(CLASSES),
        "estimator": type(model).__name__,
        "params": {k: v for k, v in model.get_params().items() if isinstance(v, int | float | str | type(None))},
        "sklearn": sklearn.__version__,
        "format": "trees as flat arrays (npz); see storytrace.align.classifier.TreeEnsemble",
        "sha256": hashlib.sha256(blob).hexdigest(),
        "trained_on": {f"{d}:{lab}": n for (d, lab), n in sorted(Counter((p.dataset, p.label) for p in pairs).items())},
        "data": [str(MSRP_FILE), str(STSB_FILE), "meter/newspaper_articles.jsonl + pa_sources.jsonl (dev half)"],
        "made_by": "training/train_relations.py",
        "made_at": datetime.now(UTC).date().isoformat(),
    }
    (MODEL_DIR / f"{stem}.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return MODEL_DIR / f"{stem}.npz"


def describe_features(pairs: Sequence[LabelledPair], x: np.ndarray) -> None:
    """Quantiles (10/25/50 %) of a few features per dataset and label."""
    shown = ("sequence", "dice", "bigram_dice", "embed_cos")
    cols = [list(SEMANTIC_FEATURES).index(name) for name in shown]
    print(f"{'dataset:label':<22} {'n':>5}  " + "  ".join(f"{name + ' q10/25/50':<20}" for name in shown))
    for key in sorted({f"{p.dataset}:{p.label}" for p in pairs}):
        rows = [k for k, p in enumerate(pairs) if f"{p.dataset}:{p.label}" == key]
        cells = ["/".join(f"{q:.2f}" for q in np.quantile(x[rows, c], [0.1, 0.25, 0.5])) for c in cols]
        print(f"{key:<22} {len(rows):>5}  " + "  ".join(f"{cell:<20}" for cell in cells))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--describe", action="store_true", help="print feature quantiles per dataset and label")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    loaded = load_training(args.data, "train_relations")
    if loaded is None:
        return 2
    embedder, pairs, matrices = loaded
    print(f"{len(pairs)} pairs: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(p.label for p in pairs).items())))
    if args.describe:
        describe_features(pairs, matrices["semantic"])
    semantic_kind = model_kind(embedder)  # "semantic" (MiniLM) or "static", as STORYTRACE_EMBEDDER says
    for kind, names in (("semantic", SEMANTIC_FEATURES), ("lexical", LEXICAL_FEATURES)):
        if kind == "lexical" and semantic_kind != "semantic":
            continue  # the shipped lexical model is trained on the METER pairs MiniLM picks (see above)
        model = fit(matrices[kind], pairs)
        path = write_model(semantic_kind if kind == "semantic" else kind, model, names, pairs, matrices[kind])
        print(f"wrote {path.relative_to(MODEL_DIR.parents[3])} ({path.stat().st_size // 1024} KiB)")
    print(f"{time.perf_counter() - started:.0f} s, {embedder.computed} sentences embedded (rest from cache)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
