"""The reuse graph of a story: one edge per derived pair, the wires credited but absent, the roots.

**Edges** (``reuse_edges``): one per pair where one article derives from the
other (the comparison's derivation), from source to copy, with its evidence
(the rule, the copy's reused passages, their longest run outside quotations,
the dates and credits), reduced to each copy's best sources (``reduce_edges``), and kept when the copy's
passages trace to that source (``supported_edges``).
Copies of one wire (siblings) and pairs no rule orders are linked neither way.
**Wires not in the corpus** (``absent_source_edges``): an article whose
dateline or byline credits a wire that has no item of its own in the story is
that wire's copy; the wire is a node of its own (``agency:NAME``, "credited,
not in this corpus") linked to each of its copies. **Roots**: the articles that
copy from no other article of the story.

Not here: the source of each passage (``trace.passages``), outlets (``trace.outlets``).
"""

from __future__ import annotations

from collections.abc import Sequence

from storytrace.model import (
    DERIVATIONS,
    Comparison,
    EdgeEvidence,
    PassageSource,
    ProvenanceEdge,
)
from storytrace.trace.reasons import edge_reason
from storytrace.trace.story_precedence import StoryPrecedence, display_agency


def reuse_edges(comparisons: Sequence[Comparison]) -> list[ProvenanceEdge]:
    """One edge per article pair where one derives from the other, from source to copy, with its evidence.

    The edge follows the comparison's derivation, which follows its order
    (``precedence``): the graph and the derivation labels never disagree, and no
    pair is linked both ways. Reduced to each copy's best sources (``reduce_edges``).
    """
    edges = []
    for c in comparisons:
        sides = ((c.a, c.b, c.b_from_a, c.b_covered_by_a, c.b_evidence, c.b_clean),
                 (c.b, c.a, c.a_from_b, c.a_covered_by_b, c.a_evidence, c.a_clean))  # fmt: skip
        for source, copy, derived, share, evidence, cleaned in sides:
            if derived == DERIVATIONS[-1]:
                continue
            why = edge_reason(c.order)
            proof = EdgeEvidence(
                c.order.rule, c.order.detail, evidence.passages, evidence.longest, evidence.narrative,
                source.published, copy.published, cleaned.credited,
            )  # fmt: skip
            edges.append(ProvenanceEdge(source.id, copy.id, round(share, 3), why, c.confidence, proof))
    return reduce_edges(edges)


def reduce_edges(edges: Sequence[ProvenanceEdge]) -> list[ProvenanceEdge]:
    """Keep, for each copy, its best source and the other sources that are not copies of a kept one.

    A reprint of a wire story shares everything with the wire and with every
    other reprint; only the wire is its source. Candidates are taken by share,
    then originals (articles that copy nothing) before copies.
    """
    copies = {e.copy for e in edges}
    pairs = {(e.source, e.copy) for e in edges}
    kept: list[ProvenanceEdge] = []
    for copy in dict.fromkeys(e.copy for e in edges):
        chosen: list[str] = []
        candidates = sorted(
            (e for e in edges if e.copy == copy), key=lambda e: (e.source in copies, -round(e.share or 0.0, 2))
        )
        for e in candidates:
            if any((src, e.source) in pairs for src in chosen):
                continue  # this source copied a source already kept
            chosen.append(e.source)
            kept.append(e)
    return kept


def supported_edges(edges: Sequence[ProvenanceEdge], passages: Sequence[PassageSource]) -> list[ProvenanceEdge]:
    """The edges whose copy's shared passages trace, at least in part, to their source.

    Two copies of one source share what they took from it, and two reports of
    one hearing share its quotations: when every passage a copy shares with
    another article traces to a third (the wire, the earlier article that
    holds it: ``passage_sources``), the other is not its source, whatever their
    derivation says pair by pair. A copy none of whose passages has a source
    (the model saw copying the aligner did not) keeps its edges.
    """
    traced: dict[str, set[str]] = {}
    for p in passages:
        if p.source is not None:
            traced.setdefault(p.article, set()).add(p.source)
    return [e for e in edges if e.copy not in traced or e.source in traced[e.copy]]


def roots(article_ids: Sequence[str], edges: Sequence[ProvenanceEdge]) -> list[str]:
    """Articles that copy from no other article of the story."""
    copies = {e.copy for e in edges}
    return [a for a in article_ids if a not in copies]


ABSENT_PREFIX = "agency:"
ABSENT_NOTE = "credited, not in this corpus"


def absent_source_edges(story: StoryPrecedence, article_ids: Sequence[str]) -> list[ProvenanceEdge]:
    """An edge from each wire credited but absent from the story (no item of its own there) to each copy of it.

    A copy of such a wire is its copy because its dateline or byline credits it; its siblings (other copies
    of the same wire) are not its source.
    """
    out = []
    for aid in article_ids:
        w = story.witness(aid)
        for agency in story.absent_wires(aid):
            name = next((a for a in w.credited if a.lower() == agency), display_agency(agency))
            why = f"its dateline or byline credits {name}"
            proof = EdgeEvidence("credit", name, 0, 0, 0.0, None, story.articles[aid].published, w.credited)
            out.append(ProvenanceEdge(ABSENT_PREFIX + name, aid, None, why, None, proof))
    return out
