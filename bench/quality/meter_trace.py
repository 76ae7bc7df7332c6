"""METER dev: are derived newspaper articles traced to their story's PA copy, and non-derived ones not.

Each gold story (``domain|date|catchline``) is one corpus: its PA texts (kind
``agency``, source "Press Association") and its newspaper articles, aligned
pair by pair with ``align.policy.compare_story`` (no embedder, i.e. the lexical
path; the relation scorer is ``default_scorer()``, or the lexical rules with
``--lexical``), then traced with ``trace.passages.passage_sources``. The
story is given: this measures tracing, not grouping.

The headline is the provenance graph's (``trace.edges.reuse_edges``): a
derived article is traced when an edge comes to it from a PA text of its
story, a non-derived one is untraced when no edge comes to it at all (the
targets: >= 0.92 and >= 0.85). Edges follow the derivation labels, so this
scores the derivation decision where the graph uses it. The same is printed
keeping only edges whose confidence (the derivation model's calibrated
probability) is at least t, the trade-off a reader filtering by confidence gets.

Per newspaper article, its *PA share* is the share of its content characters
(cleaned content, letters and digits) inside passages whose traced source is a
PA text of its story. Two rules say whether an article's passages trace to PA:

- ``share``: PA share >= ``compare.PARTIALLY_DERIVED_MIN_COVERAGE``
  (0.08), the library's own floor for "partially derived": less reused text
  than that does not make an article derived from its source, whoever it is;
- ``any``: at least one of its reuse passages is traced to a PA text (every
  passage counted, however short).

Targets: >= 0.95 of wholly/partially derived articles
traced to PA, >= 0.85 of non-derived ones traced to nothing. Passages traced
to another newspaper do not count as traced to PA (METER's newspapers do not
copy each other; such a passage is PA or court text that the PA copy in the
corpus does not hold, or holds too reworded to align); their share is printed
apart. METER's non-derived articles often quote the same witnesses as PA word
for word, so the ``any`` figure for them is expected to be low.

Run::

    OMP_NUM_THREADS=1 .venv/bin/python bench/quality/meter_trace.py              # METER dev, 2 processes
    OMP_NUM_THREADS=1 .venv/bin/python bench/quality/meter_trace.py --limit 80   # quick look

It exits 0 with a "skipped" line when the data is absent.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import (
    dataclass,  # noqa: E402
    replace,  # noqa: E402
)
from multiprocessing import Pool  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

import storytrace.align.compare as compare_module  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import METER_NEWSPAPERS, METER_PA, bench_parser, load_meter_newspapers, load_meter_pa, missing  # noqa: E402
from meter import FEATURE_SETS, folds, load_dataset  # noqa: E402
from storytrace.align.classifier import default_scorer  # noqa: E402
from storytrace.align.compare import PARTIALLY_DERIVED_MIN_COVERAGE, prepare  # noqa: E402
from storytrace.align.derivation_model import DerivationModel  # noqa: E402
from storytrace.align.policy import compare_story  # noqa: E402
from storytrace.align.relation import LexicalRelations, RelationScorer  # noqa: E402
from storytrace.clean import agencies_with  # noqa: E402
from storytrace.model import REUSE_RELATIONS as REUSE  # noqa: E402
from storytrace.model import Article  # noqa: E402
from storytrace.pipeline import member_order  # noqa: E402
from storytrace.trace.edges import reuse_edges, supported_edges  # noqa: E402
from storytrace.trace.passages import passage_sources  # noqa: E402
from train_derivation import AGGREGATION, FEATURES, MODEL, fitted_heads  # noqa: E402

LABELS = ("wholly_derived", "partially_derived", "non_derived")
MIN_SHARE = PARTIALLY_DERIVED_MIN_COVERAGE


@dataclass(frozen=True)
class Traced:
    """What tracing found for one newspaper article."""

    id: str
    label: str
    pa_share: float  # content share in passages traced to a PA text of the story
    other_share: float  # content share in passages traced to another newspaper
    pa_passages: int
    reuse_passages: int  # passages of the article that have a source (original ones not counted)
    aligned_pa: float  # share of the article's content in reuse alignments with the story's PA texts
    derived_pa: bool  # compare's derivation of the article from some PA text is not non_derived
    edge_pa: bool  # the provenance graph has an edge from a PA text of the story to the article
    edge_any: bool  # the graph has an edge from any article to it
    confidence_pa: float  # the highest confidence of the derivation model on a PA text -> article pair (0: none)


@dataclass(frozen=True)
class StoryTask:
    """One gold story: its PA texts and its newspaper articles with their labels."""

    key: str
    pa: tuple[Article, ...]
    papers: tuple[tuple[Article, str], ...]
    lexical: bool
    model: dict[str, Any] | None = None  # the derivation model fitted without this story's fold (None: shipped)


_SCORER: RelationScorer | None = None


def _scorer(lexical: bool) -> RelationScorer:
    global _SCORER
    if _SCORER is None:
        _SCORER = LexicalRelations() if lexical else default_scorer()
    return _SCORER


def trace_story(task: StoryTask) -> tuple[list[Traced], float]:
    """The story's newspaper articles as traced, and the seconds ``passage_sources`` took."""
    if task.model is not None:  # the fold's model answers for this story's pairs
        fold_model = DerivationModel.from_dict(task.model)
        compare_module.load_derivation_model = lambda: fold_model
    articles = [*task.pa, *(a for a, _ in task.papers)]
    agencies = agencies_with(a.source for a in task.pa if a.source)
    members = sorted((prepare(a, agencies) for a in articles), key=lambda p: member_order(p.article))
    clean = {p.article.id: p.clean for p in members}
    comparisons = compare_story(members, _scorer(task.lexical))
    t0 = time.perf_counter()
    passages = passage_sources(comparisons)
    edges = supported_edges(reuse_edges(comparisons), passages)  # as story_provenance has them
    seconds = time.perf_counter() - t0
    pa_ids = {a.id for a in task.pa}
    confidence: dict[str, float] = {}
    for c in comparisons:
        if c.order.source in pa_ids and c.confidence is not None:
            copy = c.b.id if c.order.source == c.a.id else c.a.id
            confidence[copy] = max(confidence.get(copy, 0.0), c.confidence)
    direct: dict[str, list[tuple[int, int]]] = {}  # article -> spans in reuse alignments with a PA text
    derived: dict[str, bool] = {}
    for c in comparisons:
        for paper, other, side, label in ((c.a, c.b, "a", c.a_from_b), (c.b, c.a, "b", c.b_from_a)):
            if other.id in pa_ids and paper.id not in pa_ids:
                spans = [al.a_span if side == "a" else al.b_span for al in c.alignments if al.relation in REUSE]
                direct.setdefault(paper.id, []).extend(spans)
                derived[paper.id] = derived.get(paper.id, False) or label != "non_derived"
    out = []
    for art, label in task.papers:
        text = art.text
        content = np.zeros(len(text), dtype=bool)
        for s, e in clean[art.id].content:
            content[s:e] = True
        content &= np.fromiter((c.isalnum() for c in text), dtype=bool, count=len(text))
        total = max(1, int(content.sum()))
        aligned = np.zeros(len(text), dtype=bool)
        for a, b in direct.get(art.id, ()):
            aligned[a:b] = True
        to_pa = np.zeros(len(text), dtype=bool)
        to_other = np.zeros(len(text), dtype=bool)
        mine = [p for p in passages if p.article == art.id and p.source is not None]
        for p in mine:
            (to_pa if p.source in pa_ids else to_other)[p.span[0] : p.span[1]] = True
        out.append(
            Traced(
                art.id,
                label,
                float((content & to_pa).sum()) / total,
                float((content & to_other).sum()) / total,
                sum(p.source in pa_ids for p in mine),
                len(mine),
                float((content & aligned).sum()) / total,
                derived.get(art.id, False),
                any(e.copy == art.id and e.source in pa_ids for e in edges),
                any(e.copy == art.id for e in edges),
                confidence.get(art.id, 0.0),
            )
        )
    return out, seconds


