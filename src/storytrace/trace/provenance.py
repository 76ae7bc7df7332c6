"""Who copied whom inside a story: the reuse graph, the source of every shared passage, outlet originality.

Everything here is a pure function of a story's pairwise ``Comparison``s
(every pair of its articles, as ``pipeline.compare_story`` gives them), and
returns the typed ``model.Provenance`` (``codec.provenance.provenance_to_json``
writes it as JSON).

**Which of two articles holding the same text is the source** is decided once
per pair, by ``trace.precedence.order``, and kept on the comparison: the
derivation labels and this graph read the same decision, so they never
disagree and no pair is linked both ways. Copies of one wire (siblings) and
pairs no rule orders are linked neither way.

**Edges** (``reuse_edges``): one per pair where one article derives from the
other (the comparison's derivation), from source to copy, with its evidence
(the rule, the copy's reused passages, their longest run outside quotations,
the dates and credits), reduced to each copy's best sources (``reduce_edges``).
**Wires not in the corpus** (``absent_source_edges``): an article whose
dateline or byline credits a wire that has no item of its own in the story is
that wire's copy; the wire is a node of its own (``agency:NAME``, "credited,
not in this corpus") linked to each of its copies. **Roots**: the articles that
copy from no other article of the story.

**Per passage** (``passage_sources``): the sentences of every pair that shows
copying (``copied``: one derives from the other, or they are copies of one
source with narrative passages in common; two reports that share quotations or
a few phrases are not linked) that take part in a reuse alignment are linked
to the sentences they align with; a connected group of linked sentences is one
*reuse family*. For each article holding a family, its source is the credited
wire's own item in the family if it credits one, else the member that wins
among those that precede it; then the source's own source is followed to the
root (a reprint of a reprint traces to the original). Should these immediate
sources ever close a cycle, the cycle's member that precedes the others is
made its root. An article that holds the text first is listed with
``source=None`` and why: the original here, a copy of a wire not in the
corpus, or "same source, order unknown". ``source_span`` is the source's
sentence(s) reached from the passage through the alignments.

**Per outlet** (``outlet_originality``): the share of an outlet's content
characters (letters and digits of the cleaned content, as ``compare``'s
coverage counts them) traced to another outlet's or agency's passages, and the
rest, ``original``. Text an outlet takes from its own earlier article counts
as its own (original). The outlet is ``naming.outlet_name``: the source, else
the URL's domain, else the article id.

Not here: deciding what is reused (``align``), derivation labels, facts.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from storytrace.align.compare import ABSOLUTE_REUSE_CHARS, PARTIALLY_DERIVED_MIN_COVERAGE, visible_content
from storytrace.clean import BUILTIN_AGENCIES, agencies_with, clean_article
from storytrace.model import (
    DERIVATIONS,
    REUSE_RELATIONS,
    Alignment,
    Article,
    Cleaned,
    Comparison,
    EdgeEvidence,
    Order,
    OutletShare,
    PassageSource,
    Provenance,
    ProvenanceEdge,
    ProvenanceNode,
    Relation,
    Sentence,
)
from storytrace.naming import outlet_name
from storytrace.text.segment import sentences
from storytrace.trace.precedence import ANY_AGENCY, UNNAMED_AGENCY, Witness, order, witness

ORIGINAL = "original here"
BUILTIN_NAMES = tuple(a.name for a in BUILTIN_AGENCIES)
# Relations from strongest to weakest (a chain of copies is as strong as its weakest link).
_STRENGTH: dict[Relation, int] = {"verbatim": 0, "near_verbatim": 1, "paraphrase": 2}
_STRONGEST: dict[int, Relation] = {v: k for k, v in _STRENGTH.items()}


# ---------------------------------------------------------------- pairwise precedence


class _Story:
    """What precedence needs about the articles of a story, gathered once from its comparisons."""

    def __init__(self, comparisons: Sequence[Comparison], articles: Iterable[Article] = ()) -> None:
        self.articles: dict[str, Article] = {}
        self.cleans: dict[str, Cleaned] = {}
        self.orders: dict[tuple[str, str], Order] = {}  # the comparison's own order, for the pairs compared
        for c in comparisons:
            self.articles.setdefault(c.a.id, c.a)
            self.articles.setdefault(c.b.id, c.b)
            self.cleans.setdefault(c.a.id, c.a_clean)
            self.cleans.setdefault(c.b.id, c.b_clean)
            self.orders[_key(c.a.id, c.b.id)] = c.order
        for art in articles:
            self.articles.setdefault(art.id, art)
        self._witnesses: dict[str, Witness] = {}

    def credited(self, article_id: str) -> tuple[str, ...]:
        clean = self.cleans.get(article_id)
        return clean.credited if clean is not None else ()

    def witness(self, article_id: str) -> Witness:
        """``precedence.witness`` of the article (computed once)."""
        if article_id not in self._witnesses:
            article = self.articles[article_id]
            clean = self.cleans.get(article_id) or clean_article(article)
            self._witnesses[article_id] = witness(article, clean)
        return self._witnesses[article_id]

    def is_item_of(self, article_id: str, agency: str) -> bool:
        """Whether the article is ``agency``'s own item ("Agencies": any wire's) in the corpus."""
        own = self.witness(article_id).own_wires
        return bool(own) if agency.lower() == ANY_AGENCY else agency.lower() in own

    def absent_wires(self, article_id: str) -> list[str]:
        """The wires ``article_id`` is a copy of whose own items are not in the story (sorted, lower case)."""
        present = {w for aid in self.articles for w in self.witness(aid).own_wires}
        return sorted(self.witness(article_id).wires - present - {UNNAMED_AGENCY})

    def precedence(self, x: str, y: str) -> Order:
        """Which of ``x`` and ``y`` is the source of the other: their comparison's order (``precedence.order``)."""
        key = _key(x, y)
        if key not in self.orders:  # two articles the story did not compare (a large story's far pairs)
            self.orders[key] = order(self.witness(key[0]), self.witness(key[1]))
        return self.orders[key]


