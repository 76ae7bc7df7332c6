"""METER dev derivation (wholly / partially / non-derived) by trained classifiers, cross-validated by story.

Each newspaper article of METER dev is described against the PA texts of its
story with ``storytrace.align.derivation`` features, computed on the cleaned
content of the articles (what ``compare`` sees):

- *text* features (n-gram containment, Greedy String Tiling, runs, lengths)
  from the two texts alone;
- *aligner* features: the share of the newspaper article covered by reused
  passages (``b_covered_by_a``) and by each relation, from
  ``compare(pa, newspaper)``. These change whenever the aligner changes.

Several PA texts per story are combined three ways: ``concat`` (the sources as
one text; aligner spans pooled over the pairs), ``best`` (the single PA text
with the highest GST coverage of the article, i.e. one (copy, source) pair as
the live pipeline has it) and ``max`` (each feature's maximum over the pairs).

Classifiers (logistic regression, gradient boosting; classes balanced) are
scored by 5-fold cross-validation grouped by story (StratifiedGroupKFold on
domain|date|catchline): 3-way accuracy, macro-F1, per-class F1, derived-vs-not
macro-F1 (the 3-way model collapsed, and a dedicated binary model), as mean ±
sd over folds and pooled over the out-of-fold predictions. The shipped
coverage thresholds of ``compare`` are scored on the same folds, as is the
threshold pair re-chosen on the training folds.

Features are cached in ``bench/out/meter_features.pkl``, keyed by a hash of
the code they depend on (text features: the derivation, text and clean
modules; aligner features: every source file of the package), so a rerun after
an aligner change recomputes only the aligner part. Run::

    .venv/bin/python bench/quality/meter.py                 # all of METER dev, 2 processes
    .venv/bin/python bench/quality/meter.py --limit 80      # quick look
    .venv/bin/python bench/quality/meter.py --text-only     # without compare (no aligner features, no baseline)

It exits 0 with a "skipped" line when the data folder is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import ExtraTreesClassifier, GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import (
    METER_NEWSPAPERS,
    METER_PA,
    MeterArticle,
    bench_parser,
    load_meter_newspapers,
    load_meter_pa,
    missing,
)
from derivation import (
    accuracy,
    best_thresholds,
    classify,
    confusion,
    grid,
    macro_f1,
    per_class_f1,
    print_confusion,
    run,
)
from storytrace.align.compare import (
    ABSOLUTE_REUSE_CHARS,
    PARTIALLY_DERIVED_MIN_COVERAGE,
    WHOLLY_DERIVED_MIN_COVERAGE,
    Prepared,
    compare,
    content_text,
    coverage,
    decided,
    prepare,
)
from storytrace.align.derivation import (
    ALIGNER_FEATURES,
    ALL_FEATURES,
    EVIDENCE_FEATURES,
    EVIDENCE_SET,
    TEXT_FEATURES,
    aligner_features,
    text_features,
)
from storytrace.model import DERIVATIONS, RELATIONS, REUSE_RELATIONS, Article, CopyEvidence, Span

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "storytrace"
CACHE = ROOT / "bench" / "out" / "meter_features.pkl"
AGGREGATIONS = ("concat", "best", "max")
# The first-reach baseline: n-gram containment and Greedy String Tiling alone.
FIRST_REACH = (*(f"contain_{n}" for n in (1, 2, 3, 4, 5)), "gst3", "gst6")
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "baseline": FIRST_REACH,
    "text": TEXT_FEATURES,
    "evidence": EVIDENCE_SET,
    "all": ALL_FEATURES,
}
NON = DERIVATIONS.index("non_derived")
SHIPPED_MODEL = "logreg C=0.1"  # as training/train_derivation.py ships it
LOWER_IS_MORE = frozenset({"sentences_untiled"})  # features where the most derived PA text has the least


@dataclass(frozen=True)
class Features:
    """One newspaper article's features against its story's PA texts: pooled and per PA text."""

    pooled: dict[str, float]
    pairs: tuple[dict[str, float], ...]


# ---------------------------------------------------------------- features (run in worker processes)


def text_task(task: tuple[MeterArticle, list[Article]]) -> Features:
    item, sources = task
    copy = content_text(prepare(item.article))
    texts = [content_text(prepare(s)) for s in sources]
    return Features(text_features(copy, texts), tuple(text_features(copy, [t]) for t in texts))


def aligner_task(task: tuple[MeterArticle, list[Article]]) -> Features:
    item, sources = task
    pairs: list[dict[str, float]] = []
    pooled: dict[str, list[Span]] = {r: [] for r in RELATIONS}
    prepared_b: Prepared | None = None
    evidence: list[CopyEvidence] = []
    for source in sources:
        c = compare(source, item.article)
        evidence.append(c.b_evidence)
        prepared_b = Prepared(c.b, c.b_clean, ())
        spans: dict[str, list[Span]] = {r: [] for r in RELATIONS}
        for al in c.alignments:
            spans.setdefault(al.relation, []).append(al.b_span)
            pooled.setdefault(al.relation, []).append(al.b_span)
        by_relation = {r: coverage(prepared_b, s) for r, s in spans.items()}
        pairs.append(aligner_features(c.b_covered_by_a, by_relation, c.b_evidence))
    if prepared_b is None:
        return Features(aligner_features(0.0, {}), ())
    reuse = coverage(prepared_b, [s for r in REUSE_RELATIONS for s in pooled.get(r, [])])
    pooled_features = aligner_features(reuse, {r: coverage(prepared_b, s) for r, s in pooled.items()})
    # The sources taken together: each evidence feature at its most (a copy's best source shows it).
    for name in EVIDENCE_FEATURES[1:]:
        pooled_features[name] = max(p[name] for p in pairs)
    return Features(pooled_features, tuple(pairs))


# ---------------------------------------------------------------- cache


def fingerprint(files: Sequence[Path], data: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    for path in (data / METER_NEWSPAPERS, data / METER_PA):
        st = path.stat()
        h.update(f"{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def text_code() -> list[Path]:
    return [
        PACKAGE / "align" / "derivation.py",
        PACKAGE / "align" / "tiling.py",
        PACKAGE / "align" / "quoted.py",
        PACKAGE / "model.py",
        *(PACKAGE / "text").glob("*.py"),
        *(PACKAGE / "clean").glob("*.py"),
        *(PACKAGE / "align" / "compare.py",),  # prepare()
    ]


def aligner_code() -> list[Path]:
    """Every source and model file of the package but the derivation model itself."""
    return [
        p
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix in (".py", ".json", ".pkl", ".npz", ".npy") and p.name != "derivation.json"
    ]


def cached_features(
    kind: str,
    func: Callable[[tuple[MeterArticle, list[Article]]], Features],
    tasks: Sequence[tuple[MeterArticle, list[Article]]],
    key: str,
    jobs: int,
    use_cache: bool,
) -> list[Features]:
    store: dict[str, dict[str, Any]] = {}
    if use_cache and CACHE.is_file():
        with CACHE.open("rb") as f:
            store = pickle.load(f)
    entry = store.get(kind, {})
    stored = entry.get("features", {}) if entry.get("key") == key else {}
    known = {k: Features(pooled, tuple(pairs)) for k, (pooled, pairs) in stored.items()}
    todo = [t for t in tasks if t[0].article.id not in known]
    if todo:
        t0 = time.perf_counter()
        for t, result in zip(todo, run(func, todo, jobs), strict=True):
            known[t[0].article.id] = result
        print(f"  {kind} features: {len(todo)} article(s) computed in {time.perf_counter() - t0:.0f} s")
    else:
        print(f"  {kind} features: all {len(tasks)} from the cache (key {key})")
    if use_cache:
        # plain dicts and tuples only, so that any script can unpickle it
        store[kind] = {"key": key, "features": {k: (f.pooled, f.pairs) for k, f in known.items()}}
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        tmp = CACHE.with_suffix(".tmp")
        with tmp.open("wb") as f:
            pickle.dump(store, f)
        tmp.replace(CACHE)
    return [known[t[0].article.id] for t in tasks]


@dataclass(frozen=True)
class Dataset:
    """The METER dev articles with their features, labels (indices into DERIVATIONS) and stories."""

    ids: list[str]
    stories: list[str]
    gold: np.ndarray
    text: list[Features]
    aligner: list[Features] | None  # None: computed without the aligner (``--text-only``)

    def matrix(self, aggregation: str, names: Sequence[str]) -> np.ndarray:
        if self.aligner is None:
            if set(names) - set(TEXT_FEATURES):
                raise ValueError("aligner features requested from a dataset built without them")
            rows = [aggregate(t, Features({}, tuple({} for _ in t.pairs)), aggregation) for t in self.text]
        else:
            rows = [aggregate(t, a, aggregation) for t, a in zip(self.text, self.aligner, strict=True)]
        return np.array([[row[n] for n in names] for row in rows], dtype=float)

    def baseline_coverage(self, aggregation: str) -> np.ndarray:
        """The reuse coverage the coverage rule sees: pooled spans for concat, else the best pair's."""
        assert self.aligner is not None
        if aggregation == "concat":
            return np.array([a.pooled["reuse_coverage"] for a in self.aligner])
        return np.array([max((p["reuse_coverage"] for p in a.pairs), default=0.0) for a in self.aligner])