def stories(data: Path, limit: int, lexical: bool) -> list[StoryTask]:
    papers = load_meter_newspapers(data)
    if limit:
        papers = papers[:limit]
    pa = load_meter_pa(data)
    by_story: dict[str, list[tuple[Article, str]]] = {}
    for m in papers:
        by_story.setdefault(m.story, []).append((m.article, m.label))
    pa_by_story: dict[str, list[Article]] = {}
    for rec in pa.values():
        pa_by_story.setdefault(rec.story, []).append(rec.article)
    return [
        StoryTask(key, tuple(sorted(pa_by_story.get(key, []), key=lambda a: a.id)), tuple(members), lexical)
        for key, members in by_story.items()
    ]


def with_fold_models(tasks: Sequence[StoryTask], data: Path, jobs: int, n_folds: int, seed: int) -> list[StoryTask]:
    """Each story with the derivation model fitted on the METER dev articles of the other folds.

    Fitted as training/train_derivation.py fits the shipped one, folds grouped by story as bench/quality/meter.py's:
    the figures are cross-validated, where the shipped model has seen every story.
    """
    dataset = load_dataset(data, 0, jobs, True, with_aligner=False)
    x = dataset.matrix(AGGREGATION, FEATURE_SETS[FEATURES])
    fold_of: dict[str, dict[str, Any]] = {}
    for train, test in folds(dataset, n_folds, seed):
        stories_in = [dataset.stories[i] for i in train]
        document = fitted_heads(x[train], dataset.gold[train], stories_in, FEATURE_SETS[FEATURES], MODEL, seed, n_folds)
        document["version"] = "fold"
        for i in test:
            fold_of[dataset.stories[i]] = document
    return [replace(t, model=fold_of.get(t.key)) for t in tasks]


