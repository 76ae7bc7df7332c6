"""Which sentences of a story's articles were copied from which: the links of reused sentences and their families.

The sentences of every pair that shows copying (``copied``: one derives from the other, or they are copies of
one source with narrative passages in common; two reports that share quotations or a few phrases are not
linked) that take part in a reuse alignment are linked to the sentences they align with, at the strength of
the passage's relation (``STRENGTH``: verbatim strongest); a connected group of linked sentences is one
*reuse family* (``families``).

Not here: which member of a family is the source (``trace.passages``), deciding what is reused (``align``).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

from storytrace.align.compare import ABSOLUTE_REUSE_CHARS, PARTIALLY_DERIVED_MIN_COVERAGE
from storytrace.model import (
    DERIVATIONS,
    REUSE_RELATIONS,
    Alignment,
    Article,
    Cleaned,
    Comparison,
    Relation,
    Sentence,
)
from storytrace.text.segment import sentences

# Relations from strongest to weakest (a chain of copies is as strong as its weakest link).
STRENGTH: dict[Relation, int] = {"verbatim": 0, "near_verbatim": 1, "paraphrase": 2}
STRONGEST: dict[int, Relation] = {v: k for k, v in STRENGTH.items()}


Node = tuple[str, int]  # (article id, sentence index)


def sentences_of(article: Article, clean: Cleaned) -> list[Sentence]:
    """The article's sentences as ``compare.prepare`` made them (the alignments' units)."""
    return sentences(article.text, clean.content)


def sentence_links(
    comparisons: Sequence[Comparison], sents: Mapping[str, Sequence[Sentence]]
) -> dict[Node, dict[Node, int]]:
    """Reused sentence pairs: node -> {linked node: strength of the relation (0 strongest)}.

    Only pairs with evidence of copying link their sentences (``copied``): two reports that share
    quotations or a few phrases hold the same words without one taking them from the other.
    """
    starts = {aid: [s.start for s in ss] for aid, ss in sents.items()}
    links: dict[Node, dict[Node, int]] = {}
    for c in comparisons:
        if not copied(c):
            continue
        for passage in c.alignments:
            if passage.relation not in REUSE_RELATIONS:
                continue
            for al in passage.units:
                _link(links, c, al, STRENGTH[passage.relation], sents, starts)
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
    links: dict[Node, dict[Node, int]],
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


def families(links: Mapping[Node, Mapping[Node, int]]) -> list[list[Node]]:
    """Connected groups of linked sentences, each sorted, in order of their first node."""
    seen: set[Node] = set()
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