def aggregate(text: Features, aligner: Features, how: str) -> dict[str, float]:
    """One feature row of an article from its pooled or per-PA-text features."""
    if how == "concat" or not text.pairs:
        return {**text.pooled, **aligner.pooled}
    pairs = [{**t, **a} for t, a in zip(text.pairs, aligner.pairs, strict=True)]
    if how == "best":
        return max(pairs, key=lambda p: (p["gst3"], p["contain_3"]))
    if how == "max":
        return {name: (min if name in LOWER_IS_MORE else max)(p[name] for p in pairs) for name in pairs[0]}
    raise ValueError(how)


def load_dataset(data: Path, limit: int, jobs: int, use_cache: bool, with_aligner: bool = True) -> Dataset:
    pa = load_meter_pa(data)
    newspapers = load_meter_newspapers(data)
    if limit:
        newspapers = newspapers[:limit]
    tasks = [(m, [pa[i].article for i in m.pa_source_ids if i in pa]) for m in newspapers]
    skipped = [t[0].article.id for t in tasks if not t[1]]
    tasks = [t for t in tasks if t[1]]
    if skipped:
        print(f"({len(skipped)} METER article(s) without a PA source skipped: {', '.join(skipped)})")
    text = cached_features("text", text_task, tasks, fingerprint(text_code(), data), jobs, use_cache)
    aligner = (
        cached_features("aligner", aligner_task, tasks, fingerprint(aligner_code(), data), jobs, use_cache)
        if with_aligner
        else None
    )
    return Dataset(
        ids=[t[0].article.id for t in tasks],
        stories=[t[0].story for t in tasks],
        gold=np.array([DERIVATIONS.index(t[0].label) for t in tasks]),
        text=text,
        aligner=aligner,
    )


