"""Story grouping quality on labelled dev data; calibrates ``STORY_MAX_DISTANCE``.

Measures how well ``storytrace.cluster.grouping.group_articles`` recovers gold
stories on two corpora, read from ``/work/shared/data`` (never copied):

* Giveme5W1H news_cluster dev (245 articles, gold = ``event_id``);
* METER dev newspaper articles and PA sources together (850 texts, gold =
  ``domain|date|catchline``; PA texts are of kind ``agency``).

For each it prints B-cubed precision / recall / F1, pairwise F1, the adjusted
Rand index, predicted vs gold cluster counts and wall time at the shipped
``STORY_MAX_DISTANCE``. With ``--sweep`` it re-cuts one average-link tree per
corpus at every ``max_distance`` in a range and names the single value that is
best on both corpora together (mean B-cubed F1): the shipped constant must not
be tuned per dataset.

Run::

    .venv/bin/python bench/quality/cluster_quality.py --sweep
    .venv/bin/python bench/quality/cluster_quality.py --sweep --start 0.4 --stop 0.95 --step 0.025

It exits 0 with a "skipped" line when the data folder is absent.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, Labelled
from _join_data import load_labelled
from storytrace.align.compare import Prepared, prepare
from storytrace.cluster import grouping, join_rules, stream
from storytrace.cluster.grouping import STORY_MAX_DISTANCE, group_articles, similarity_matrix
from storytrace.published import order_key, parse_published, published_seconds
from storytrace.semantic import semantic_available
from storytrace.semantic.embed import model_kind
from support.scoring import Scores, f1, labels_from_groups, score


@dataclass
class Corpus:
    """A prepared corpus, its gold labels and its average-link tree (built once)."""

    name: str
    prepared: list[Prepared]
    gold: np.ndarray
    tree: np.ndarray
    prepare_s: float
    tree_s: float


def build(name: str, items: Sequence[Labelled]) -> Corpus:
    t0 = time.perf_counter()
    prepared = [prepare(item.article) for item in items]
    t1 = time.perf_counter()
    # The same distances and linkage as group_articles, built once so a sweep only re-cuts.
    dist = np.clip(1.0 - similarity_matrix(prepared), 0.0, 1.0)
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method="average")
    t2 = time.perf_counter()
    _, gold = np.unique([item.story for item in items], return_inverse=True)
    return Corpus(name, prepared, gold, tree, t1 - t0, t2 - t1)


def pairs_beyond_window(corpus: Corpus) -> tuple[int, int]:
    """Gold same-story pairs further apart in time than the window (never joinable), and all gold pairs."""
    times = [parse_published(p.article.published) for p in corpus.prepared]
    window_s = grouping.STORY_TIME_WINDOW_DAYS * 86400
    beyond = total = 0
    for i in range(len(times)):
        for j in range(i + 1, len(times)):
            if corpus.gold[i] != corpus.gold[j]:
                continue
            total += 1
            ti, tj = times[i], times[j]
            if ti is not None and tj is not None and abs((ti - tj).total_seconds()) > window_s:
                beyond += 1
    return beyond, total


def cut(corpus: Corpus, max_distance: float) -> np.ndarray:
    return np.asarray(fcluster(corpus.tree, t=max_distance, criterion="distance"))


def load_corpora(data: Path, meter_gold: str) -> list[tuple[str, list[Labelled]]]:
    corpora = [(name, items) for name, items in load_labelled(data) if name != "uci"]
    if meter_gold == "catchline":  # domain|catchline: one trial over several days is one story
        corpora = [
            (n, [Labelled(i.article, i.story.split("|")[0] + "|" + i.story.split("|")[2]) for i in items])
            if n == "meter"
            else (n, items)
            for n, items in corpora
        ]
    return corpora


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder (default: %(default)s)")
    parser.add_argument("--sweep", action="store_true", help="also sweep max_distance and name the best value")
    parser.add_argument(
        "--stream", type=float, nargs="*", help="also run the streaming clusterer at these join cut-offs"
    )
    parser.add_argument(
        "--learned",
        action="store_true",
        help="also score the learned streaming join, 5-fold by story (lexical, and with MiniLM when installed)",
    )
    parser.add_argument("--lexical-only", action="store_true", help="with --learned: skip the embedding model")
    parser.add_argument(
        "--window-days",
        type=float,
        default=stream.STREAM_WINDOW_DAYS,
        help="with --learned: the streaming window (default: %(default)s)",
    )
    parser.add_argument("--start", type=float, default=0.5, help="sweep start (default: %(default)s)")
    parser.add_argument("--stop", type=float, default=0.95, help="sweep stop, inclusive (default: %(default)s)")
    parser.add_argument("--step", type=float, default=0.05, help="sweep step (default: %(default)s)")
    parser.add_argument(
        "--meter-gold",
        choices=("story", "catchline"),
        default="story",
        help="METER gold: domain|date|catchline (default) or domain|catchline",
    )
    parser.add_argument(
        "--time-window",
        type=float,
        default=None,
        help="override STORY_TIME_WINDOW_DAYS for this run only (default: the shipped value)",
    )
    return parser.parse_args(argv)


THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)


def first_reach_labels(unit: np.ndarray, order: Sequence[int], threshold: float) -> np.ndarray:
    """Single pass in ``order``: each row joins the story whose centroid is most cosine-similar, if >= threshold.

    ``unit`` holds unit row vectors; a story's centroid is the sum of its members' (no window, no index).
    """
    sims = unit @ unit.T
    labels = np.full(len(unit), -1, dtype=np.int64)
    norm2: list[float] = []
    placed: list[int] = []
    for k in order:
        if placed:
            dots = np.bincount(labels[placed], weights=sims[k, placed], minlength=len(norm2))
            cos = dots / np.sqrt(np.maximum(norm2, 1e-12))
            best = int(np.argmax(cos))
        if placed and cos[best] >= threshold:
            labels[k] = best
            norm2[best] += 2 * dots[best] + sims[k, k]
        else:
            labels[k] = len(norm2)
            norm2.append(float(sims[k, k]))
        placed.append(k)
    return labels


def first_reach_held_out(unit: np.ndarray, order: Sequence[int], gold: np.ndarray, fold_of: np.ndarray) -> Scores:
    """The first-reach baseline scored as the learned join is: the cut-off of each fold chosen on the other folds.

    Every threshold streams the whole corpus; fold ``f``'s articles are scored at the threshold with the best
    B3-F1 over the articles outside ``f``.
    """
    import _join_data as J

    per = [J.b3_items(first_reach_labels(unit, order, float(t)), gold) for t in THRESHOLDS]
    precision = np.zeros(len(gold))
    recall = np.zeros(len(gold))
    for f in np.unique(fold_of):
        train = fold_of != f
        best = max(range(len(per)), key=lambda i: f1(float(per[i][0][train].mean()), float(per[i][1][train].mean())))
        precision[~train], recall[~train] = per[best][0][~train], per[best][1][~train]
    bp, br = float(precision.mean()), float(recall.mean())
    return Scores(bp, br, f1(bp, br), 0.0, 0.0, 0.0, 0.0, 0, 0)


def tfidf_units(prepared: Sequence[Prepared]) -> np.ndarray:
    """Unit TF-IDF rows (sublinear tf, English stop words) of each article's title and cleaned content."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [
        (p.article.title or "") + "\n" + " ".join(p.article.text[s:e] for s, e in p.clean.content) for p in prepared
    ]
    return np.asarray(TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray())