def run(tasks: Sequence[StoryTask], jobs: int) -> tuple[list[Traced], float]:
    # largest stories first, so the two processes finish together
    ordered = sorted(tasks, key=lambda t: -(len(t.pa) + len(t.papers)))
    if jobs <= 1 or len(ordered) < 2:
        results = [trace_story(t) for t in ordered]
    else:
        with Pool(jobs) as pool:
            results = pool.map(trace_story, ordered, chunksize=1)
    return [r for story, _ in results for r in story], sum(seconds for _, seconds in results)


def share(flags: Sequence[bool]) -> str:
    return f"{sum(flags) / len(flags):.3f} ({sum(flags)}/{len(flags)})" if flags else "n/a"


THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)


def report_edges(results: Sequence[Traced]) -> None:
    """The provenance graph's answer: an edge from a PA text to the article, or none; and by edge confidence."""
    derived = [r for r in results if r.label != "non_derived"]
    non = [r for r in results if r.label == "non_derived"]
    print("graph (traced = an edge from a PA text of its story; untraced = no edge from any article):")
    print(f"  derived traced to PA          {share([r.edge_pa for r in derived])}   target >= 0.92")
    print(f"  non-derived traced to nothing {share([not r.edge_any for r in non])}   target >= 0.85")
    print(f"  non-derived with no PA edge   {share([not r.edge_pa for r in non])}")
    print("the same, keeping only edges whose confidence is at least t (a reader's filter):")
    print("     t   derived traced   non-derived with no PA edge")
    for t in THRESHOLDS:
        kept_d = [r.edge_pa and r.confidence_pa >= t for r in derived]
        kept_n = [not (r.edge_pa and r.confidence_pa >= t) for r in non]
        print(f"  {t:>4}   {sum(kept_d) / len(kept_d):>14.3f}   {sum(kept_n) / len(kept_n):>27.3f}")