def _key(x: str, y: str) -> tuple[str, str]:
    return (x, y) if x < y else (y, x)


def passage_reason(o: Order) -> str:
    """Why a passage comes from the source ``o`` names, as a passage's ``why``."""
    return {
        "wire": f"credited agency copy ({o.detail}) holds it",
        "credited": f"credited agency copy ({o.detail}) holds it",
        "earlier": "earliest article that holds it",
        "agency": f"agency copy holds it ({o.detail})",
        "containment": f"contained in the source ({o.detail})",
        "material": f"the source holds more of its own ({o.detail})",
    }.get(o.rule, f"same source, order unknown ({o.detail})")


def edge_reason(o: Order) -> str:
    """Why an edge points from ``o``'s source, as an edge's ``why``."""
    return {
        "wire": f"credited agency copy ({o.detail}) is the source",
        "credited": f"credited agency copy ({o.detail}) is the source",
        "earlier": "published earlier",
        "agency": "agency copy is the source",
        "containment": "the copy is contained in the source",
        "material": "the source holds more of its own; the copy adds less than it takes",
        "given": f"no rule orders them ({o.detail})",
        "siblings": f"copies of one wire ({o.detail}): neither is the other's source",
    }.get(o.rule, f"same source, order unknown ({o.detail})")


# ---------------------------------------------------------------- edges (one per article pair)


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


# ---------------------------------------------------------------- passages

_Node = tuple[str, int]  # (article id, sentence index)


def passage_sources(comparisons: Sequence[Comparison]) -> list[PassageSource]:
    """The likely source of every reused passage of the story's articles, originals included.

    Passages are runs of adjacent sentences of one article with the same
    source, relation and reason (and adjacent sentences at the source). Sorted
    by article (in order of first appearance in ``comparisons``), then offset.
    """
    story = _Story(comparisons)
    sents = {aid: _sentences_of(story.articles[aid], story.cleans[aid]) for aid in story.articles}
    links = _sentence_links(comparisons, sents)
    rows: list[tuple[_Node, _Node | None, Relation, str]] = []  # (node, source node, relation, why)
    for family in _families(links):
        rows.extend(_trace_family(family, links, story))
    order = {aid: k for k, aid in enumerate(story.articles)}
    rows.sort(key=lambda r: (order[r[0][0]], r[0][1]))
    return _merge(rows, sents)


