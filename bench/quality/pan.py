r"""PAN 2013 text alignment (development pairs): storytrace's reuse passages against a word 3-gram baseline, by plagdet.

Reads ``pan13-text-alignment/pairs.jsonl`` from the shared data folder (236
source/suspicious pairs with character-exact reuse cases, by obfuscation type;
its SOURCE.md says how the data was made and how to score it). Two detectors:

- **storytrace**: ``compare(source, suspicious)`` in process, with the default
  embedder as the CLI builds it (``--lexical``: none; ``--embedder``: which).
  Each alignment whose relation is verbatim, near_verbatim or paraphrase is one
  detection: its ``a_span`` in the source, its ``b_span`` in the suspicious text.
- **baseline, word 3-gram seed-and-join** (a first-reach text-reuse method, all
  of it in this file): both texts become lower-cased word tokens (the regex
  ``\w+``) with their character offsets; a *seed* is a word 3-gram found in both
  texts (every pair of positions); seeds are joined into chains whose source and
  suspicious positions both increase, each seed starting at most ``gap``
  characters after the chain's end in both texts; chains of at least ``k`` seeds
  and ``min_len`` characters on both sides are passages, and passages that
  overlap in both texts are merged. ``gap``, ``k`` and ``min_len`` are chosen by
  a grid on the pairs scored (best pooled plagdet), and printed. So the figure
  is not only a fit, the choice is also cross-validated: the pairs are split in
  two halves, grouped so that pairs sharing a source or suspicious document stay
  together; the values chosen on one half are scored on the other, and the
  held-out detections of both halves are scored together.

Scoring is PAN's (Potthast et al. 2010; the macro-averaged measures of
``pan13-text-alignment-perfmeasures.py``): a case or detection is a set of
characters (its suspicious span plus its source span); a detection detects a
case when they overlap in both texts of the same pair; recall is the mean over
cases of the share of its characters inside the detections that detect it;
precision the same with detections and cases swapped (so a detection on a
no-plagiarism pair has precision 0); granularity the mean number of detections
per detected case; plagdet = F1 / log2(1 + granularity). Scored per
``obfuscation_type`` and pooled over all pairs. ``--self-test`` checks the
scorer and the baseline on tiny hand-computed cases.

Also printed: per type, the share of the cases' suspicious
characters under storytrace alignments of each relation (the best relation
where several cover a character), how many detections each detected case gets,
plagdet when storytrace's reuse alignments are merged when within 300
characters in both texts, and ``compare``'s derivation of the suspicious text
from the source (``b_from_a``) by type. ``--examples N`` lists the N cases per type that
storytrace recalls least, and its detections on no-plagiarism pairs.

Nothing is cached: every run aligns with the code as it is. Run::

    .venv/bin/python bench/quality/pan.py                    # all 236 pairs, 2 processes
    .venv/bin/python bench/quality/pan.py --limit 30         # quick look (pairs taken in turn from each type)
    .venv/bin/python bench/quality/pan.py --types 02,04      # some obfuscation types only
    .venv/bin/python bench/quality/pan.py --self-test        # the scorer on hand-computed cases

It exits 0 with a "skipped" line when the data is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import math
import os
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, missing, read_jsonl
from storytrace.align.compare import compare
from storytrace.model import DERIVATIONS, RELATIONS, REUSE_RELATIONS, Article, StageProblem
from storytrace.semantic import Embedder, default_embedder

PAN_FILE = Path("pan13-text-alignment") / "pairs.jsonl"
NO_PLAGIARISM = "01-no-plagiarism"
TRANSLATION = "04-translation-obfuscation"
POOLED = "pooled"
# The target: a detection on at most this share of the no-plagiarism pairs.
MAX_FLAGGED_NO_PLAGIARISM = 0.02
# A diagnostic: storytrace's reuse alignments joined when this close in both texts.
MERGE_GAP = 300
# The baseline's grid: seed-join gap (characters), seeds per passage, passage length (characters, both sides).
GAPS = (50, 100, 200, 400, 800, 1600, 3200)
MIN_SEEDS = (1, 2, 3, 5, 8, 13, 21)
MIN_LENGTHS = (0, 100, 200, 400, 800)
NGRAM = 3
TOKEN = re.compile(r"\w+")

Span = tuple[int, int]


# ---------------------------------------------------------------- data


@dataclass(frozen=True)
class Annotation:
    """A case or a detection: a passage of a pair's suspicious text and one of its source text, ``[start, end)``."""

    pair: str
    susp: Span
    src: Span


