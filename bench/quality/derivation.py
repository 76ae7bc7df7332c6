"""Derivation and same-story accuracy of ``compare``; calibrates the coverage and story-score constants.

Measures, on data read from ``/work/shared/data`` (never copied):

1. METER dev derivation. Each newspaper article is compared with every PA text
   of its story (``compare(pa, newspaper)``); its coverage is the largest
   ``b_covered_by_a`` over those sources ("max"), or alternatively the share
   covered by the union of the reused passages of all of them ("union"). The
   shipped ``WHOLLY_DERIVED_MIN_COVERAGE`` / ``PARTIALLY_DERIVED_MIN_COVERAGE``
   are scored (accuracy, macro-F1, confusion matrix), coverage quantiles are
   given per gold class, and a grid search picks the pair of thresholds that
   maximises macro-F1, held out by story (k folds grouped by
   domain|date|catchline: choose on k-1 folds, score on the last) and on all
   data.
2. ``SAME_STORY_MIN_SCORE``: the ``same_story`` rate of the METER
   newspaper-PA pairs (all the same story), of random METER newspaper-PA pairs
   from different stories, and of Giveme5W1H dev pairs (same event vs
   different events); precision / recall at the shipped value, ``story_score``
   quantiles and a threshold sweep.

Also prints the mean time per ``compare``. Run::

    .venv/bin/python bench/quality/derivation.py            # everything, 2 processes
    .venv/bin/python bench/quality/derivation.py --limit 60 --pairs 50 --jobs 1   # quick look

It exits 0 with a "skipped" line when the data folder is absent.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path
from typing import TypeVar

import numpy as np
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import (
    GIVEME_FILE,
    METER_NEWSPAPERS,
    METER_PA,
    Labelled,
    MeterArticle,
    bench_parser,
    load_giveme,
    load_meter_newspapers,
    load_meter_pa,
    missing,
)
from storytrace.align.compare import (
    PARTIALLY_DERIVED_MIN_COVERAGE,
    SAME_STORY_MIN_SCORE,
    WHOLLY_DERIVED_MIN_COVERAGE,
    Prepared,
    compare,
    coverage,
)
from storytrace.model import DERIVATIONS, REUSE_RELATIONS, Article, Span

T = TypeVar("T")
R = TypeVar("R")
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


@dataclass(frozen=True)
class PairResult:
    """What one ``compare`` says about a pair, and how long it took."""

    story_score: float
    same_story: bool
    b_covered_by_a: float
    b_from_a: str
    seconds: float


@dataclass(frozen=True)
class MeterResult:
    """One METER newspaper article against all PA texts of its story."""

    story: str
    label: str
    max_coverage: float
    max_label: str  # the library's own derivation for the best-covering source
    union_coverage: float
    pairs: tuple[PairResult, ...]


# ---------------------------------------------------------------- comparing (run in worker processes)


def _timed_compare(a: Article, b: Article) -> tuple[PairResult, list[Span], Prepared]:
    t0 = time.perf_counter()
    c = compare(a, b)
    seconds = time.perf_counter() - t0
    spans = [al.b_span for al in c.alignments if al.relation in REUSE_RELATIONS]
    result = PairResult(c.story_score, c.same_story, c.b_covered_by_a, c.b_from_a, seconds)
    return result, spans, Prepared(c.b, c.b_clean, ())


def meter_task(task: tuple[MeterArticle, list[Article]]) -> MeterResult:
    item, sources = task
    pairs: list[PairResult] = []
    spans: list[Span] = []
    prepared_b: Prepared | None = None
    for source in sources:
        result, reused, prepared_b = _timed_compare(source, item.article)
        pairs.append(result)
        spans.extend(reused)
    best = max(pairs, key=lambda p: p.b_covered_by_a)
    union = coverage(prepared_b, spans) if prepared_b is not None else 0.0
    return MeterResult(item.story, item.label, best.b_covered_by_a, best.b_from_a, union, tuple(pairs))


def pair_task(task: tuple[Article, Article]) -> PairResult:
    return _timed_compare(*task)[0]


def run(func: Callable[[T], R], tasks: Sequence[T], jobs: int) -> list[R]:
    if jobs <= 1 or len(tasks) < 2:
        return [func(t) for t in tasks]
    with Pool(jobs) as pool:
        return list(pool.imap(func, tasks, chunksize=4))


# ---------------------------------------------------------------- scoring


def classify(cov: np.ndarray, wholly: float, partial: float) -> np.ndarray:
    """Class indices into DERIVATIONS, as ``compare.derivation`` assigns them."""
    return np.where(cov >= wholly, 0, np.where(cov >= partial, 1, 2))


def confusion(gold: np.ndarray, pred: np.ndarray) -> np.ndarray:
    return np.bincount(3 * gold + pred, minlength=9).reshape(3, 3)


def macro_f1(table: np.ndarray) -> float:
    tp = np.diag(table).astype(float)
    denom = table.sum(axis=0) + table.sum(axis=1)
    f1 = np.divide(2 * tp, denom, out=np.zeros(3), where=denom > 0)
    return float(f1.mean())


def per_class_f1(table: np.ndarray) -> list[float]:
    tp = np.diag(table).astype(float)
    denom = table.sum(axis=0) + table.sum(axis=1)
    return [float(x) for x in np.divide(2 * tp, denom, out=np.zeros(3), where=denom > 0)]


def accuracy(table: np.ndarray) -> float:
    return float(np.trace(table) / table.sum()) if table.sum() else 0.0


def grid() -> list[tuple[float, float]]:
    steps = [round(k / 100, 2) for k in range(0, 101)]
    return [(w, p) for w in steps for p in steps if 0 < p < w]


def best_thresholds(cov: np.ndarray, gold: np.ndarray, pairs: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The (wholly, partial) pair of highest macro-F1; ties go to the one nearest the tied set's centre."""
    scores = np.array([macro_f1(confusion(gold, classify(cov, w, p))) for w, p in pairs])
    tied = np.array([pairs[i] for i in np.flatnonzero(scores >= scores.max() - 1e-12)])
    centre = tied.mean(axis=0)
    w, p = tied[np.argmin(((tied - centre) ** 2).sum(axis=1))]
    return float(w), float(p)