def _sentences_of(article: Article, clean: Cleaned) -> list[Sentence]:
    """The article's sentences as ``compare.prepare`` made them (the alignments' units)."""
    return sentences(article.text, clean.content)


def _sentence_links(
    comparisons: Sequence[Comparison], sents: Mapping[str, Sequence[Sentence]]
) -> dict[_Node, dict[_Node, int]]:
    """Reused sentence pairs: node -> {linked node: strength of the relation (0 strongest)}.

    Only pairs with evidence of copying link their sentences (``copied``): two reports that share
    quotations or a few phrases hold the same words without one taking them from the other.
    """
    starts = {aid: [s.start for s in ss] for aid, ss in sents.items()}
    links: dict[_Node, dict[_Node, int]] = {}
    for c in comparisons:
        if not copied(c):
            continue
        for passage in c.alignments:
            if passage.relation not in REUSE_RELATIONS:
                continue
            for al in passage.units:
                _link(links, c, al, _STRENGTH[passage.relation], sents, starts)
    return links


def copied(c: Comparison) -> bool:
    """Whether the pair shows copying: one derives from the other, or they are copies of one source.

    Copies of one wire (``siblings``) and pairs no rule orders are not derived from each other, but the
    text they share was copied (from the wire, or one from the other): 4 % of one's narrative outside
    quotations, or a passage of ``ABSOLUTE_REUSE_CHARS`` outside them of any reuse relation. (Looser than
    ``compare.decided``, which since issue 27 counts only verbatim and near-verbatim runs: kept, since
    passages are linked here, not a copy accused.)
    """
    if DERIVATIONS[-1] not in (c.b_from_a, c.a_from_b) or c.b_from_a != c.a_from_b:
        return True
    if c.order.source is not None:
        return False  # ordered, and the copy's derivation found none
    return any(
        e.narrative >= PARTIALLY_DERIVED_MIN_COVERAGE or e.longest >= ABSOLUTE_REUSE_CHARS
        for e in (c.a_evidence, c.b_evidence)
    )


def _link(
    links: dict[_Node, dict[_Node, int]],
    c: Comparison,
    al: Alignment,
    strength: int,
    sents: Mapping[str, Sequence[Sentence]],
    starts: Mapping[str, Sequence[int]],
) -> None:
    """Link the sentences one piece of a reused passage pairs, at the passage's strength."""
    a_rows = _covering(sents[c.a.id], starts[c.a.id], al.a_span)
    b_rows = _covering(sents[c.b.id], starts[c.b.id], al.b_span)
    for i, j in _pair_rows(sents[c.a.id], a_rows, al.a_span, sents[c.b.id], b_rows, al.b_span):
        u, v = (c.a.id, i), (c.b.id, j)
        if strength < links.setdefault(u, {}).get(v, 99):
            links[u][v] = strength
            links.setdefault(v, {})[u] = strength


def _covering(sents: Sequence[Sentence], starts: Sequence[int], span: tuple[int, int]) -> list[int]:
    """Indices of the sentences that overlap ``span``."""
    lo = max(0, bisect.bisect_right(starts, span[0]) - 1)
    hi = bisect.bisect_left(starts, span[1])
    return [k for k in range(lo, hi) if sents[k].start < span[1] and span[0] < sents[k].end]


def _pair_rows(
    a_sents: Sequence[Sentence],
    a_rows: Sequence[int],
    a_span: tuple[int, int],
    b_sents: Sequence[Sentence],
    b_rows: Sequence[int],
    b_span: tuple[int, int],
) -> list[tuple[int, int]]:
    """Which sentence of one side goes with which of the other inside an aligned passage.

    One to one in order when both sides have as many sentences; otherwise by
    relative position in the passage (a sentence the copier split pairs with
    both halves).
    """
    if not a_rows or not b_rows:
        return []
    if len(a_rows) == len(b_rows):
        return list(zip(a_rows, b_rows, strict=True))
    a_pos = _relative(a_sents, a_rows, a_span)
    b_pos = _relative(b_sents, b_rows, b_span)
    out: set[tuple[int, int]] = set()
    for i, (a0, a1) in zip(a_rows, a_pos, strict=True):
        overlaps = [(min(a1, b1) - max(a0, b0), j) for j, (b0, b1) in zip(b_rows, b_pos, strict=True)]
        out.update((i, j) for o, j in overlaps if o > 0)
        out.add((i, max(overlaps)[1]))
    for j, (b0, b1) in zip(b_rows, b_pos, strict=True):
        best = max((min(a1, b1) - max(a0, b0), i) for i, (a0, a1) in zip(a_rows, a_pos, strict=True))
        out.add((best[1], j))
    return sorted(out)