def report(results: Sequence[Traced]) -> None:
    derived = [r for r in results if r.label != "non_derived"]
    non = [r for r in results if r.label == "non_derived"]
    report_edges(results)
    print(f"\npassages (traced = PA share >= {MIN_SHARE}):")
    print(f"  derived traced to PA          {share([r.pa_share >= MIN_SHARE for r in derived])}   target >= 0.95")
    print(f"  non-derived traced to nothing {share([r.pa_share < MIN_SHARE for r in non])}   target >= 0.85")
    print("every passage counted (traced = >= 1 passage traced to PA):")
    print(f"  derived traced to PA          {share([r.pa_passages > 0 for r in derived])}")
    print(f"  non-derived traced to nothing {share([r.pa_passages == 0 for r in non])}")
    print(f"  non-derived with no passage traced anywhere (PA or paper) {share([r.reuse_passages == 0 for r in non])}")
    print("diagnostics:")
    print(f"  derived whose reuse alignments with PA texts cover >= {MIN_SHARE} (no chains)", end=" ")
    print(share([r.aligned_pa >= MIN_SHARE for r in derived]))
    chained = share([r.pa_share >= MIN_SHARE > r.aligned_pa for r in results])
    print(f"  traced to PA only through another newspaper (chains)  {chained}")
    print("  traced (share rule) and compare's derivation from a PA text is not non_derived:")
    print(f"    derived traced to PA          {share([r.pa_share >= MIN_SHARE and r.derived_pa for r in derived])}")
    print(f"    non-derived traced to nothing {share([not (r.pa_share >= MIN_SHARE and r.derived_pa) for r in non])}")
    print("\nby label:")
    print(f"  {'label':<18} {'n':>4} {'PA>=share':>10} {'PA any':>7}", end=" ")
    print(f"{'mean PA':>8} {'med PA':>7} {'paper':>6} {'none':>5}")
    for label in LABELS:
        rows = [r for r in results if r.label == label]
        if not rows:
            continue
        pa = np.array([r.pa_share for r in rows])
        print(
            f"  {label:<18} {len(rows):>4} {np.mean(pa >= MIN_SHARE):>10.3f}"
            f" {np.mean([r.pa_passages > 0 for r in rows]):>7.3f} {pa.mean():>8.3f} {np.median(pa):>7.3f}"
            f" {np.mean([r.other_share for r in rows]):>6.3f} {np.mean([r.reuse_passages == 0 for r in rows]):>5.3f}"
        )
    print("  (PA>=share / PA any: share of articles traced to PA by each rule; mean/med PA: PA share of content;")
    print("   paper: mean content share traced to another newspaper; none: share with no passage traced at all)")
    missed = [r for r in derived if r.pa_share < MIN_SHARE]
    if missed:
        print(f"\nderived articles not traced to PA ({len(missed)}):")
        for r in sorted(missed, key=lambda r: r.pa_share)[:15]:
            print(f"  {r.label:<18} PA {r.pa_share:.3f} paper {r.other_share:.3f} passages {r.reuse_passages}  {r.id}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--lexical", action="store_true", help="the lexical relation rules instead of default_scorer()")
    parser.add_argument(
        "--shipped", action="store_true", help="the shipped derivation model on every story (not cross-validated)"
    )
    parser.add_argument("--folds", type=int, default=5, help="folds by story for the derivation model")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    absent = missing(args.data, METER_NEWSPAPERS, METER_PA)
    if absent is not None:
        print(f"skipped: {absent} not found")
        return 0
    started = time.perf_counter()
    tasks = stories(args.data, args.limit, args.lexical)
    if not args.shipped:
        tasks = with_fold_models(tasks, args.data, args.jobs, args.folds, args.seed)
    no_pa = [a.id for t in tasks if not t.pa for a, _ in t.papers]
    n_papers = sum(len(t.papers) for t in tasks)
    n_pa = sum(len(t.pa) for t in tasks)
    scorer = "LexicalRelations" if args.lexical else type(default_scorer()).__name__
    print(
        f"METER dev: {n_papers} newspaper articles, {n_pa} PA texts, {len(tasks)} stories; scorer {scorer}, no embedder"
    )
    how = "the shipped one (it saw every story)" if args.shipped else f"fitted on the other {args.folds - 1} folds"
    print(f"derivation model: {how}")
    if no_pa:
        print(f"({len(no_pa)} article(s) whose story has no PA text, counted as they come: {', '.join(no_pa)})")
    results, tracing = run(tasks, args.jobs)
    report(results)
    wall = time.perf_counter() - started
    print(f"\nwall {wall:.0f} s with {args.jobs} process(es); passage_sources took {tracing:.1f} s of CPU in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