def quantiles(values: Iterable[float]) -> str:
    v = np.asarray(list(values), dtype=float)
    if not len(v):
        return f"{0:>4} " + " ".join(f"{'-':>5}" for _ in range(len(QUANTILES) + 1))
    q = np.quantile(v, QUANTILES)
    return f"{len(v):>4} {v.mean():>5.3f} " + " ".join(f"{x:>5.3f}" for x in q)


def quantile_header(first: str, width: int) -> str:
    return f"{first:<{width}} {'n':>4} {'mean':>5} " + " ".join(f"{'q' + str(int(q * 100)):>5}" for q in QUANTILES)


def print_confusion(table: np.ndarray) -> None:
    short = ("wholly", "partial", "non")
    print(f"    {'gold/pred':<12}" + "".join(f"{s:>9}" for s in short))
    for k, s in enumerate(short):
        print(f"    {s:<12}" + "".join(f"{int(x):>9}" for x in table[k]))


# ---------------------------------------------------------------- report sections


def report_derivation(results: Sequence[MeterResult], folds: int, seed: int) -> None:
    gold = np.array([DERIVATIONS.index(r.label) for r in results])
    stories = [r.story for r in results]
    variants = {
        "max": np.array([r.max_coverage for r in results]),
        "union": np.array([r.union_coverage for r in results]),
    }
    print(f"== derivation on METER dev: {len(results)} newspaper articles, {len(set(stories))} stories")
    print(
        f"shipped: WHOLLY_DERIVED_MIN_COVERAGE = {WHOLLY_DERIVED_MIN_COVERAGE}, "
        f"PARTIALLY_DERIVED_MIN_COVERAGE = {PARTIALLY_DERIVED_MIN_COVERAGE}"
    )
    library = confusion(gold, np.array([DERIVATIONS.index(r.max_label) for r in results]))
    print(f"{'coverage':<8} {'acc':>6} {'macroF1':>7} {'F1 wholly':>9} {'partial':>7} {'non':>6}")
    tables = {"max": library}
    tables["union"] = confusion(
        gold, classify(variants["union"], WHOLLY_DERIVED_MIN_COVERAGE, PARTIALLY_DERIVED_MIN_COVERAGE)
    )
    for name, table in tables.items():
        f1 = per_class_f1(table)
        print(f"{name:<8} {accuracy(table):>6.3f} {macro_f1(table):>7.3f} {f1[0]:>9.3f} {f1[1]:>7.3f} {f1[2]:>6.3f}")
    print("  confusion (max coverage, the library's b_from_a of the best source):")
    print_confusion(library)

    print()
    print("coverage of the newspaper article by gold class")
    print(quantile_header("class / coverage", 24))
    for name, cov in variants.items():
        for k, label in enumerate(DERIVATIONS):
            print(f"{label + ' / ' + name:<24} {quantiles(cov[gold == k])}")

    pairs = grid()
    n_folds = min(folds, len(set(stories)))
    print()
    print(f"grid search of (wholly_min, partial_min), step 0.01; {n_folds} folds grouped by story (seed {seed})")
    header = (
        f"{'coverage':<8} {'fold':>4} {'wholly':>6} {'partial':>7} {'trainF1':>7} "
        f"{'testF1':>6} {'testAcc':>7} {'shippedF1':>9}"
    )
    print(header)
    print("-" * len(header))
    summary: list[str] = []
    for name, cov in variants.items():
        held: list[float] = []
        shipped: list[float] = []
        splitter = GroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        for k, (train, test) in enumerate(splitter.split(cov, gold, groups=stories)):
            w, p = best_thresholds(cov[train], gold[train], pairs)
            train_f1 = macro_f1(confusion(gold[train], classify(cov[train], w, p)))
            test_table = confusion(gold[test], classify(cov[test], w, p))
            ship_table = confusion(
                gold[test], classify(cov[test], WHOLLY_DERIVED_MIN_COVERAGE, PARTIALLY_DERIVED_MIN_COVERAGE)
            )
            held.append(macro_f1(test_table))
            shipped.append(macro_f1(ship_table))
            print(
                f"{name:<8} {k + 1:>4} {w:>6.2f} {p:>7.2f} {train_f1:>7.3f} {held[-1]:>6.3f} "
                f"{accuracy(test_table):>7.3f} {shipped[-1]:>9.3f}"
            )
        w, p = best_thresholds(cov, gold, pairs)
        table = confusion(gold, classify(cov, w, p))
        summary.append(
            f"{name:<8} held-out macro-F1 {np.mean(held):.3f} +- {np.std(held):.3f} "
            f"(shipped constants on the same folds {np.mean(shipped):.3f}); "
            f"all data: wholly {w:.2f}, partial {p:.2f} -> macro-F1 {macro_f1(table):.3f}, acc {accuracy(table):.3f}"
        )
    print()
    print("\n".join(summary))
    print()
    print("macro-F1 on all data, max coverage (rows wholly_min, columns partial_min)")
    partials = [round(0.04 + 0.02 * k, 2) for k in range(9)]
    print(f"{'':>6}" + "".join(f"{p:>6.2f}" for p in partials))
    for w in [round(0.35 + 0.05 * k, 2) for k in range(8)]:
        cells = "".join(f"{macro_f1(confusion(gold, classify(variants['max'], w, p))):>6.3f}" for p in partials)
        print(f"{w:>6.2f}{cells}")
    w, p = best_thresholds(variants["max"], gold, pairs)
    print("  confusion (max coverage, thresholds chosen on all data):")
    print_confusion(confusion(gold, classify(variants["max"], w, p)))