def _relative(sents: Sequence[Sentence], rows: Sequence[int], span: tuple[int, int]) -> list[tuple[float, float]]:
    width = max(1, span[1] - span[0])
    return [((sents[k].start - span[0]) / width, (sents[k].end - span[0]) / width) for k in rows]


def _families(links: Mapping[_Node, Mapping[_Node, int]]) -> list[list[_Node]]:
    """Connected groups of linked sentences, each sorted, in order of their first node."""
    seen: set[_Node] = set()
    out = []
    for start in sorted(links):
        if start in seen:
            continue
        seen.add(start)
        group, stack = [], [start]
        while stack:
            node = stack.pop()
            group.append(node)
            for other in links[node]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        out.append(sorted(group))
    return out


def _trace_family(
    family: Sequence[_Node], links: Mapping[_Node, Mapping[_Node, int]], story: _Story
) -> list[tuple[_Node, _Node | None, Relation, str]]:
    """(node, source node or None, relation, why) for every sentence of one reuse family."""
    members = sorted({aid for aid, _ in family})
    winners: dict[tuple[str, ...], str] = {}
    step = {aid: _immediate_source(aid, members, story, winners) for aid in members}
    _cut_cycles(step, story)
    final: dict[str, tuple[str, str] | None] = {}  # article -> (source, why), None when original
    for aid in members:
        chain = [aid]
        while (nxt := step[chain[-1]]) is not None:
            chain.append(nxt[0])
        first, last = step[aid], step[chain[-2]] if len(chain) > 1 else None
        if first is None or last is None:
            final[aid] = None
        elif len(chain) == 2:
            final[aid] = (chain[1], first[1])
        else:
            final[aid] = (chain[-1], f"reused from {chain[1]}, a copy of {chain[-1]}: traced to its source ({last[1]})")
    out: list[tuple[_Node, _Node | None, Relation, str]] = []
    for source in sorted({f[0] for f in final.values() if f is not None}):
        paths = _paths_to(source, family, links)
        for node in family:
            f = final[node[0]]
            if f is None or f[0] != source:
                continue
            src_node, relation, via = paths[node]
            why = f[1]
            if via is not None and not why.startswith("reused from "):
                why = f"reused from {via}, a copy of {source}: traced to its source ({why})"
            out.append((node, src_node, relation, why))
    for node in family:
        if final[node[0]] is None:
            out.append((node, None, _STRONGEST[min(links[node].values())], _first_here(node[0], members, story)))
    return out


def _first_here(aid: str, members: Sequence[str], story: _Story) -> str:
    """Why ``aid`` holds a text first among ``members``.

    The original here; a copy of a wire whose own item is not in the corpus; or one of texts no rule orders.
    """
    absent = story.absent_wires(aid)
    if absent:
        return f"{_display(absent[0])} copy (credited, not in this corpus)"
    if any(m != aid and story.precedence(m, aid).rule == "unknown" for m in members):
        return "same source, order unknown"
    return ORIGINAL


def _display(agency: str) -> str:
    """A wire's name as the corpus writes it (witnesses keep names in lower case)."""
    for name in BUILTIN_NAMES:
        if name.lower() == agency:
            return name
    return agency


def _cut_cycles(step: dict[str, tuple[str, str] | None], story: _Story) -> None:
    """Make the immediate sources a forest: in a cycle, the member that precedes the others becomes original."""
    for start in sorted(step):
        path: list[str] = []
        at: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in at:
            at[current] = len(path)
            path.append(current)
            nxt = step[current]
            current = nxt[0] if nxt is not None else None
        if current is not None:
            step[_winner(sorted(path[at[current] :]), story)] = None


