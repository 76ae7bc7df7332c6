"""Facts only one source of a story reports: its sentences no other source aligns to or states.

What it does: per article, the sentences holding a date, number, quote or named entity that no
other source of the story aligns to, and the sentences of aligned statements holding a date or
number only that article gives (under ``details``) when no other source states that value (a date:
the same time, or one within) anywhere in the story.

Not here: agreement and differences (``facts.agreement``, ``facts.differ``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from storytrace.facts.agreement import number_key
from storytrace.facts.article_facts import ArticleFacts
from storytrace.facts.dates import DateMention
from storytrace.facts.differ import same_date
from storytrace.facts.fact_spans import Contexts, Span, any_overlap, by_id
from storytrace.facts.numbers import NumberMention
from storytrace.model import Comparison
from storytrace.model_facts import EntityFact, Said, Unique, UniqueRow

Mentioned = DateMention | NumberMention


def unique_facts(
    facts: Sequence[ArticleFacts],
    comparisons: Sequence[Comparison],
    entities: Sequence[EntityFact],
    details: Sequence[tuple[str, Mentioned]] = (),
) -> tuple[Unique, ...]:
    """Per article, the sentences holding a fact no other source of the story gives.

    Sentences no other source aligns to, holding a date, number, quote or name;
    and, in aligned statements, the sentence of a date or number only one side
    gives (``details``) when no other source states that value anywhere: the
    row lists those values under ``details``.
    """
    if len(facts) < 2:
        return ()
    out = _unaligned_rows(facts, comparisons, entities)
    for article, mention in _lone_details(facts, details):
        s = Contexts([by_id(facts)[article]]).sentence(article, mention.span[0])
        if s is not None:
            _add_detail(
                out.setdefault(article, []), UniqueRow((s.start, s.end), s.text), Said(mention.span, mention.text)
            )
    return tuple(Unique(article, tuple(sorted(rows, key=lambda r: r.span))) for article, rows in out.items())


def _add_detail(rows: list[UniqueRow], sentence: UniqueRow, detail: Said) -> None:
    """``detail`` under the row of its sentence in ``rows`` (the row added when there is none)."""
    k = next((k for k, r in enumerate(rows) if r.span == sentence.span), None)
    if k is None:
        k = len(rows)
        rows.append(sentence)
    if detail not in rows[k].details:
        rows[k] = replace(rows[k], details=(*rows[k].details, detail))


def _lone_details(
    facts: Sequence[ArticleFacts], details: Sequence[tuple[str, Mentioned]]
) -> list[tuple[str, Mentioned]]:
    """The details whose value no other article of the story states (a date: the same time, or one within)."""
    out: list[tuple[str, Mentioned]] = []
    numbers = {f.id: {number_key(n) for n in f.numbers} for f in facts}
    for article, m in details:
        others = [f for f in facts if f.id != article]
        if isinstance(m, NumberMention):
            stated = any(number_key(m) in numbers[f.id] for f in others)
        else:
            stated = any(same_date(m, d) for f in others for d in f.dates)
        if not stated and (article, m) not in out:
            out.append((article, m))
    return out


def _unaligned_rows(
    facts: Sequence[ArticleFacts], comparisons: Sequence[Comparison], entities: Sequence[EntityFact]
) -> dict[str, list[UniqueRow]]:
    aligned: dict[str, list[Span]] = {f.id: [] for f in facts}
    for c in comparisons:
        for al in c.alignments:
            if al.relation == "related":
                continue
            aligned.setdefault(c.a.id, []).append(al.a_span)
            aligned.setdefault(c.b.id, []).append(al.b_span)
    named: dict[str, list[Span]] = {}
    for e in entities:
        for m in e.mentions:
            named.setdefault(m.article, []).append(m.span)
    out: dict[str, list[UniqueRow]] = {}
    for f in facts:
        marks: list[Span] = [d.span for d in f.dates] + [n.span for n in f.numbers] + [q.span for q in f.quotes]
        marks += named.get(f.id, [])
        in_aligned, marked = any_overlap(aligned.get(f.id, [])), any_overlap(marks)
        rows = [
            UniqueRow((s.start, s.end), s.text)
            for s in f.prepared.sentences
            if not in_aligned((s.start, s.end)) and marked((s.start, s.end))
        ]
        if rows:
            out[f.id] = rows
    return out
