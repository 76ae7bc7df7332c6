"""Who copied whom inside a story, as one ``model.Provenance``: the graph, the passages' sources, the outlets.

Everything here is a pure function of a story's pairwise ``Comparison``s
(every pair of its articles, as ``pipeline.compare_story`` gives them), and
returns the typed ``model.Provenance`` (``codec.provenance.provenance_to_json``
writes it as JSON). ``story_provenance`` puts together the parts, each in a module of its own: the order of
any two articles (``trace.story_precedence``, from ``trace.precedence``), the reuse graph
(``trace.edges``), the links of reused sentences (``trace.sentence_links``), the source of every passage
(``trace.passages``), each outlet's originality (``trace.outlets``), the words of why (``trace.reasons``).

Not here: deciding what is reused (``align``), derivation labels, facts.
"""

from __future__ import annotations

from collections.abc import Sequence

from storytrace.model import (
    Article,
    Comparison,
    Provenance,
    ProvenanceNode,
)
from storytrace.naming import outlet_name
from storytrace.trace.edges import ABSENT_NOTE, ABSENT_PREFIX, absent_source_edges, reuse_edges, roots, supported_edges
from storytrace.trace.outlets import outlet_originality
from storytrace.trace.passages import passage_sources
from storytrace.trace.story_precedence import StoryPrecedence


def story_provenance(comparisons: Sequence[Comparison], articles: Sequence[Article]) -> Provenance:
    """The whole provenance of a story.

    Its nodes, edges, the wires credited but not in the corpus, roots, passages and outlets.
    """
    passages = passage_sources(comparisons)
    edges = supported_edges(reuse_edges(comparisons), passages)
    story = StoryPrecedence(comparisons, articles)
    credited = absent_source_edges(story, [a.id for a in articles])
    nodes = [ProvenanceNode(a.id, "article", outlet_name(a)) for a in articles]
    nodes += [
        ProvenanceNode(agency, "absent_source", agency.removeprefix(ABSENT_PREFIX), ABSENT_NOTE)
        for agency in dict.fromkeys(e.source for e in credited)
    ]
    return Provenance(
        nodes=tuple(nodes),
        edges=tuple(edges),
        credited=tuple(credited),
        roots=tuple(roots([a.id for a in articles], edges)),
        passages=tuple(passages),
        outlets=tuple(outlet_originality(comparisons, articles, passages)),
    )