def _immediate_source(
    aid: str, members: Sequence[str], story: _Story, winners: dict[tuple[str, ...], str]
) -> tuple[str, str] | None:
    """The source of ``aid``'s text among the family ``members``: (source, why), or None if none precedes it.

    A wire's copy that ``aid`` credits comes first; otherwise the member that
    wins among those that precede ``aid`` (``precedence``). Copies of one wire
    (siblings) and pairs no rule orders precede neither: ``aid`` may then hold
    the text first here. ``winners`` caches the winner of each candidate set.
    """
    # named agencies first, the generic "Agencies" last
    for agency in sorted(story.credited(aid), key=lambda a: a.lower() == ANY_AGENCY):
        if story.is_item_of(aid, agency):
            continue  # a wire's own item naming its own agency
        wires = [m for m in members if m != aid and story.is_item_of(m, agency)]
        if wires:
            return _winner(wires, story), passage_reason(Order("", "credited", agency))
    before = tuple(m for m in members if m != aid and story.precedence(m, aid).source == m)
    if not before:
        return None
    if before not in winners:
        winners[before] = _winner(before, story)
    best = winners[before]
    return best, passage_reason(story.precedence(best, aid))


def _winner(candidates: Sequence[str], story: _Story) -> str:
    """The candidate that precedes most others pairwise; ties to the one that precedes the other tied ones."""
    if len(candidates) == 1:
        return candidates[0]
    wins = {x: sum(story.precedence(x, y).source == x for y in candidates if y != x) for x in candidates}
    top = max(wins.values())
    tied = sorted(x for x in candidates if wins[x] == top)
    best = tied[0]
    for x in tied[1:]:
        if story.precedence(best, x).source == x:
            best = x
    return best


def _paths_to(
    source: str, family: Sequence[_Node], links: Mapping[_Node, Mapping[_Node, int]]
) -> dict[_Node, tuple[_Node, Relation, str | None]]:
    """For each node of the family: (the source's node it reaches, weakest relation, first article on the way).

    A breadth-first search from the source's sentences, level by level, each
    node taking the strongest link to the previous level: direct alignments
    first, then the shortest chain of copies. The third item is None when the
    node aligns with the source directly.
    """
    level = sorted(n for n in family if n[0] == source)
    reached: dict[_Node, tuple[_Node, int, _Node | None]] = {n: (n, -1, None) for n in level}  # root, weakest, next
    while level:
        best: dict[_Node, tuple[int, _Node]] = {}
        for u in level:
            for v, strength in links[u].items():
                if v in reached:
                    continue
                weakest = max(strength, reached[u][1])
                if v not in best or (weakest, u) < best[v]:
                    best[v] = (weakest, u)
        for v, (weakest, u) in best.items():
            reached[v] = (reached[u][0], weakest, u)
        level = sorted(best)
    out: dict[_Node, tuple[_Node, Relation, str | None]] = {}
    for node, (root, weakest, nxt) in reached.items():
        if nxt is None:
            continue
        via = nxt[0] if nxt[0] != source else None
        out[node] = (root, _STRONGEST[weakest], via)
    return out


def _merge(
    rows: Sequence[tuple[_Node, _Node | None, Relation, str]], sents: Mapping[str, Sequence[Sentence]]
) -> list[PassageSource]:
    out: list[PassageSource] = []
    last: tuple[_Node, _Node | None, Relation, str] | None = None
    for row in rows:
        node, src, relation, why = row
        s = sents[node[0]][node[1]]
        source_span = None if src is None else (sents[src[0]][src[1]].start, sents[src[0]][src[1]].end)
        if last is not None and out:
            lnode, lsrc, lrel, lwhy = last
            prev = out[-1]
            joins = (
                lnode[0] == node[0]
                and node[1] == lnode[1] + 1
                and (lrel, lwhy) == (relation, why)
                and (lsrc is None) == (src is None)
                and (src is None or (lsrc is not None and lsrc[0] == src[0] and src[1] in (lsrc[1], lsrc[1] + 1)))
            )
            if joins:
                merged_source = prev.source_span
                if source_span is not None and merged_source is not None:
                    merged_source = (min(merged_source[0], source_span[0]), max(merged_source[1], source_span[1]))
                out[-1] = PassageSource(prev.article, (prev.span[0], s.end), prev.source, merged_source, relation, why)
                last = row
                continue
        out.append(
            PassageSource(node[0], (s.start, s.end), None if src is None else src[0], source_span, relation, why)
        )
        last = row
    return out