def baseline_line(
    name: str, unit: np.ndarray, prepared: Sequence[Prepared], gold: np.ndarray, fold_of: np.ndarray
) -> str:
    """The first-reach baseline's line: held-out B3 on the folds of the learned join."""
    order = sorted(range(len(prepared)), key=lambda k: (order_key(prepared[k].article.published), k))
    t0 = time.perf_counter()
    s = first_reach_held_out(unit, order, gold, fold_of)
    took = time.perf_counter() - t0
    return (
        f"  {'':<17} baseline {name:<7}: held-out B3 P/R/F1 {s.b3_p:.3f}/{s.b3_r:.3f}/{s.b3_f1:.3f} "
        f"(first reach: one pass, cosine to story centroid, cut-off by CV on training folds, {took:.0f} s)"
    )


HORIZONS = (7.0, 30.0, 90.0, 365.0, 1095.0)


def horizon_cap(prepared: Sequence[Prepared], gold: np.ndarray, days: float) -> Scores:
    """The best a stream can score when a story silent for longer than ``days`` can no longer be joined.

    Gold assignments in publication order, except that an article whose gold story's last article is more than
    ``days`` older opens a new story (an undated article joins as it may).
    """
    order = sorted(range(len(prepared)), key=lambda k: (order_key(prepared[k].article.published), k))
    current: dict[int, tuple[int, float]] = {}  # gold story -> (predicted story, last time)
    labels = np.zeros(len(gold), dtype=np.int64)
    for k in order:
        when = published_seconds(prepared[k].article.published)
        story, last = current.get(int(gold[k]), (-1, math.nan))
        if story < 0 or (not math.isnan(when) and not math.isnan(last) and when - last > days * 86400):
            story = k
        labels[k] = story
        current[int(gold[k])] = (story, when if math.isnan(last) else max(last, when) if not math.isnan(when) else last)
    return score(labels, gold)


