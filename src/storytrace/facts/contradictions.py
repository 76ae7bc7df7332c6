"""The ``differ`` list of a story: count conflicts, repeats merged, agreed pairs dropped, values first.

What it does: a count of one kind (dead, injured, missing, attendance) stated differently anywhere
in the story ("14" / "41 injured") is a ``number`` difference too (:func:`count_conflicts`); the
same two values again (reprints, "14" / "Fourteen") are one item, the repeats under ``also`` and
``also_cites`` (:func:`merge_repeats`); a pair that an ``agree`` item cites together is never a
difference (:func:`not_agreed`); contradictions of values come first, then speakers, then wording
(:func:`contradictions_first`).

Not here: finding differences inside aligned passages (``facts.differ``,
``facts.quote_differences``), agreement (``facts.agreement``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from storytrace.facts.agreement import cited_together
from storytrace.facts.article_facts import COUNT_KINDS, ArticleFacts
from storytrace.facts.fact_forms import number_value
from storytrace.facts.fact_spans import Contexts
from storytrace.model_facts import Agreement, Difference, Said, Sides, differ_rank


def merge_repeats(items: Sequence[Difference]) -> list[Difference]:
    """One item per discrepancy: the same values (or quoted words) again go under ``also`` and ``also_cites``.

    Reprints of one source repeat its discrepancies with a third article, and
    two sources may state one count in other words ("14", "Fourteen people"):
    the first (earliest) pair is kept, the others cited under it.
    """
    kept: dict[tuple[str, ...], Difference] = {}
    for d in items:
        key = _repeat_key(d)
        first = kept.get(key)
        kept[key] = d if first is None else replace(first, repeats=(*first.repeats, d.sides))
    return list(kept.values())


def _repeat_key(d: Difference) -> tuple[str, ...]:
    """Two values, in either order, for dates and numbers; the words on both sides for quotes and speakers."""
    if d.values is not None:
        return (d.kind, d.what, *sorted(d.values))
    return (d.kind, *(s.text.lower() if s else "" for s in (d.sides.a_said, d.sides.b_said)))


def _texts(d: Difference) -> tuple[str | None, str | None]:
    a, b = d.sides.a_said, d.sides.b_said
    return (a.text if a else None, b.text if b else None)


def count_conflicts(facts: Sequence[ArticleFacts], contexts: Contexts, found: Sequence[Difference]) -> list[Difference]:
    """Two sources giving the same kind of count (dead, injured, crowd) differently, wherever they say it."""
    seen = {_texts(d) for d in found}
    counts = [(f, n) for f in facts for n in f.numbers if n.unit in set(COUNT_KINDS.values())]
    stated = {f.id: {(n.unit, n.value) for n in f.numbers} for f in facts}
    by_unit: dict[str, list[int]] = {}
    for k, (_, n) in enumerate(counts):
        by_unit.setdefault(n.unit, []).append(k)
    pairs = sorted(
        (i, j)
        for same in by_unit.values()
        for x, i in enumerate(same)
        for j in same[x + 1 :]
        if counts[i][0].id != counts[j][0].id
    )
    out: list[Difference] = []
    for i, j in pairs:  # two articles' counts of one unit, in the order of all pairs
        (fa, a), (fb, b) = counts[i], counts[j]
        if a.value == b.value or (a.text, b.text) in seen:
            continue
        if (a.unit, b.value) in stated[fa.id]:
            continue  # the first source states the other count too (a toll that rose)
        if (b.unit, a.value) in stated[fb.id]:
            continue
        if not contexts.stems(fa.id, a.span) & contexts.stems(fb.id, b.span):
            continue  # a count of the same kind in the same story: one shared word is context enough
        seen.add((a.text, b.text))
        sides = Sides(fa.id, fb.id, Said(a.span, a.text), Said(b.span, b.text))
        out.append(Difference("number", f"number of {a.unit}", sides, (number_value(a), number_value(b))))
    return out


def not_agreed(differ: Sequence[Difference], agree: Sequence[Agreement]) -> list[Difference]:
    """The differences whose two mentions no ``agree`` item cites together (a date is never both)."""
    together = cited_together(agree)
    out = []
    for d in differ:
        a, b = d.sides.a_said, d.sides.b_said
        if a is not None and b is not None:
            ka, kb = (d.sides.a, a.span), (d.sides.b, b.span)
            if any(ka in g and kb in g for g in together):
                continue
        out.append(d)
    return out


def contradictions_first(differ: Sequence[Difference]) -> list[Difference]:
    """Contradictions of values come first, then who said a quote, then how it was worded."""
    return sorted(differ, key=lambda d: differ_rank(d.kind))