# ---------------------------------------------------------------- outlets


def outlet_originality(
    comparisons: Sequence[Comparison], articles: Sequence[Article], passages: Sequence[PassageSource]
) -> list[OutletShare]:
    """Per outlet of ``articles`` (in order of first appearance): the share of its content original and reused.

    Content characters are the letters and digits of each article's cleaned
    content (the clean stage's result kept in ``comparisons``; an article in
    none of them is cleaned here with the built-in agencies and those of the
    story's agency copies). A character is reused from outlet O when it lies in
    a passage whose source is an article of O other than its own outlet. The
    shares of each outlet sum to 1 (an outlet with no content is wholly original).
    """
    if all(p.source is None for p in passages):  # nothing reused (a lone article, say): no need to clean any
        return [OutletShare(outlet, 1.0, ()) for outlet in dict.fromkeys(map(outlet_name, articles))]
    story = _Story(comparisons, articles)
    agencies = agencies_with(a.source for a in story.articles.values() if a.kind == "agency" and a.source)
    by_article: dict[str, list[PassageSource]] = {}
    for p in passages:
        by_article.setdefault(p.article, []).append(p)
    totals: dict[str, int] = {}
    reused: dict[str, dict[str, int]] = {}
    for art in articles:
        outlet = outlet_name(art)
        clean = story.cleans.get(art.id) or clean_article(art, agencies)
        content = visible_content(art.text, clean.content)  # coverage has asked for it already (cached)
        totals[outlet] = totals.get(outlet, 0) + int(content.sum())
        into = reused.setdefault(outlet, {})
        taken = np.zeros(len(art.text), dtype=bool)
        for p in by_article.get(art.id, ()):
            if p.source is None:
                continue
            source = story.articles.get(p.source)
            from_outlet = outlet_name(source) if source is not None else p.source
            if from_outlet == outlet:
                continue  # an outlet's text taken from its own earlier article is its own
            span = np.zeros(len(art.text), dtype=bool)
            span[p.span[0] : p.span[1]] = True
            chars = int((content & span & ~taken).sum())
            taken |= span
            if chars:
                into[from_outlet] = into.get(from_outlet, 0) + chars
    out = []
    for outlet, total in totals.items():
        if not total:
            out.append(OutletShare(outlet, 1.0, ()))
            continue
        shares = sorted(((o, n / total) for o, n in reused[outlet].items()), key=lambda x: (-x[1], x[0]))
        out.append(OutletShare(outlet, (total - sum(reused[outlet].values())) / total, tuple(shares)))
    return out


# ---------------------------------------------------------------- the whole


def story_provenance(comparisons: Sequence[Comparison], articles: Sequence[Article]) -> Provenance:
    """The whole provenance of a story.

    Its nodes, edges, the wires credited but not in the corpus, roots, passages and outlets.
    """
    passages = passage_sources(comparisons)
    edges = supported_edges(reuse_edges(comparisons), passages)
    story = _Story(comparisons, articles)
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


ABSENT_PREFIX = "agency:"
ABSENT_NOTE = "credited, not in this corpus"


def absent_source_edges(story: _Story, article_ids: Sequence[str]) -> list[ProvenanceEdge]:
    """An edge from each wire credited but absent from the story (no item of its own there) to each copy of it.

    A copy of such a wire is its copy because its dateline or byline credits it; its siblings (other copies
    of the same wire) are not its source.
    """
    out = []
    for aid in article_ids:
        w = story.witness(aid)
        for agency in story.absent_wires(aid):
            name = next((a for a in w.credited if a.lower() == agency), _display(agency))
            why = f"its dateline or byline credits {name}"
            proof = EdgeEvidence("credit", name, 0, 0, 0.0, None, story.articles[aid].published, w.credited)
            out.append(ProvenanceEdge(ABSENT_PREFIX + name, aid, None, why, None, proof))
    return out