def transfer_line(corpus: Any, events: dict[str, Any], semantic: bool, kind: str, window_days: float) -> str:
    """Across corpora: the join trained on the other corpora only, scored on all of ``corpus``."""
    import _join_data as J

    others = [e for name, evs in events.items() if name != corpus.name for e in evs]
    model = J.fit_join(others, semantic)
    embed = corpus.embed_lookup() if semantic else None
    s = score(np.array(stream.stream_labels(corpus.prepared, model, embed, window_days=window_days)), corpus.gold)
    trained = "+".join(name for name in events if name != corpus.name)
    return (
        f"  {'':<17} transfer {kind if semantic else 'lexical':<7}: trained on {trained} only, "
        f"B3 P/R/F1 {s.b3_p:.3f}/{s.b3_r:.3f}/{s.b3_f1:.3f}"
    )


def learned_section(data: Path, lexical_only: bool, window_days: float = stream.STREAM_WINDOW_DAYS) -> None:
    """The learned join, each article scored by a model that never saw its story (``_join_data.held_out_b3``)."""
    import _join_data as J

    embed = None
    kind = "semantic"
    if not lexical_only and semantic_available():
        from _relations_data import bench_embedder

        embedder = bench_embedder()
        embed, kind = embedder.encode, model_kind(embedder)
    corpora = [J.stream_corpus(name, items, embed) for name, items in J.load_labelled(data)]
    events = {c.name: J.oracle_events(c, window_days) for c in corpora}
    print(
        f"\nlearned streaming join, window {window_days:g} days ({J.FOLDS}-fold by gold story: B3 of each article "
        "from a model trained on the other corpora and folds; then the shipped model, trained on all, in-sample)"
    )
    for c in corpora:
        caps = ", ".join(f"{d:g} days {horizon_cap(c.prepared, c.gold, d).b3_f1:.3f}" for d in HORIZONS)
        print(f"  {c.name:<11} best attainable B3-F1 when a story silent for longer than the horizon ends: {caps}")
        fixed = score(
            np.array(stream.stream_labels(c.prepared, join_rules.FixedJoin(), window_days=window_days)), c.gold
        )
        print(
            f"  {c.name:<11} {len(c.prepared):>5} docs  fixed cosine {join_rules.STREAM_JOIN_MIN}: "
            f"B3 P/R/F1 {fixed.b3_p:.3f}/{fixed.b3_r:.3f}/{fixed.b3_f1:.3f}"
        )
        fold_of = np.zeros(0, dtype=int)
        for semantic in (False, True) if embed is not None else (False,):
            t0 = time.perf_counter()
            held, fold_of = J.held_out_b3(c, events, semantic, window_days=window_days)
            took = time.perf_counter() - t0
            print(transfer_line(c, events, semantic, kind, window_days))
            shipped = join_rules.default_join(semantic, kind)
            embed_fn = c.embed_lookup() if semantic else None
            s = score(np.array(stream.stream_labels(c.prepared, shipped, embed_fn, window_days=window_days)), c.gold)
            print(
                f"  {'':<17} learned {kind if semantic else 'lexical ':<8}: held-out B3 P/R/F1 "
                f"{held.b3_p:.3f}/{held.b3_r:.3f}/{held.b3_f1:.3f} ({held.folds} folds, {took:.0f} s)"
                f" | shipped: B3-F1 {s.b3_f1:.3f} pairF1 {s.pair_f1:.3f} ARI {s.ari:.3f} pred {s.n_pred}/{s.n_gold}"
            )
        print(baseline_line("tf-idf", tfidf_units(c.prepared), c.prepared, c.gold, fold_of))
        if c.embeddings is not None:
            print(baseline_line(kind, c.embeddings.astype(np.float64), c.prepared, c.gold, fold_of))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data: Path = args.data
    if not data.is_dir():
        print(f"skipped: {data} not found")
        return 0
    if args.time_window is not None:
        grouping.STORY_TIME_WINDOW_DAYS = args.time_window  # read by similarity_matrix at call time
    named = load_corpora(data, args.meter_gold)
    if not named:
        return 0

    corpora = [build(name, items) for name, items in named]

    print(
        f"STORY_MAX_DISTANCE = {STORY_MAX_DISTANCE}, STORY_TIME_WINDOW_DAYS = {grouping.STORY_TIME_WINDOW_DAYS:g}"
        f"  (METER gold: {args.meter_gold})"
    )
    header = (
        f"{'dataset':<11} {'docs':>5} {'gold':>5} {'pred':>5} {'B3-P':>6} {'B3-R':>6} {'B3-F1':>6} "
        f"{'pairP':>6} {'pairR':>6} {'pairF1':>6} {'ARI':>6} {'prep s':>7} {'group s':>8}"
    )
    print(header)
    print("-" * len(header))
    for corpus in corpora:
        t0 = time.perf_counter()
        groups = group_articles(corpus.prepared)
        group_s = time.perf_counter() - t0
        labels = labels_from_groups(groups, len(corpus.prepared))
        s = score(labels, corpus.gold)
        print(
            f"{corpus.name:<11} {len(corpus.prepared):>5} {s.n_gold:>5} {s.n_pred:>5} {s.b3_p:>6.3f} {s.b3_r:>6.3f} "
            f"{s.b3_f1:>6.3f} {s.pair_p:>6.3f} {s.pair_r:>6.3f} {s.pair_f1:>6.3f} {s.ari:>6.3f} "
            f"{corpus.prepare_s:>7.2f} {group_s:>8.2f}"
        )
        if adjusted_rand_score(labels, cut(corpus, STORY_MAX_DISTANCE)) < 1 - 1e-9:
            print(f"  warning: {corpus.name}: the bench's own cut differs from group_articles", file=sys.stderr)
    if args.learned:
        learned_section(data, args.lexical_only, args.window_days)
    if args.stream:
        print("\nstreaming clusterer (storytrace.cluster.stream), one pass in publication order")
        for join_min in args.stream:
            cells = []
            for corpus in corpora:
                t0 = time.perf_counter()
                groups = stream.stream_groups(corpus.prepared, join_rules.FixedJoin(join_min))
                took = time.perf_counter() - t0
                s = score(labels_from_groups(groups, len(corpus.prepared)), corpus.gold)
                cells.append(
                    f"{corpus.name} B3 P/R/F1 {s.b3_p:.3f}/{s.b3_r:.3f}/{s.b3_f1:.3f} ARI {s.ari:.3f} "
                    f"pred {s.n_pred} ({took:.2f} s)"
                )
            print(f"  join at cosine >= {join_min:.2f}: " + " | ".join(cells))
    for corpus in corpora:
        beyond, total = pairs_beyond_window(corpus)
        print(
            f"{corpus.name}: {beyond} of {total} gold same-story pairs are over "
            f"{grouping.STORY_TIME_WINDOW_DAYS:g} days apart (never joined)"
        )

    if not args.sweep:
        return 0

    thresholds = [round(float(t), 4) for t in np.arange(args.start, args.stop + args.step / 2, args.step)]
    print()
    print("sweep of max_distance (one linkage per corpus, re-cut per value)")
    cols = "".join(f" | {c.name[:11]:<11} {'pred':>4} {'B3-F1':>6} {'pairF1':>6} {'ARI':>6}" for c in corpora)
    header = f"{'max_dist':>8}{cols} | {'mean B3':>7} {'mean pF1':>8} {'mean ARI':>8}"
    print(header)
    print("-" * len(header))
    table: list[tuple[float, list[Scores]]] = []
    for t in thresholds:
        row = [score(cut(c, t), c.gold) for c in corpora]
        table.append((t, row))
        cells = "".join(f" | {'':<11} {s.n_pred:>4} {s.b3_f1:>6.3f} {s.pair_f1:>6.3f} {s.ari:>6.3f}" for s in row)
        print(
            f"{t:>8.3f}{cells} | {np.mean([s.b3_f1 for s in row]):>7.3f} "
            f"{np.mean([s.pair_f1 for s in row]):>8.3f} {np.mean([s.ari for s in row]):>8.3f}"
        )

    print()
    for label, key in (("mean B3-F1", "b3_f1"), ("mean pair-F1", "pair_f1"), ("mean ARI", "ari")):
        # Ties go to the value nearest the shipped constant.
        best_t, best_row = max(
            table,
            key=lambda tr, k=key: (
                round(float(np.mean([getattr(s, k) for s in tr[1]])), 6),
                -abs(tr[0] - STORY_MAX_DISTANCE),
            ),
        )
        each = ", ".join(
            f"{c.name} B3-F1 {s.b3_f1:.3f} pairF1 {s.pair_f1:.3f} ARI {s.ari:.3f}"
            for c, s in zip(corpora, best_row, strict=True)
        )
        print(f"best single value by {label:<12}: {best_t:.3f}  ({each})")
    for i, c in enumerate(corpora):
        t, row = max(table, key=lambda tr, i=i: (round(tr[1][i].b3_f1, 6), -abs(tr[0] - STORY_MAX_DISTANCE)))
        print(f"best for {c.name} alone (B3-F1, not for shipping): {t:.3f}  B3-F1 {row[i].b3_f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
