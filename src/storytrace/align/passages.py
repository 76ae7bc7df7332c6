"""Passages as a reader sees them: copied runs and aligned sentences joined into whole passages.

Two kinds of evidence come in: passages copied word for word or nearly
(``copy``: found on the words, whatever the sentence boundaries and layout)
and aligned sentences (``match``: reworded and spun copy, same facts, related
statements). They go out as passages, each with one span per side, one
relation and, when it was joined from several, its ``parts`` (the evidence,
kept for the report and for coverage):

1. a sentence alignment that overlaps a copied passage on both sides is
   superseded by it (the copy is exact, the sentences only contain it);
2. a sentence alignment named as reuse but shorter than ``MIN_REUSE_WORDS``
   words is ``same_fact``: too short to show copying (headings, list numbers,
   a name: "1." and "HIV [1]", "No one was hurt."); one with no other shared statement within
   ``CONTEXT_CHARS`` in both texts is ``same_fact`` (an isolated statement
   of the same meaning, as independent reports give it; spun copy comes in runs);
3. the evidence is chained in the order of the copy (``b``): a part joins a
   passage that ends at most ``JOIN_GAP_CHARS`` before it in both texts, in
   order; one right after it in ``b`` whose other side lies within
   ``LOCAL_ORDER_CHARS`` of the passage, in any order, both of them reuse (a
   copier who shuffles clauses or sentences inside a passage; a statement of
   the same fact next to a copy is no part of it); or one right after it in
   ``b`` at most ``SUMMARY_GAP_CHARS`` later in ``a`` (a summary: each sentence
   of the copy takes from further on in the source);
4. a passage of one part keeps its relation; one of several takes the relation
   holding most of its characters, a ``same_fact`` part counting as reworded
   copy: a run of statements that follow the source is spun copy
   (machine-translated and back, rewritten), not independent reporting. A run
   of ``same_fact`` parts alone is ``paraphrase`` from ``SPUN_RUN_PARTS`` on,
   and only sentence after sentence in both texts (``ADJACENT_CHARS``):
   independent reports of one event tell it in the same order too, but with
   sentences of their own in between.

Reordered passages stay separate: an aggregator that puts a wire's third
paragraph first gives two passages. The constants were chosen on the PAN 2013
development pairs (``bench/quality/pan.py``; docs/alignment.md has the figures and
their neighbours).

Not here: finding copied runs (``copy``) or aligning sentences (``match``),
coverage and derivation (``compare``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from storytrace.align.copy import CopiedPassage
from storytrace.model import REUSE_RELATIONS, Alignment, Relation, Sentence, Span, as_relation

MIN_REUSE_WORDS = 8  # words (on the copy's side) a lone sentence pair needs to be reuse
CONTEXT_CHARS = 150  # a lone reworded sentence is reuse only with other shared statements this close in both texts
JOIN_GAP_CHARS = 300  # characters between two parts of one passage, in order, on each side
OVERLAP_CHARS = 50  # parts may overlap this much (a sentence and the copied run inside it)
LOCAL_ORDER_CHARS = 150  # a part right after the passage in ``b`` whose ``a`` side is this close, in any order
SUMMARY_GAP_CHARS = 6000  # a part right after the passage in ``b`` (within ``LOCAL_ORDER_CHARS``) this far on in ``a``
SPUN_RUN_PARTS = 3  # same_fact parts in a row, sentence after sentence, that make a passage paraphrase by themselves
ADJACENT_CHARS = 40  # at most this between two same_fact parts of a run (the space between two sentences)
EDGE_WORDS = 5  # words of a sentence outside a copied run, at either end, that the passage takes in


@dataclass(frozen=True)
class _Part:
    """One piece of evidence: its spans, relation, score and where it came from (copied run or sentences)."""

    a_span: Span
    b_span: Span
    relation: Relation
    score: float
    copied: bool

    @property
    def joinable(self) -> bool:
        return self.relation in REUSE_RELATIONS or self.relation == "same_fact"


def joined_passages(
    copies: Sequence[CopiedPassage],
    aligned: Sequence[Alignment],
    a_sents: Sequence[Sentence],
    b_sents: Sequence[Sentence],
    a_text: str,
    b_text: str,
) -> list[Alignment]:
    """The passages of a pair of articles from its copied runs and aligned sentences (module docstring)."""
    parts = [_copied_part(c, aligned, a_sents, b_sents, a_text, b_text) for c in copies]
    parts += [
        _Part(al.a_span, al.b_span, al.relation, al.score, False)
        for al in aligned
        if not any(_overlap(al.a_span, c.a_span) and _overlap(al.b_span, c.b_span) for c in copies)
    ]
    parts = _named(parts, b_text)
    return [_passage(chain, a_sents, b_sents) for chain in _chains(parts)]


def _copied_part(
    copy: CopiedPassage,
    aligned: Sequence[Alignment],
    a_sents: Sequence[Sentence],
    b_sents: Sequence[Sentence],
    a_text: str,
    b_text: str,
) -> _Part:
    """A copied run as evidence: widened to its sentences' edges, and over the reused sentences it overlaps.

    A sentence pair aligned as reuse over the run on both sides is the same copy, its words edited,
    split or rejoined where the run stops ("…main span. That was last year." for "…main span last
    year."; "will visit North Korea on Tuesday" for "… this week"): the run takes it in.
    """
    a_span, b_span = _to_edges(copy.a_span, a_sents, a_text), _to_edges(copy.b_span, b_sents, b_text)
    for al in aligned:
        if al.relation in REUSE_RELATIONS and _overlap(al.a_span, a_span) and _overlap(al.b_span, b_span):
            a_span = (min(a_span[0], al.a_span[0]), max(a_span[1], al.a_span[1]))
            b_span = (min(b_span[0], al.b_span[0]), max(b_span[1], al.b_span[1]))
    return _Part(a_span, b_span, as_relation(copy.relation), copy.score, True)


def _to_edges(span: Span, sents: Sequence[Sentence], text: str) -> Span:
    """``span`` widened to the sentences it starts and ends in, where at most ``EDGE_WORDS`` words lie outside it.

    A copier who adds "on Monday" to a wire sentence copied the sentence; one who pastes a passage into
    the middle of their own sentence did not copy that sentence's other half.
    """
    start, end = span
    first = next((s for s in sents if s.start <= start < s.end), None)
    if first is not None and len(text[first.start : start].split()) <= EDGE_WORDS:
        start = first.start
    last = next((s for s in sents if s.start < end <= s.end), None)
    if last is not None and len(text[end : last.end].split()) <= EDGE_WORDS:
        end = last.end
    return start, end


def _overlap(x: Span, y: Span) -> bool:
    return min(x[1], y[1]) > max(x[0], y[0])


def _distance(x: Span, y: Span) -> int:
    return max(0, max(x[0], y[0]) - min(x[1], y[1]))


def _named(parts: list[_Part], b_text: str) -> list[_Part]:
    """Step 2: short sentence pairs are related, lone reworded ones same_fact."""
    out = []
    for p in parts:
        relation = p.relation
        if not p.copied and relation in REUSE_RELATIONS:
            if len(b_text[p.b_span[0] : p.b_span[1]].split()) < MIN_REUSE_WORDS:
                relation = "same_fact"
            elif not any(q is not p and q.joinable and _near(p, q) for q in parts):
                relation = "same_fact"
        out.append(p if relation == p.relation else _Part(p.a_span, p.b_span, relation, p.score, p.copied))
    return out


def _near(p: _Part, q: _Part) -> bool:
    return max(_distance(p.a_span, q.a_span), _distance(p.b_span, q.b_span)) <= CONTEXT_CHARS


def _chains(parts: Sequence[_Part]) -> list[list[_Part]]:
    """Step 3: parts chained in the order of ``b``; a part that cannot be joined is a passage of its own."""
    chains: list[list[_Part]] = []
    growing: list[list[_Part]] = []
    for part in sorted(parts, key=lambda p: (p.b_span[0], p.a_span[0])):
        host = next((c for c in growing if part.joinable and _joins(c, part)), None) if part.joinable else None
        if host is None:
            host = []
            chains.append(host)
            if part.joinable:
                growing.append(host)
        host.append(part)
    return chains


def _joins(chain: Sequence[_Part], part: _Part) -> bool:
    a_lo = min(p.a_span[0] for p in chain)
    a_hi = max(p.a_span[1] for p in chain)
    b_hi = max(p.b_span[1] for p in chain)
    gap_a, gap_b = part.a_span[0] - a_hi, part.b_span[0] - b_hi
    if part.relation == "same_fact" and all(p.relation == "same_fact" for p in chain):
        # statements of the same facts make spun copy only sentence after sentence in both texts: independent
        # reports of one event tell it in the same order too, with sentences of their own in between
        return -OVERLAP_CHARS <= gap_a <= ADJACENT_CHARS and -OVERLAP_CHARS <= gap_b <= ADJACENT_CHARS
    if -OVERLAP_CHARS <= gap_b <= JOIN_GAP_CHARS and -OVERLAP_CHARS <= gap_a <= JOIN_GAP_CHARS:
        return True  # in order, close in both texts
    if not -OVERLAP_CHARS <= gap_b <= LOCAL_ORDER_CHARS:
        return False
    shuffled = part.relation in REUSE_RELATIONS and any(p.relation in REUSE_RELATIONS for p in chain)
    if shuffled and _distance(part.a_span, (a_lo, a_hi)) <= LOCAL_ORDER_CHARS:
        return True  # right after it in the copy, taken from next to it in the source: clauses shuffled
    return -OVERLAP_CHARS <= gap_a <= SUMMARY_GAP_CHARS  # right after it in the copy, from further on: a summary


def _passage(chain: Sequence[_Part], a_sents: Sequence[Sentence], b_sents: Sequence[Sentence]) -> Alignment:
    """Step 4: one passage from its chained parts."""
    a_span = (min(p.a_span[0] for p in chain), max(p.a_span[1] for p in chain))
    b_span = (min(p.b_span[0] for p in chain), max(p.b_span[1] for p in chain))
    size = sum(p.b_span[1] - p.b_span[0] for p in chain) or 1
    score = sum(p.score * (p.b_span[1] - p.b_span[0]) for p in chain) / size
    parts = () if len(chain) == 1 else tuple(_as_alignment(p, a_sents, b_sents) for p in chain)
    return Alignment(
        a_span=a_span,
        b_span=b_span,
        relation=_relation(chain),
        score=round(score, 3),
        a_sentences=_sentences_in(a_span, a_sents),
        b_sentences=_sentences_in(b_span, b_sents),
        parts=parts,
    )


def _as_alignment(part: _Part, a_sents: Sequence[Sentence], b_sents: Sequence[Sentence]) -> Alignment:
    return Alignment(
        a_span=part.a_span,
        b_span=part.b_span,
        relation=part.relation,
        score=part.score,
        a_sentences=_sentences_in(part.a_span, a_sents),
        b_sentences=_sentences_in(part.b_span, b_sents),
    )


def _relation(chain: Sequence[_Part]) -> Relation:
    if len(chain) == 1:
        return chain[0].relation
    if all(p.relation == "same_fact" for p in chain) and len(chain) < SPUN_RUN_PARTS:
        return "same_fact"
    held: dict[Relation, int] = {}
    for p in chain:
        relation: Relation = "paraphrase" if p.relation == "same_fact" else p.relation
        held[relation] = held.get(relation, 0) + p.b_span[1] - p.b_span[0]
    strongest = ("verbatim", "near_verbatim", "paraphrase")  # ties go to the stronger relation
    return max(held, key=lambda r: (held[r], -strongest.index(r)))


def _sentences_in(span: Span, sents: Sequence[Sentence]) -> tuple[int, ...]:
    """The indices of the sentences that overlap ``span``."""
    starts = [s.start for s in sents]
    ends = [s.end for s in sents]
    first = bisect_right(ends, span[0])
    last = bisect_left(starts, span[1])
    return tuple(range(first, last))
