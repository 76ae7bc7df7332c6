"""Who copied whom inside a story: a directed reuse graph from pairwise comparisons.

For every pair of articles that share reused passages (verbatim, near-verbatim
or paraphrase), the edge points from the likely source to the copy:

1. wire copy first: an article of kind ``agency`` (or whose source is an
   agency the other credits) is the source;
2. otherwise the earlier publication is the source;
3. with no dates (or equal ones), containment decides: the copy is the text
   more of which is covered by the other (it is contained in the source).

``share`` is the part of the copy's content covered by the source. Roots are
articles that reuse nothing from another article of the story.

Not here: per-passage source attribution through chains of copies, which the
provenance issue adds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storytrace.align.compare import parse_time
from storytrace.model import Article, Comparison

# A pair whose copy has less than this share of its text reused gets no edge.
EDGE_MIN_SHARE = 0.05
# Containment must differ by this much to decide a direction without dates.
CONTAINMENT_MARGIN = 0.05


@dataclass(frozen=True)
class Edge:
    """Reuse from ``source`` to ``copy``: the share of the copy covered, and why this direction."""

    source: str
    copy: str
    share: float
    why: str


def reuse_edges(comparisons: Sequence[Comparison]) -> list[Edge]:
    """One edge per article pair with enough reuse, pointing from source to copy."""
    edges = []
    for c in comparisons:
        direction = _direction(c)
        if direction is None:
            continue
        a_is_source, why = direction
        source, copy = (c.a, c.b) if a_is_source else (c.b, c.a)
        share = c.b_covered_by_a if a_is_source else c.a_covered_by_b
        if share >= EDGE_MIN_SHARE:
            edges.append(Edge(source.id, copy.id, round(share, 3), why))
    return reduce_edges(edges)


def reduce_edges(edges: Sequence[Edge]) -> list[Edge]:
    """Keep, for each copy, its best source and the other sources that are not copies of a kept one.

    A reprint of a wire story shares everything with the wire and with every
    other reprint; only the wire is its source. Candidates are taken by share,
    then originals (articles that copy nothing) before copies.
    """
    copies = {e.copy for e in edges}
    pairs = {(e.source, e.copy) for e in edges}
    kept: list[Edge] = []
    for copy in dict.fromkeys(e.copy for e in edges):
        chosen: list[str] = []
        candidates = sorted(
            (e for e in edges if e.copy == copy), key=lambda e: (-round(e.share, 2), e.source in copies)
        )
        for e in candidates:
            if any((src, e.source) in pairs for src in chosen):
                continue  # this source copied a source already kept
            chosen.append(e.source)
            kept.append(e)
    return kept


def roots(article_ids: Sequence[str], edges: Sequence[Edge]) -> list[str]:
    """Articles that copy from no other article of the story."""
    copies = {e.copy for e in edges}
    return [a for a in article_ids if a not in copies]


def _direction(c: Comparison) -> tuple[bool, str] | None:
    """(True if ``a`` is the source, reason), or None when nothing is reused."""
    if max(c.a_covered_by_b, c.b_covered_by_a) < EDGE_MIN_SHARE:
        return None
    a_wire, b_wire = _is_wire(c.a, c.b_clean.credited), _is_wire(c.b, c.a_clean.credited)
    if a_wire != b_wire:
        return a_wire, "agency copy is the source"
    ta, tb = parse_time(c.a.published), parse_time(c.b.published)
    if ta is not None and tb is not None and ta != tb:
        return ta < tb, "published earlier"
    if abs(c.a_covered_by_b - c.b_covered_by_a) >= CONTAINMENT_MARGIN:
        return c.b_covered_by_a > c.a_covered_by_b, "the copy is contained in the source"
    return True, "undecided: no dates and equal containment, first article taken as source"


def _is_wire(article: Article, credited_by_other: Sequence[str]) -> bool:
    if article.kind == "agency":
        return True
    return bool(article.source) and article.source in credited_by_other
