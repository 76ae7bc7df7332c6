"""The alignment policy of a story: which article pairs are aligned, and a copy's derivation among sources.

All pairs are aligned in one sentence space fitted on the story. Up to ``ALL_PAIRS_MAX_ARTICLES`` articles
every pair is aligned; beyond, each article with its ``NEAREST_ARTICLES`` nearest. A story of more than
``STORY_EXACT_MAX_SENTENCES`` sentences is aligned on indexed candidates rather than every sentence pair.

Not here: aligning one pair (``compare``, ``match``), failures of a pair (``pipeline.story``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from storytrace.align.candidates import story_candidates
from storytrace.align.compare import (
    PARTIALLY_DERIVED_MIN_COVERAGE,
    DerivationMemo,
    Prepared,
    compare_prepared,
    sentence_space,
)
from storytrace.align.match import align_planned, plan_alignment, semantic_similarity
from storytrace.align.relation import RELATED_MIN_SIMILARITY, RelationScorer
from storytrace.model import Comparison
from storytrace.semantic import Embedder

# A story with more articles than this aligns each article with its NEAREST_ARTICLES most similar ones
# (``story_pairs``), not every pair.
ALL_PAIRS_MAX_ARTICLES = 40


NEAREST_ARTICLES = 10


# A story with more sentences than this is aligned on indexed candidates
# (``align.candidates.story_candidates``) rather than every sentence pair.
STORY_EXACT_MAX_SENTENCES = 600


def fallback_pairs(articles: int) -> list[tuple[int, int]]:
    """The pairs ``aligned_story`` tries alone: every pair, or in a large story each article with the next ones."""
    if articles <= ALL_PAIRS_MAX_ARTICLES:
        return list(itertools.combinations(range(articles), 2))
    return [(i, j) for i in range(articles) for j in range(i + 1, min(i + 1 + NEAREST_ARTICLES, articles))]


def compare_story(
    members: Sequence[Prepared],
    scorer: RelationScorer,
    embedder: Embedder | None = None,
    memo: DerivationMemo | None = None,
) -> list[Comparison]:
    """Compare every pair of a story's articles in one sentence space fitted on the story.

    ``memo`` holds the derivation model's answers known from earlier runs (and takes the new ones).
    """
    if len(members) < 2:
        return []  # nothing to align: do not embed a lone article's sentences
    offsets = list(itertools.accumulate((len(p.sentences) for p in members), initial=0))
    space = sentence_space(members, embedder)
    space.anchor_max_df = max(2, len(members))
    dense = space.precompute_similarities()
    indexed = None
    if dense is None and offsets[-1] > STORY_EXACT_MAX_SENTENCES:
        indexed = story_candidates(space, offsets)
    ranking = None
    if dense is not None:
        # Only a sentence pair scoring at least RELATED_MIN_SIMILARITY can align (``match._choose_pairs``):
        # the others are not candidates, and an article pair with none is not aligned sentence by sentence.
        ranking = dense[0]
        if space.embeddings is not None:
            ranking = np.maximum(ranking, semantic_similarity(space.embeddings @ space.embeddings.T, space.embed_floor))
    doc_cosines = space.group_cosines(offsets)
    pairs = story_pairs(doc_cosines)
    rows = [list(range(offsets[k], offsets[k + 1])) for k in range(len(members))]
    plans = []
    for i, j in pairs:
        candidates: list[tuple[int, int]] | None = None
        if ranking is not None:
            block = ranking[offsets[i] : offsets[i + 1], offsets[j] : offsets[j + 1]]
            hit_i, hit_j = np.nonzero(block >= RELATED_MIN_SIMILARITY)
            candidates = list(zip(hit_i.tolist(), hit_j.tolist(), strict=True))
        elif indexed is not None:
            candidates = indexed.get((i, j), [])
        plans.append(plan_alignment(space, rows[i], rows[j], members[i].sentences, members[j].sentences, candidates))
    aligned = align_planned(plans, scorer)  # the relation model called twice for the whole story
    out = [
        compare_prepared(
            members[i], members[j], space, rows[i], rows[j], scorer, None, float(doc_cosines[i, j]), memo, passages
        )
        for (i, j), passages in zip(pairs, aligned, strict=True)
    ]
    return mixed_sources(out)


def pair_work(articles: int) -> int:
    """How many pairs ``story_pairs`` aligns at most in a story of so many articles (for progress)."""
    every = articles * (articles - 1) // 2
    return every if articles <= ALL_PAIRS_MAX_ARTICLES else min(every, articles * NEAREST_ARTICLES)


def story_pairs(doc_cosines: np.ndarray) -> list[tuple[int, int]]:
    """The article pairs of a story to align: all of them, or in a large story each article's nearest.

    Up to ``ALL_PAIRS_MAX_ARTICLES`` articles every pair is aligned. Beyond,
    the pairs grow with the square of the story while a copy's source is
    almost always among the articles most like it: each article is aligned
    with its ``NEAREST_ARTICLES`` nearest by document cosine (ties by
    position, so by publication), which keeps the work linear in the story's size.
    """
    m = len(doc_cosines)
    if m <= ALL_PAIRS_MAX_ARTICLES:
        return list(itertools.combinations(range(m), 2))
    chosen: set[tuple[int, int]] = set()
    for i in range(m):
        row = np.array(doc_cosines[i], dtype=float)
        row[i] = -np.inf
        for j in np.argsort(-row, kind="stable")[:NEAREST_ARTICLES].tolist():
            chosen.add((min(i, j), max(i, j)))
    return sorted(chosen)


def mixed_sources(comparisons: list[Comparison]) -> list[Comparison]:
    """Downgrade "wholly derived from S" where another, independent source also supplied the copy.

    METER calls a text wholly derived when its source is the only one; a
    round-up that takes most of its text from one wire and a real share from
    another (itself not derived from the first) is partially derived from each.
    """
    label: dict[tuple[str, str], str] = {}  # (copy, source) -> derivation
    covered: dict[tuple[str, str], float] = {}
    for c in comparisons:
        label[c.b.id, c.a.id], covered[c.b.id, c.a.id] = c.b_from_a, c.b_covered_by_a
        label[c.a.id, c.b.id], covered[c.a.id, c.b.id] = c.a_from_b, c.a_covered_by_b

    suppliers: dict[str, list[str]] = {}  # copy -> the articles it derives something from
    for copy, source in label:
        if label[copy, source] != "non_derived" and covered[copy, source] >= PARTIALLY_DERIVED_MIN_COVERAGE:
            suppliers.setdefault(copy, []).append(source)

    def mixed(copy: str, source: str) -> bool:
        return any(
            other != source
            and label.get((other, source)) == "non_derived"
            and label.get((source, other)) == "non_derived"
            for other in suppliers.get(copy, ())
        )

    out = []
    for c in comparisons:
        b_from_a = "partially_derived" if c.b_from_a == "wholly_derived" and mixed(c.b.id, c.a.id) else c.b_from_a
        a_from_b = "partially_derived" if c.a_from_b == "wholly_derived" and mixed(c.a.id, c.b.id) else c.a_from_b
        out.append(replace(c, b_from_a=b_from_a, a_from_b=a_from_b))
    return out