# ---------------------------------------------------------------- models


def logistic(c: float) -> Callable[[int], Pipeline]:
    def make(seed: int) -> Pipeline:
        return make_pipeline(
            StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=seed)
        )

    return make


def boosting(n: int, depth: int, rate: float) -> Callable[[int], GradientBoostingClassifier]:
    def make(seed: int) -> GradientBoostingClassifier:
        return GradientBoostingClassifier(
            n_estimators=n, max_depth=depth, learning_rate=rate, subsample=0.8, random_state=seed
        )

    return make


def forest(kind: type[RandomForestClassifier] | type[ExtraTreesClassifier], leaf: int) -> Callable[[int], Any]:
    def make(seed: int) -> Any:
        return kind(n_estimators=300, min_samples_leaf=leaf, class_weight="balanced_subsample", random_state=seed)

    return make


MODELS: dict[str, Callable[[int], Any]] = {
    "logreg C=1": logistic(1.0),
    "logreg C=0.1": logistic(0.1),
    "gboost 150x2": boosting(150, 2, 0.05),
    "gboost 300x3": boosting(300, 3, 0.03),
    "forest leaf=3": forest(RandomForestClassifier, 3),
    "extratrees leaf=3": forest(ExtraTreesClassifier, 3),
}


DEFAULT_MODELS = ("logreg C=0.1", "gboost 150x2", "extratrees leaf=3")