def prf(pos: np.ndarray, neg: np.ndarray, threshold: float) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``score >= threshold`` as the same-story call.

    Precision is taken at equal numbers of same and different pairs (TPR / (TPR + FPR)), so that sets
    with more same-story pairs than different ones (METER) are not flattered.
    """
    tpr = float((pos >= threshold).mean()) if len(pos) else 0.0
    fpr = float((neg >= threshold).mean()) if len(neg) else 0.0
    p = tpr / (tpr + fpr) if tpr + fpr else 1.0
    f1 = 2 * p * tpr / (p + tpr) if p + tpr else 0.0
    return p, tpr, f1


def report_same_story(sets: dict[str, tuple[list[PairResult], list[PairResult]]]) -> None:
    print()
    print(f"== same story: SAME_STORY_MIN_SCORE = {SAME_STORY_MIN_SCORE}")
    print(f"{'pairs':<28} {'n':>5} {'same_story rate':>15}")
    for name, (pos, neg) in sets.items():
        for kind, pairs, should in (("same", pos, True), ("different", neg, False)):
            if pairs:
                rate = np.mean([p.same_story for p in pairs])
                print(f"{name + ' ' + kind:<28} {len(pairs):>5} {rate:>15.3f}   (should be {should})")
    print()
    print("story_score")
    print(quantile_header("pairs", 28))
    for name, (pos, neg) in sets.items():
        for kind, pairs in (("same", pos), ("different", neg)):
            if pairs:
                print(f"{name + ' ' + kind:<28} {quantiles(p.story_score for p in pairs)}")

    scored = {
        name: (np.array([p.story_score for p in pos]), np.array([p.story_score for p in neg]))
        for name, (pos, neg) in sets.items()
        if pos and neg
    }
    if not scored:
        return
    print()
    print("sweep of the story_score threshold: precision (at 1:1 same:different) / recall / F1 of same_story")
    cols = "".join(f" | {name[:13]:<13} {'P':>5} {'R':>5} {'F1':>5}" for name in scored)
    header = f"{'min':>5}{cols} | {'mean F1':>7}"
    print(header)
    print("-" * len(header))
    fine = {round(k * 0.02, 2) for k in range(1, 21)}  # 0.02 .. 0.40, where the cut usually falls
    thresholds = sorted(fine | {round(k * 0.05, 2) for k in range(9, 20)} | {SAME_STORY_MIN_SCORE})
    rows: list[tuple[float, list[tuple[float, float, float]]]] = []
    for t in thresholds:
        row = [prf(pos, neg, t) for pos, neg in scored.values()]
        rows.append((t, row))
        cells = "".join(f" | {'':<13} {p:>5.3f} {r:>5.3f} {f:>5.3f}" for p, r, f in row)
        mark = "  <- shipped" if t == SAME_STORY_MIN_SCORE else ""
        print(f"{t:>5.2f}{cells} | {np.mean([x[2] for x in row]):>7.3f}{mark}")
    print()
    names = list(scored)
    best_t, best_row = max(rows, key=lambda tr: (round(float(np.mean([x[2] for x in tr[1]])), 6), -tr[0]))
    each = ", ".join(f"{n} P {x[0]:.3f} R {x[1]:.3f} F1 {x[2]:.3f}" for n, x in zip(names, best_row, strict=True))
    print(f"best single threshold by mean F1: {best_t:.2f}  ({each})")
    for i, n in enumerate(names):
        t, row = max(rows, key=lambda tr, i=i: (round(tr[1][i][2], 6), -tr[0]))
        print(f"best for {n} alone: {t:.2f}  F1 {row[i][2]:.3f}")


# ---------------------------------------------------------------- main


def giveme_pairs(items: Sequence[Labelled], n: int, rng: random.Random) -> tuple[list[tuple[int, int]], ...]:
    same = [(i, j) for i in range(len(items)) for j in range(i + 1, len(items)) if items[i].story == items[j].story]
    same = rng.sample(same, min(n, len(same)))
    different: set[tuple[int, int]] = set()
    stories = {item.story for item in items}
    while len(stories) > 1 and len(different) < n:
        i, j = sorted(rng.sample(range(len(items)), 2))
        if items[i].story != items[j].story:
            different.add((i, j))
    return same, sorted(different)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = bench_parser(__doc__)
    parser.add_argument("--pairs", type=int, default=300, help="Giveme5W1H pairs of each kind (default: %(default)s)")
    parser.add_argument(
        "--meter-negatives",
        type=int,
        default=300,
        help="random METER newspaper-PA pairs from different stories (default: %(default)s; 0: none)",
    )
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=13, help="seed for pair sampling and folds (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data: Path = args.data
    if not data.is_dir():
        print(f"skipped: {data} not found")
        return 0
    rng = random.Random(args.seed)
    started = time.perf_counter()
    all_pairs: list[PairResult] = []
    sets: dict[str, tuple[list[PairResult], list[PairResult]]] = {}

    if (absent := missing(data, METER_NEWSPAPERS, METER_PA)) is None:
        pa = load_meter_pa(data)
        newspapers = load_meter_newspapers(data)
        if args.limit:
            newspapers = newspapers[: args.limit]
        tasks = [(m, [pa[i].article for i in m.pa_source_ids if i in pa]) for m in newspapers]
        skipped = sum(1 for _, sources in tasks if not sources)
        tasks = [t for t in tasks if t[1]]
        if skipped:
            print(f"({skipped} METER article(s) without a PA source skipped)")
        results = run(meter_task, tasks, args.jobs)
        report_derivation(results, args.folds, args.seed)
        positives = [p for r in results for p in r.pairs]
        all_pairs += positives
        negatives: list[PairResult] = []
        if args.meter_negatives:
            pa_list = sorted(pa.values(), key=lambda x: x.article.id)
            neg_tasks: list[tuple[Article, Article]] = []
            while len(neg_tasks) < args.meter_negatives:
                m, source = rng.choice(newspapers), rng.choice(pa_list)
                if source.story != m.story:
                    neg_tasks.append((source.article, m.article))
            negatives = run(pair_task, neg_tasks, args.jobs)
            all_pairs += negatives
        sets["meter newspaper-PA"] = (positives, negatives)
    else:
        print(f"skipped METER: {absent} not found")

    if (absent := missing(data, GIVEME_FILE)) is None:
        items = load_giveme(data)
        same, different = giveme_pairs(items, args.pairs, rng)
        pos = run(pair_task, [(items[i].article, items[j].article) for i, j in same], args.jobs)
        neg = run(pair_task, [(items[i].article, items[j].article) for i, j in different], args.jobs)
        all_pairs += pos + neg
        sets["giveme5w1h"] = (pos, neg)
    else:
        print(f"skipped giveme5w1h: {absent} not found")

    if sets:
        report_same_story(sets)
    if all_pairs:
        seconds = np.array([p.seconds for p in all_pairs])
        print()
        print(
            f"compare: {len(all_pairs)} calls, mean {1000 * seconds.mean():.1f} ms, "
            f"median {1000 * np.median(seconds):.1f} ms, max {1000 * seconds.max():.0f} ms per call "
            f"(one process); wall {time.perf_counter() - started:.0f} s with {args.jobs} process(es)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