@dataclass(frozen=True)
class Pair:
    """One PAN source/suspicious pair with its gold cases."""

    id: str
    obfuscation: str
    source_id: str
    suspicious_id: str
    source_text: str
    suspicious_text: str
    cases: tuple[Annotation, ...]


@dataclass(frozen=True)
class Found:
    """One storytrace alignment of a pair: relation, source (``a``) span, suspicious (``b``) span."""

    relation: str
    src: Span
    susp: Span
    score: float


def load_pairs(data: Path) -> list[Pair]:
    """The PAN pairs of ``pairs.jsonl``, in file order."""
    out = []
    for r in read_jsonl(data / PAN_FILE):
        cases = tuple(Annotation(r["id"], span(c["suspicious_span"]), span(c["source_span"])) for c in r["cases"])
        out.append(
            Pair(r["id"], r["obfuscation_type"], r["source_id"], r["suspicious_id"], r["source_text"],
                 r["suspicious_text"], cases)
        )  # fmt: skip
    return out


def span(value: Sequence[int]) -> Span:
    start, end = value
    return (int(start), int(end))


def select(pairs: Sequence[Pair], types: Sequence[str], limit: int) -> list[Pair]:
    """The pairs of the types named (by prefix, e.g. ``02``), at most ``limit``, taken in turn from each type."""
    chosen = [p for p in pairs if not types or any(p.obfuscation.startswith(t) for t in types)]
    if not limit:
        return chosen
    by_type: dict[str, list[Pair]] = defaultdict(list)
    for p in chosen:
        by_type[p.obfuscation].append(p)
    in_turn = [p for row in itertools.zip_longest(*by_type.values()) for p in row if p is not None]
    return sorted(in_turn[:limit], key=chosen.index)


# ---------------------------------------------------------------- PAN's measures (pure functions)


def overlaps(a: Span, b: Span) -> bool:
    """Whether two ``[start, end)`` spans share a character."""
    return a[0] < b[1] and b[0] < a[1]


def detects(case: Annotation, detection: Annotation) -> bool:
    """PAN's ``is_overlapping``: same pair, and overlap in the suspicious text and in the source text."""
    return case.pair == detection.pair and overlaps(case.susp, detection.susp) and overlaps(case.src, detection.src)


def covered(span: Span, others: Iterable[Span]) -> int:
    """The number of characters of ``span`` inside the union of ``others``."""
    clipped = sorted((max(s, span[0]), min(e, span[1])) for s, e in others)
    total, reach = 0, span[0]
    for start, end in clipped:
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def size(a: Annotation) -> int:
    """An annotation's characters: suspicious span plus source span."""
    return (a.susp[1] - a.susp[0]) + (a.src[1] - a.src[0])


def by_pair(annotations: Iterable[Annotation]) -> dict[str, list[Annotation]]:
    """Annotations grouped by pair."""
    out: dict[str, list[Annotation]] = defaultdict(list)
    for a in annotations:
        out[a.pair].append(a)
    return out


def case_recall(case: Annotation, detections: Sequence[Annotation]) -> float:
    """Share of the case's characters (both texts) inside the detections that detect it."""
    hits = [d for d in detections if detects(case, d)]
    if not hits:
        return 0.0
    inside = covered(case.susp, (d.susp for d in hits)) + covered(case.src, (d.src for d in hits))
    return inside / size(case)


