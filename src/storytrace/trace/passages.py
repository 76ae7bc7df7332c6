"""The source of every reused passage of a story (``passage_sources``), traced through its reuse family.

For each article holding a reuse family (``trace.sentence_links``), its source is the credited
wire's own item in the family if it credits one, else the member that wins
among those that precede it; then the source's own source is followed to the
root (a reprint of a reprint traces to the original). Should these immediate
sources ever close a cycle, the cycle's member that precedes the others is
made its root. An article that holds the text first is listed with
``source=None`` and why: the original here, a copy of a wire not in the
corpus, or "same source, order unknown". ``source_span`` is the source's
sentence(s) reached from the passage through the alignments.

Not here: linking the sentences (``trace.sentence_links``), the graph of articles (``trace.edges``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storytrace.model import (
    Comparison,
    Order,
    PassageSource,
    Relation,
    Sentence,
)
from storytrace.trace.precedence import ANY_AGENCY
from storytrace.trace.reasons import passage_reason
from storytrace.trace.sentence_links import STRONGEST, Node, families, sentence_links, sentences_of
from storytrace.trace.story_precedence import StoryPrecedence, display_agency

ORIGINAL = "original here"


def passage_sources(comparisons: Sequence[Comparison]) -> list[PassageSource]:
    """The likely source of every reused passage of the story's articles, originals included.

    Passages are runs of adjacent sentences of one article with the same
    source, relation and reason (and adjacent sentences at the source). Sorted
    by article (in order of first appearance in ``comparisons``), then offset.
    """
    story = StoryPrecedence(comparisons)
    sents = {aid: sentences_of(story.articles[aid], story.cleans[aid]) for aid in story.articles}
    links = sentence_links(comparisons, sents)
    rows: list[tuple[Node, Node | None, Relation, str]] = []  # (node, source node, relation, why)
    for family in families(links):
        rows.extend(_trace_family(family, links, story))
    order = {aid: k for k, aid in enumerate(story.articles)}
    rows.sort(key=lambda r: (order[r[0][0]], r[0][1]))
    return _merge(rows, sents)


def _trace_family(
    family: Sequence[Node], links: Mapping[Node, Mapping[Node, int]], story: StoryPrecedence
) -> list[tuple[Node, Node | None, Relation, str]]:
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
    out: list[tuple[Node, Node | None, Relation, str]] = []
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
            out.append((node, None, STRONGEST[min(links[node].values())], _first_here(node[0], members, story)))
    return out


def _first_here(aid: str, members: Sequence[str], story: StoryPrecedence) -> str:
    """Why ``aid`` holds a text first among ``members``.

    The original here; a copy of a wire whose own item is not in the corpus; or one of texts no rule orders.
    """
    absent = story.absent_wires(aid)
    if absent:
        return f"{display_agency(absent[0])} copy (credited, not in this corpus)"
    if any(m != aid and story.precedence(m, aid).rule == "unknown" for m in members):
        return "same source, order unknown"
    return ORIGINAL


def _cut_cycles(step: dict[str, tuple[str, str] | None], story: StoryPrecedence) -> None:
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
    aid: str, members: Sequence[str], story: StoryPrecedence, winners: dict[tuple[str, ...], str]
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


def _winner(candidates: Sequence[str], story: StoryPrecedence) -> str:
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
    source: str, family: Sequence[Node], links: Mapping[Node, Mapping[Node, int]]
) -> dict[Node, tuple[Node, Relation, str | None]]:
    """For each node of the family: (the source's node it reaches, weakest relation, first article on the way).

    A breadth-first search from the source's sentences, level by level, each
    node taking the strongest link to the previous level: direct alignments
    first, then the shortest chain of copies. The third item is None when the
    node aligns with the source directly.
    """
    level = sorted(n for n in family if n[0] == source)
    reached: dict[Node, tuple[Node, int, Node | None]] = {n: (n, -1, None) for n in level}  # root, weakest, next
    while level:
        best: dict[Node, tuple[int, Node]] = {}
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
    out: dict[Node, tuple[Node, Relation, str | None]] = {}
    for node, (root, weakest, nxt) in reached.items():
        if nxt is None:
            continue
        via = nxt[0] if nxt[0] != source else None
        out[node] = (root, STRONGEST[weakest], via)
    return out


def _merge(
    rows: Sequence[tuple[Node, Node | None, Relation, str]], sents: Mapping[str, Sequence[Sentence]]
) -> list[PassageSource]:
    out: list[PassageSource] = []
    last: tuple[Node, Node | None, Relation, str] | None = None
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