def fit(model: Any, x: np.ndarray, y: np.ndarray) -> Any:
    """Fit with balanced classes: class_weight for logistic regression, sample weights for boosting."""
    if isinstance(model, GradientBoostingClassifier):
        model.fit(x, y, sample_weight=compute_sample_weight("balanced", y))
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(x, y)
    return model


def folds(dataset: Dataset, n_folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    return group_folds(dataset.gold, dataset.stories, n_folds, seed)


def group_folds(
    gold: np.ndarray, stories: Sequence[str], n_folds: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds that keep each story whole (StratifiedGroupKFold, shuffled with ``seed``)."""
    n = min(n_folds, len(set(stories)))
    splitter = StratifiedGroupKFold(n_splits=n, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(gold)), gold, groups=list(stories)))


# ---------------------------------------------------------------- scoring


def binary_macro_f1(gold_derived: np.ndarray, pred_derived: np.ndarray) -> float:
    f1s = []
    for positive in (True, False):
        tp = float(np.sum((gold_derived == positive) & (pred_derived == positive)))
        denom = float(np.sum(gold_derived == positive) + np.sum(pred_derived == positive))
        f1s.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(f1s))


@dataclass
class Scores:
    """Per-fold and pooled out-of-fold results of one configuration."""

    gold: np.ndarray
    pred: np.ndarray  # 3-way out-of-fold predictions
    pred_binary: np.ndarray | None  # out-of-fold derived (True) / non (False), dedicated binary model
    split: list[tuple[np.ndarray, np.ndarray]]

    def fold_values(self, metric: Callable[[np.ndarray], float]) -> list[float]:
        return [metric(test) for _, test in self.split]

    def three_way(self, idx: np.ndarray) -> float:
        return macro_f1(confusion(self.gold[idx], self.pred[idx]))

    def acc(self, idx: np.ndarray) -> float:
        return accuracy(confusion(self.gold[idx], self.pred[idx]))

    def collapsed(self, idx: np.ndarray) -> float:
        return binary_macro_f1(self.gold[idx] != NON, self.pred[idx] != NON)

    def binary(self, idx: np.ndarray) -> float:
        assert self.pred_binary is not None
        return binary_macro_f1(self.gold[idx] != NON, self.pred_binary[idx])

    def summary(self) -> dict[str, Any]:
        everything = np.arange(len(self.gold))
        table = confusion(self.gold, self.pred)
        out: dict[str, Any] = {}
        metrics: dict[str, Callable[[np.ndarray], float]] = {
            "accuracy": self.acc,
            "macro_f1": self.three_way,
            "derived_vs_not_macro_f1_collapsed": self.collapsed,
        }
        if self.pred_binary is not None:
            metrics["derived_vs_not_macro_f1_binary"] = self.binary
        for name, metric in metrics.items():
            values = self.fold_values(metric)
            out[name] = {
                "mean": round(float(np.mean(values)), 4),
                "sd": round(float(np.std(values)), 4),
                "pooled": round(metric(everything), 4),
            }
        out["per_class_f1_pooled"] = dict(zip(DERIVATIONS, (round(f, 4) for f in per_class_f1(table)), strict=True))
        out["confusion_pooled"] = table.tolist()
        return out


def cross_validate(
    x: np.ndarray, gold: np.ndarray, split: list[tuple[np.ndarray, np.ndarray]], make: Callable[[int], Any], seed: int
) -> Scores:
    pred = np.zeros(len(gold), dtype=int)
    pred_binary = np.zeros(len(gold), dtype=bool)
    derived = (gold != NON).astype(int)
    for train, test in split:
        pred[test] = fit(make(seed), x[train], gold[train]).predict(x[test])
        pred_binary[test] = fit(make(seed), x[train], derived[train]).predict(x[test]).astype(bool)
    return Scores(gold, pred, pred_binary, split)


def baselines(dataset: Dataset, aggregation: str, split: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, Scores]:
    if dataset.aligner is None:
        return {}
    cov = dataset.baseline_coverage(aggregation)
    gold = dataset.gold
    shipped = classify(cov, WHOLLY_DERIVED_MIN_COVERAGE, PARTIALLY_DERIVED_MIN_COVERAGE)
    refit = np.zeros(len(gold), dtype=int)
    pairs = grid()
    for train, test in split:
        w, p = best_thresholds(cov[train], gold[train], pairs)
        refit[test] = classify(cov[test], w, p)
    return {
        "coverage rule (shipped)": Scores(gold, shipped, None, split),
        "coverage rule (refit)": Scores(gold, refit, None, split),
    }


def pm(d: dict[str, float]) -> str:
    return f"{d['mean']:.3f}±{d['sd']:.3f} {d['pooled']:.3f}"


def header() -> str:
    return (
        f"{'aggr':<6} {'features':<8} {'model':<24} {'acc mean±sd pool':>17} {'3-way macroF1':>17} "
        f"{'F1 w/p/n (pooled)':>17} {'derived/not (3-way)':>19} {'derived/not (bin)':>17}"
    )


def row(aggregation: str, features: str, model: str, summary: dict[str, Any]) -> str:
    f = summary["per_class_f1_pooled"]
    per = "/".join(f"{f[c]:.2f}" for c in DERIVATIONS)
    binary = summary.get("derived_vs_not_macro_f1_binary")
    return (
        f"{aggregation:<6} {features:<8} {model:<24} {pm(summary['accuracy']):>17} {pm(summary['macro_f1']):>17} "
        f"{per:>17} {pm(summary['derived_vs_not_macro_f1_collapsed']):>19} {pm(binary) if binary else '-':>17}"
    )


def compare_rule(dataset: Dataset, shipped: Scores, rule: str, split: list[tuple[np.ndarray, np.ndarray]]) -> Scores:
    """``compare.derivation`` applied to the shipped model's out-of-fold answers and the best PA pair's evidence.

    ``shipped``: wholly where passages cover the copy, at least partially where a verbatim or near-verbatim run
    outside quotations reaches ``ABSOLUTE_REUSE_CHARS``, else the model. ``coverage``, the yardstick it is
    measured against: the more derived of the model and the coverage rule, a passage of that length (any
    relation) at least partial.
    """
    assert dataset.aligner is not None

    def best(name: str) -> np.ndarray:
        return np.array([max((p[name] for p in a.pairs), default=0.0) for a in dataset.aligner])  # type: ignore[union-attr]

    cov, pred = best("reuse_coverage"), shipped.pred.copy()
    if rule == "shipped":  # compare's own rule, label by label
        worded = np.rint(np.expm1(best("reuse_worded_log"))).astype(int)
        labels = [decided(DERIVATIONS[int(p)], float(c), int(w)) for p, c, w in zip(pred, cov, worded, strict=True)]
        return Scores(dataset.gold, np.array([DERIVATIONS.index(label) for label in labels]), None, split)
    by_cov = classify(cov, WHOLLY_DERIVED_MIN_COVERAGE, PARTIALLY_DERIVED_MIN_COVERAGE)
    by_cov = np.where(np.expm1(best("reuse_longest_log")) >= ABSOLUTE_REUSE_CHARS, np.minimum(by_cov, 1), by_cov)
    return Scores(dataset.gold, np.minimum(pred, by_cov), None, split)


def evaluate(
    dataset: Dataset, split: list[tuple[np.ndarray, np.ndarray]], aggregation: str, features: str, model: str, seed: int
) -> Scores:
    x = dataset.matrix(aggregation, FEATURE_SETS[features])
    return cross_validate(x, dataset.gold, split, MODELS[model], seed)


# ---------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = bench_parser(__doc__)
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=13, help="seed for folds and models (default: %(default)s)")
    parser.add_argument("--no-cache", action="store_true", help=f"neither read nor write {CACHE.name}")
    parser.add_argument(
        "--text-only", action="store_true", help="skip compare: text features only, no aligner features, no baseline"
    )
    parser.add_argument("--aggregations", nargs="+", default=list(AGGREGATIONS), choices=AGGREGATIONS)
    parser.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS), choices=list(MODELS))
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data: Path = args.data
    if (absent := missing(data, METER_NEWSPAPERS, METER_PA)) is not None:
        print(f"skipped: {absent} not found")
        return 0
    started = time.perf_counter()
    dataset = load_dataset(data, args.limit, args.jobs, not args.no_cache, with_aligner=not args.text_only)
    feature_sets = ["text"] if args.text_only else list(FEATURE_SETS)
    split = folds(dataset, args.folds, args.seed)
    counts = np.bincount(dataset.gold, minlength=3)
    print(
        f"== METER dev: {len(dataset.gold)} newspaper articles, {len(set(dataset.stories))} stories "
        f"({', '.join(f'{c} {n}' for c, n in zip(DERIVATIONS, counts, strict=True))}); "
        f"{len(split)} folds grouped by story (StratifiedGroupKFold, seed {args.seed})"
    )
    print(f"text features ({len(TEXT_FEATURES)}): {', '.join(TEXT_FEATURES)}")
    print(f"aligner features ({len(ALIGNER_FEATURES)}): {', '.join(ALIGNER_FEATURES)}")
    print("cells: mean±sd over folds, then pooled over all out-of-fold predictions")
    print(header())
    print("-" * len(header()))
    results: dict[tuple[str, str, str], Scores] = {}
    for aggregation in args.aggregations:
        for name, scores in baselines(dataset, aggregation, split).items():
            print(row(aggregation, "reuse", name, scores.summary()))
        for features in feature_sets:
            for model in args.models:
                scores = evaluate(dataset, split, aggregation, features, model, args.seed)
                results[(aggregation, features, model)] = scores
                print(row(aggregation, features, model, scores.summary()), flush=True)
        shipped_key = (aggregation, "text", SHIPPED_MODEL)
        if dataset.aligner is not None and shipped_key in results:
            # The yardstick: the model, or the coverage rule where that says "more derived".
            cov = dataset.baseline_coverage(aggregation)
            rule = classify(cov, WHOLLY_DERIVED_MIN_COVERAGE, PARTIALLY_DERIVED_MIN_COVERAGE)
            both = Scores(dataset.gold, np.minimum(results[shipped_key].pred, rule), None, split)
            print(row(aggregation, "text", "shipped, or coverage rule", both.summary()), flush=True)
        print()
    if dataset.aligner is not None and ("concat", "text", SHIPPED_MODEL) in results:
        shipped = results[("concat", "text", SHIPPED_MODEL)]
        print("what compare decides, on the shipped model's out-of-fold answers and each article's best PA pair:")
        print(header())
        for name, rule in (("model or coverage .04/.74", "coverage"), ("shipped: or wholly, or worded run", "shipped")):
            print(row("pair", "text", name, compare_rule(dataset, shipped, rule, split).summary()), flush=True)
        print()
    for features in feature_sets:
        best = max((k for k in results if k[1] == features), key=lambda k: results[k].summary()["macro_f1"]["mean"])
        print(f"best with {features} features by mean 3-way macro-F1: {' / '.join(best)}; pooled confusion:")
        print_confusion(confusion(results[best].gold, results[best].pred))
    print(f"\nwall {time.perf_counter() - started:.0f} s with {args.jobs} process(es)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