def macro_recall(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """PAN's macro-averaged recall: the mean of ``case_recall`` over cases (1 when there is nothing either side)."""
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    index = by_pair(detections)
    return sum(case_recall(c, index.get(c.pair, ())) for c in cases) / len(cases)


def macro_precision(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """PAN's macro-averaged precision: recall with the roles of detections and cases swapped."""
    return macro_recall(detections, cases)


def detections_per_case(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> list[int]:
    """For each case, how many detections detect it."""
    index = by_pair(detections)
    return [sum(detects(c, d) for d in index.get(c.pair, ())) for c in cases]


def granularity(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """PAN's granularity: the mean number of detections per detected case (1 when no case is detected)."""
    found = [n for n in detections_per_case(cases, detections) if n]
    return sum(found) / len(found) if found else 1.0


def plagdet(recall: float, precision: float, gran: float) -> float:
    """F1 of precision and recall over log2(1 + granularity)."""
    if recall + precision == 0:
        return 0.0
    return 2 * recall * precision / (recall + precision) / math.log2(1 + gran)


@dataclass(frozen=True)
class Scores:
    """PAN's measures over a set of pairs, and how many pairs got any detection."""

    pairs: int
    cases: int
    detections: int
    precision: float
    recall: float
    granularity: float
    plagdet: float
    flagged: int


def score(pairs: Sequence[Pair], detections: Mapping[str, Sequence[Annotation]]) -> Scores:
    """PAN's measures of ``detections`` (by pair id) over ``pairs``, pooled (not averaged pair by pair)."""
    cases = [c for p in pairs for c in p.cases]
    dets = [d for p in pairs for d in detections.get(p.id, ())]
    rec, prec, gran = macro_recall(cases, dets), macro_precision(cases, dets), granularity(cases, dets)
    flagged = sum(bool(detections.get(p.id)) for p in pairs)
    return Scores(len(pairs), len(cases), len(dets), prec, rec, gran, plagdet(rec, prec, gran), flagged)


def distance(a: Span, b: Span) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def hull(a: Span, b: Span) -> Span:
    return (min(a[0], b[0]), max(a[1], b[1]))


def merged(annotations: Sequence[Annotation], gap: int) -> list[Annotation]:
    """One pair's annotations joined, transitively, when at most ``gap`` characters apart in both texts."""
    current = sorted(annotations, key=lambda a: (a.susp, a.src))
    while True:
        groups = linked(current, gap)
        if len(groups) == len(current):
            return current
        current = sorted((enclosing(g) for g in groups), key=lambda a: (a.susp, a.src))


def enclosing(group: Sequence[Annotation]) -> Annotation:
    """The smallest annotation holding every one of ``group`` (one pair's) in both texts."""
    susp = (min(a.susp[0] for a in group), max(a.susp[1] for a in group))
    return Annotation(group[0].pair, susp, (min(a.src[0] for a in group), max(a.src[1] for a in group)))


def linked(annotations: Sequence[Annotation], gap: int) -> list[list[Annotation]]:
    """Groups of annotations (sorted by suspicious span) linked by being within ``gap`` in both texts."""
    parent = list(range(len(annotations)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    near: list[int] = []  # earlier annotations whose suspicious span ends within ``gap`` of the current start
    for i, a in enumerate(annotations):
        near = [j for j in near if a.susp[0] - annotations[j].susp[1] <= gap]
        for j in near:
            if distance(a.src, annotations[j].src) <= gap:
                parent[root(i)] = root(j)
        near.append(i)
    groups: dict[int, list[Annotation]] = defaultdict(list)
    for i, a in enumerate(annotations):
        groups[root(i)].append(a)
    return list(groups.values())


# ---------------------------------------------------------------- baseline: word 3-gram seed-and-join


@dataclass(frozen=True)
class Seed:
    """A word n-gram found in both texts: its span in the suspicious text and in the source text."""

    susp: Span
    src: Span


def ngrams(text: str, n: int = NGRAM) -> list[tuple[str, Span]]:
    """The lower-cased word n-grams of ``text`` (``TOKEN`` matches), each with its character span."""
    tokens = [(m.group().lower(), m.start(), m.end()) for m in TOKEN.finditer(text)]
    return [
        (" ".join(t[0] for t in tokens[i : i + n]), (tokens[i][1], tokens[i + n - 1][2]))
        for i in range(len(tokens) - n + 1)
    ]


def seeds(source: str, suspicious: str, n: int = NGRAM) -> list[Seed]:
    """Every (suspicious, source) position pair of a word n-gram the two texts share, by suspicious then source."""
    in_source: dict[str, list[Span]] = defaultdict(list)
    for gram, span in ngrams(source, n):
        in_source[gram].append(span)
    found = [Seed(span, s) for gram, span in ngrams(suspicious, n) for s in in_source.get(gram, ())]
    return sorted(found, key=lambda s: (s.susp, s.src))


@dataclass
class Chain:
    """Seeds joined so far: the passage's extent in both texts, its last seed and its size."""

    susp: Span
    src: Span
    last: Seed
    count: int


def join(found: Sequence[Seed], gap: int) -> list[Chain]:
    """Seeds (sorted by suspicious position) chained when both positions increase and each gap is <= ``gap``.

    A seed extends the open chain whose last seed it follows most closely (in
    both texts), else starts a chain; a chain closes once the suspicious text
    has moved more than ``gap`` past its end.
    """
    open_chains: list[Chain] = []
    closed: list[Chain] = []
    for seed in found:
        still = [c for c in open_chains if seed.susp[0] - c.susp[1] <= gap]
        closed.extend(c for c in open_chains if seed.susp[0] - c.susp[1] > gap)
        open_chains = still
        fits = [c for c in open_chains if follows(seed, c, gap)]
        if fits:
            chain = min(fits, key=lambda c: max(seed.susp[0] - c.last.susp[0], seed.src[0] - c.last.src[0]))
            chain.susp, chain.src = hull(chain.susp, seed.susp), hull(chain.src, seed.src)
            chain.last, chain.count = seed, chain.count + 1
        else:
            open_chains.append(Chain(seed.susp, seed.src, seed, 1))
    return closed + open_chains


def follows(seed: Seed, chain: Chain, gap: int) -> bool:
    """Whether ``seed`` comes after ``chain``'s last seed in both texts, within ``gap`` of its end in both."""
    after = seed.susp[0] > chain.last.susp[0] and seed.src[0] > chain.last.src[0]
    return after and seed.susp[0] - chain.susp[1] <= gap and seed.src[0] - chain.src[1] <= gap


@dataclass(frozen=True)
class Setting:
    """The baseline's parameters."""

    gap: int
    min_seeds: int
    min_len: int

    def __str__(self) -> str:
        return f"gap {self.gap} chars, k >= {self.min_seeds} seeds, length >= {self.min_len} chars"


def passages(pair_id: str, chains: Sequence[Chain], setting: Setting) -> list[Annotation]:
    """The chains with enough seeds and characters on both sides, merged where they overlap in both texts."""
    kept = [
        Annotation(pair_id, c.susp, c.src)
        for c in chains
        if c.count >= setting.min_seeds and min(c.susp[1] - c.susp[0], c.src[1] - c.src[0]) >= setting.min_len
    ]
    return merged(kept, 0)


def baseline_chains(pair: Pair) -> dict[int, list[Chain]]:
    """A pair's chains for each gap of the grid (the rest of the grid only filters them)."""
    found = seeds(pair.source_text, pair.suspicious_text)
    return {gap: join(found, gap) for gap in GAPS}


def grid() -> list[Setting]:
    return [Setting(g, k, n) for g in GAPS for k in MIN_SEEDS for n in MIN_LENGTHS]


def baseline_detections(
    pairs: Sequence[Pair], chains: Mapping[str, dict[int, list[Chain]]], setting: Setting
) -> dict[str, list[Annotation]]:
    return {p.id: passages(p.id, chains[p.id][setting.gap], setting) for p in pairs}


def best_setting(pairs: Sequence[Pair], chains: Mapping[str, dict[int, list[Chain]]]) -> Setting:
    """The grid's setting with the best pooled plagdet on ``pairs`` (ties: the first in grid order)."""
    return max(grid(), key=lambda s: score(pairs, baseline_detections(pairs, chains, s)).plagdet)


def halves(pairs: Sequence[Pair]) -> tuple[list[Pair], list[Pair]]:
    """Two halves of ``pairs``; pairs sharing a source or suspicious document (transitively) stay together.

    Groups are dealt alternately, in order of obfuscation type and then of a
    hash of their first pair's id, so both halves hold every type.
    """
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for p in pairs:
        parent[root("src:" + p.source_id)] = root("susp:" + p.suspicious_id)
    groups: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        groups[root("src:" + p.source_id)].append(p)
    order = sorted(groups.values(), key=lambda g: (g[0].obfuscation, hashlib.sha1(g[0].id.encode()).hexdigest()))
    one = {p.id for g in order[0::2] for p in g}
    return [p for p in pairs if p.id in one], [p for p in pairs if p.id not in one]


# ---------------------------------------------------------------- storytrace (worker processes)

_embedder: Embedder | None = None


def start_worker(lexical: bool, choice: str | None) -> None:
    """Build the embedder once per process, as the CLI does (``cli._embedder`` without a store)."""
    global _embedder
    _embedder = None if lexical else default_embedder(None, choice=choice)


# One pair's result: its id, alignments, the suspicious text's derivation from the source, the embedder's name,
# seconds taken, what failed.
Aligned = tuple[str, tuple[Found, ...], str, str, float, tuple[str, ...]]


def align_task(pair: Pair) -> Aligned:
    """The storytrace alignments of one pair (source as ``a``), ``b_from_a``, the embedder, seconds, what failed."""
    started = time.perf_counter()
    problems: list[StageProblem] = []
    c = compare(
        Article(id=pair.source_id, text=pair.source_text),
        Article(id=pair.suspicious_id, text=pair.suspicious_text),
        embedder=_embedder,
        problems=problems,
    )
    found = tuple(Found(al.relation, al.a_span, al.b_span, al.score) for al in c.alignments)
    failed = tuple(f"{pair.id}: {p.stage} failed: {p.error}" for p in problems)
    name = _embedder.name if _embedder is not None else "none (lexical)"
    return pair.id, found, c.b_from_a, name, time.perf_counter() - started, failed


def align_all(pairs: Sequence[Pair], jobs: int, lexical: bool, choice: str | None) -> Iterator[Aligned]:
    """``align_task`` over the pairs, largest first, in ``jobs`` processes (results in any order)."""
    todo = sorted(pairs, key=lambda p: -(len(p.source_text) + len(p.suspicious_text)))
    if jobs <= 1:
        start_worker(lexical, choice)
        yield from map(align_task, todo)
        return
    with Pool(jobs, initializer=start_worker, initargs=(lexical, choice)) as pool:
        yield from pool.imap_unordered(align_task, todo)


def reuse_detections(pair_id: str, found: Iterable[Found]) -> list[Annotation]:
    """The alignments whose relation is reuse, as detections (empty spans dropped)."""
    return [
        Annotation(pair_id, f.susp, f.src)
        for f in found
        if f.relation in REUSE_RELATIONS and f.susp[1] > f.susp[0] and f.src[1] > f.src[0]
    ]


# ---------------------------------------------------------------- diagnostics


def relation_chars(case: Annotation, found: Sequence[Found]) -> np.ndarray:
    """Characters of the case's suspicious span by the best relation covering them (index into RELATIONS; none last)."""
    start, end = case.susp
    label = np.full(end - start, len(RELATIONS), dtype=np.int64)
    for f in found:
        if overlaps(case.susp, f.susp) and f.relation in RELATIONS:
            lo, hi = max(f.susp[0], start) - start, min(f.susp[1], end) - start
            label[lo:hi] = np.minimum(label[lo:hi], RELATIONS.index(f.relation))
    return np.bincount(label, minlength=len(RELATIONS) + 1)


def by_type(pairs: Sequence[Pair]) -> dict[str, list[Pair]]:
    out: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        out[p.obfuscation].append(p)
    return dict(sorted(out.items()))


# ---------------------------------------------------------------- printing


def row(name: str, s: Scores) -> str:
    share = f"{s.flagged}/{s.pairs}"
    return (
        f"{name:<28} {s.pairs:>5} {s.cases:>5} {s.detections:>5} {s.precision:>6.3f} {s.recall:>6.3f} "
        f"{s.granularity:>6.2f} {s.plagdet:>7.3f} {share:>9}"
    )


HEADER = (
    f"{'type':<28} {'pairs':>5} {'cases':>5} {'dets':>5} {'prec':>6} {'rec':>6} {'gran':>6} {'plagdet':>7} "
    f"{'flagged':>9}"
)


def table(title: str, pairs: Sequence[Pair], detections: Mapping[str, Sequence[Annotation]]) -> dict[str, Scores]:
    """Print one detector's scores per type and pooled; return them by type (and ``pooled``)."""
    print(f"\n{title}\n{HEADER}")
    out = {t: score(ps, detections) for t, ps in by_type(pairs).items()}
    out[POOLED] = score(pairs, detections)
    for name, s in out.items():
        print(row(name, s))
    return out


def print_relation_shares(pairs: Sequence[Pair], found: Mapping[str, Sequence[Found]]) -> None:
    names = (*RELATIONS, "none")
    print("\nstorytrace: share of the cases' suspicious characters by the best relation aligned over them")
    print(f"{'type':<28} " + " ".join(f"{n:>13}" for n in names))
    for t, ps in by_type(pairs).items():
        counts = sum((relation_chars(c, found[p.id]) for p in ps for c in p.cases), np.zeros(len(names), np.int64))
        if counts.sum():
            print(f"{t:<28} " + " ".join(f"{v / counts.sum():>13.3f}" for v in counts))


def print_granularity(pairs: Sequence[Pair], detections: Mapping[str, Sequence[Annotation]]) -> None:
    print("\nstorytrace: detected cases by number of detections (1 / 2 / 3 / 4+), and cases missed")
    for t, ps in by_type(pairs).items():
        cases = [c for p in ps for c in p.cases]
        if not cases:
            continue
        n = detections_per_case(cases, [d for p in ps for d in detections.get(p.id, ())])
        bins = [sum(k == i for k in n) for i in (1, 2, 3)] + [sum(k >= 4 for k in n)]
        print(f"{t:<28} {' / '.join(map(str, bins))}   missed {sum(k == 0 for k in n)} of {len(n)}")


def print_derivations(pairs: Sequence[Pair], derivation: Mapping[str, str]) -> None:
    print("\nstorytrace: the suspicious text's derivation from the source (b_from_a), pairs by type")
    print(f"{'type':<28} " + " ".join(f"{d:>17}" for d in DERIVATIONS))
    for t, ps in by_type(pairs).items():
        print(f"{t:<28} " + " ".join(f"{sum(derivation[p.id] == d for p in ps):>17}" for d in DERIVATIONS))


def print_examples(
    pairs: Sequence[Pair], found: Mapping[str, Sequence[Found]], detections: Mapping[str, Sequence[Annotation]], n: int
) -> None:
    """The ``n`` cases per type storytrace recalls least, with the alignments over them; its no-plagiarism hits."""
    for t, ps in by_type(pairs).items():
        if t == NO_PLAGIARISM:
            print(f"\nexamples, {t}: storytrace's detections")
            for p in ps:
                for f in found[p.id]:
                    if f.relation in REUSE_RELATIONS:
                        quote = p.suspicious_text[f.susp[0] : f.susp[1]][:50]
                        print(f"  {p.id} {f.relation} src {f.src} susp {f.susp} score {f.score:.2f} {quote!r}")
            continue
        cases = sorted(
            ((case_recall(c, detections.get(p.id, ())), p, c) for p in ps for c in p.cases),
            key=lambda x: (x[0], x[1].id),
        )
        print(f"\nexamples, {t}: the {n} cases with the lowest storytrace recall")
        for rec, p, c in cases[:n]:
            print(f"  {p.id} case src {c.src} susp {c.susp}: recall {rec:.3f}")
            for f in found[p.id]:
                if overlaps(f.susp, c.susp) or overlaps(f.src, c.src):
                    print(f"      {f.relation:<13} src {f.src} susp {f.susp} score {f.score:.2f}")


# ---------------------------------------------------------------- self-test


def self_test() -> None:
    """PAN's measures and the baseline on tiny cases computed by hand."""

    def ann(pair: str, susp: Span, src: Span) -> Annotation:
        return Annotation(pair, susp, src)

    case = ann("p", (0, 100), (0, 100))
    halves_ = [ann("p", (0, 50), (0, 50)), ann("p", (50, 100), (50, 100))]
    overlapping = [ann("p", (0, 60), (0, 60)), ann("p", (40, 100), (40, 100))]
    third = 1 / math.log2(3)
    checks: list[tuple[str, list[Annotation], list[Annotation], tuple[float, float, float, float]]] = [
        # name, cases (all in pair p), detections (in p, or in q that has no case), (precision, recall, gran, plagdet)
        ("exact", [case], [case], (1, 1, 1, 1)),
        ("two halves", [case], halves_, (1, 1, 2, third)),
        ("overlapping detections", [case], overlapping, (1, 1, 2, third)),
        ("shifted", [case], [ann("p", (50, 150), (50, 150))], (0.5, 0.5, 1, 0.5)),
        ("one text only", [case], [ann("p", (0, 100), (200, 300))], (0, 0, 1, 0)),
        ("and a false one", [case], [case, ann("q", (0, 100), (0, 100))], (0.5, 1, 1, 2 / 3)),
        ("nothing", [], [], (1, 1, 1, 1)),
        ("false only", [], [ann("q", (0, 10), (0, 10))], (0, 0, 1, 0)),
        ("missed", [case], [], (0, 0, 1, 0)),
        ("one of two cases", [case, ann("p", (200, 300), (200, 300))], [case], (1, 0.5, 1, 2 / 3)),
        ("unequal sides", [ann("p", (0, 100), (0, 300))], [ann("p", (0, 100), (0, 150))], (1, 0.625, 1, 1.25 / 1.625)),
        ("spill", [case], [ann("p", (0, 100), (0, 300))], (0.5, 1, 1, 2 / 3)),
    ]
    for name, cases, dets, want in checks:
        pairs = [Pair("p", "t", "s", "u", "", "", tuple(cases)), Pair("q", "t", "s2", "u2", "", "", ())]
        s = score(pairs, by_pair(dets))
        got = (s.precision, s.recall, s.granularity, s.plagdet)
        assert all(math.isclose(g, w, abs_tol=1e-9) for g, w in zip(got, want, strict=True)), (name, got, want)
    assert covered((10, 20), [(0, 12), (11, 15), (18, 30), (40, 50)]) == 7
    assert merged(
        [ann("p", (0, 10), (0, 10)), ann("p", (300, 310), (305, 315)), ann("p", (700, 710), (0, 5))], 300
    ) == [
        ann("p", (0, 310), (0, 315)),
        ann("p", (700, 710), (0, 5)),
    ]
    source = "Alpha beta gamma delta epsilon. Unrelated words here."
    suspicious = "Intro text. ALPHA  beta\ngamma delta epsilon! More."
    found = seeds(source, suspicious)
    assert [(s.susp, s.src) for s in found] == [((12, 29), (0, 16)), ((19, 35), (6, 22)), ((24, 43), (11, 30))], found
    chains = join(found, 10)
    assert len(chains) == 1 and chains[0].count == 3 and chains[0].susp == (12, 43) and chains[0].src == (0, 30)
    assert passages("x", chains, Setting(10, 4, 0)) == []
    pair = Pair("x", "t", "s", "u", source, suspicious, (Annotation("x", (12, 43), (0, 30)),))
    assert score([pair], {"x": passages("x", chains, Setting(10, 3, 0))}).plagdet == 1.0
    print("self-test ok")


# ---------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder (default: %(default)s)")
    parser.add_argument(
        "--jobs", type=int, default=min(2, os.cpu_count() or 1), help="processes (default: %(default)s)"
    )
    parser.add_argument("--limit", type=int, default=0, help="use only N pairs, taken in turn from each type (0: all)")
    parser.add_argument("--types", default="", help="comma-separated obfuscation types by prefix, e.g. 02,04")
    parser.add_argument("--lexical", action="store_true", help="run storytrace without an embedder")
    parser.add_argument("--embedder", default=None, help="storytrace's embedder (static, minilm; default as the CLI)")
    parser.add_argument("--examples", type=int, default=0, help="list the N worst-recalled cases per type")
    parser.add_argument("--self-test", action="store_true", help="check the scorer on hand-computed cases and exit")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="run storytrace with one of the passage constants of storytrace.align.copy or .passages changed "
        "(e.g. CHAIN_GAP_WORDS=40), to see how much a figure leans on it; repeatable",
    )
    return parser.parse_args(argv)


def set_constants(settings: Sequence[str]) -> None:
    """Change constants of ``storytrace.align.copy``/``.passages`` in this process (the workers are forked from it)."""
    from storytrace.align import copy, passages

    for setting in settings:
        name, _, value = setting.partition("=")
        module = next((m for m in (copy, passages) if hasattr(m, name) and name.isupper()), None)
        if module is None:
            raise SystemExit(f"--set {setting}: no constant {name} in storytrace.align.copy or .passages")
        setattr(module, name, type(getattr(module, name))(value))
        print(f"with {module.__name__}.{name} = {getattr(module, name)!r}")


@dataclass(frozen=True)
class Run:
    """storytrace on every pair: alignments and derivation by pair id, the embedder's name, seconds."""

    found: dict[str, tuple[Found, ...]]
    derivation: dict[str, str]
    embedder: str
    wall: float
    per_pair: float  # per-pair wall times, summed


def run_storytrace(pairs: Sequence[Pair], args: argparse.Namespace) -> Run:
    """Every pair through ``compare`` (what failed is printed, one line each)."""
    started = time.perf_counter()
    found: dict[str, tuple[Found, ...]] = {}
    derivation: dict[str, str] = {}
    name, per_pair = "", 0.0
    for pair_id, alignments, derived, embedder, seconds, failed in align_all(
        pairs, args.jobs, args.lexical, args.embedder
    ):
        found[pair_id], derivation[pair_id], name = alignments, derived, embedder
        per_pair += seconds
        for line in failed:
            print(f"storytrace {line}")
    return Run(found, derivation, name, time.perf_counter() - started, per_pair)


def run_baseline(pairs: Sequence[Pair]) -> tuple[Setting, dict[str, list[Annotation]], dict[str, list[Annotation]]]:
    """The baseline's setting chosen on all pairs, its detections, and its cross-validated (held-out) detections."""
    chains = {p.id: baseline_chains(p) for p in pairs}
    chosen = best_setting(pairs, chains)
    held_out: dict[str, list[Annotation]] = {}
    first, second = halves(pairs)
    for fit_on, score_on in ((first, second), (second, first)):
        if not fit_on or not score_on:
            continue
        setting = best_setting(fit_on, chains)
        print(f"  cross-validation: chosen on {len(fit_on)} pairs: {setting}; scored on the other {len(score_on)}")
        held_out.update(baseline_detections(score_on, chains, setting))
    return chosen, baseline_detections(pairs, chains, chosen), held_out


def headline(name: str, scores: Mapping[str, Scores]) -> str:
    translation = f", translation {scores[TRANSLATION].plagdet:.3f}" if TRANSLATION in scores else ""
    return (
        f"{name} pooled plagdet {scores[POOLED].plagdet:.3f}{translation}, granularity {scores[POOLED].granularity:.2f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.self_test:
        self_test()
        return 0
    if (absent := missing(args.data, PAN_FILE)) is not None:
        print(f"skipped: {absent} not found")
        return 0
    started = time.perf_counter()
    types = [t.strip() for t in args.types.split(",") if t.strip()]
    pairs = select(load_pairs(args.data), types, args.limit)
    if not pairs:
        print(f"no pairs of type {args.types!r}")
        return 1
    print(f"== PAN 2013 text alignment, development: {len(pairs)} pairs, {sum(len(p.cases) for p in pairs)} cases")
    set_constants(args.set)
    st_run = run_storytrace(pairs, args)
    found = st_run.found
    detections = {p.id: reuse_detections(p.id, found[p.id]) for p in pairs}
    merged_300 = {p.id: merged(detections[p.id], MERGE_GAP) for p in pairs}
    t0 = time.perf_counter()
    print("\nbaseline: word 3-gram seed-and-join, grid over " + f"gap {GAPS}, k {MIN_SEEDS}, length {MIN_LENGTHS}")
    chosen, base, held_out = run_baseline(pairs)
    base_seconds = time.perf_counter() - t0
    flag = f"'flagged': pairs with any detection (target on {NO_PLAGIARISM}: <= {MAX_FLAGGED_NO_PLAGIARISM:.0%})"
    print(f"\n{flag}; storytrace's embedder: {st_run.embedder}")
    st = table("storytrace: reuse alignments (verbatim, near_verbatim, paraphrase) as detections", pairs, detections)
    st_merged = table(f"storytrace, reuse alignments merged when within {MERGE_GAP} chars in both texts", pairs,
                      merged_300)  # fmt: skip
    bl = table(f"baseline, chosen on these pairs: {chosen}", pairs, base)
    cv = table("baseline, cross-validated (each half scored with the setting chosen on the other)", pairs, held_out)
    print_relation_shares(pairs, found)
    print_granularity(pairs, detections)
    print_derivations(pairs, st_run.derivation)
    if args.examples:
        print_examples(pairs, found, detections, args.examples)
    no_plag = st.get(NO_PLAGIARISM)
    flagged = f"; no-plagiarism pairs flagged {no_plag.flagged}/{no_plag.pairs}" if no_plag else ""
    print(
        f"\nseconds: storytrace {st_run.wall:.0f} ({args.jobs} process(es); per-pair times sum to "
        f"{st_run.per_pair:.0f}), "
        f"baseline {base_seconds:.0f}, total {time.perf_counter() - started:.0f}"
    )
    print(f"pan: {headline('storytrace', st)}{flagged}")
    print(f"pan: {headline('storytrace merged-300', st_merged)}")
    print(f"pan: {headline('baseline', bl)}; cross-validated {headline('', cv).strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
