"""Differences inside aligned passages: dates and numbers one statement gives otherwise in two sources.

What it does: for every aligned passage of two sources stating the same thing (``SAME_STATEMENT``
relations), sentence by sentence (each sentence with the other side's sentence that best matches
it), holds only claims that cannot both be true: a number that counts the same thing with another
value (``facts.quantity``: units converted, count kinds, the counted word up to its ending) is
``number``; another date for the same statement is ``date`` (in independently told statements,
``same_fact``, calendar dates only). The same value in other words is kept for ``agree``
(``reworded``); a value only one side gives is kept as a detail (``facts.unique``). Quotes of the
passage are compared by ``facts.quote_differences``.

Not here: count conflicts anywhere in the story, repeats and the order of the ``differ`` list
(``facts.contradictions``), agreement (``facts.agreement``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, Literal, TypeVar

from storytrace.facts.article_facts import ArticleFacts
from storytrace.facts.date_compare import contains, same_time
from storytrace.facts.dates import DateMention
from storytrace.facts.entity_names import fold
from storytrace.facts.fact_forms import differ_item, number_value
from storytrace.facts.fact_spans import Indexed, Span, indexed, overlap
from storytrace.facts.numbers import NumberMention
from storytrace.facts.quantity import same_quantity, same_value
from storytrace.facts.quote_differences import quote_differences
from storytrace.model import Comparison
from storytrace.model_facts import Difference, EntityFact
from storytrace.text.tokens import best_matches, content_stems

# Aligned passages of these relations state the same thing: their differences are discrepancies.
SAME_STATEMENT = frozenset({"verbatim", "near_verbatim", "paraphrase", "same_fact"})
# Date mentions written as calendar dates (``dates`` rule names), not relative to publication.
CALENDAR_RULES = frozenset({"iso_date", "day_range", "date", "month_year", "year_range"})


def entity_keys(entities: Sequence[EntityFact]) -> dict[str, int]:
    """Each entity variant (folded) to its entity's number: "DPRK" and the full name are one."""
    keys: dict[str, int] = {}
    for k, e in enumerate(entities):
        for v in [e.name, *e.variants]:
            keys[fold(v)] = k
    return keys


@dataclass(frozen=True)
class Found:
    """What comparing aligned statements finds: contradictions, and details only one side of a pair gives."""

    differ: list[Difference]
    details: list[tuple[str, DateMention | NumberMention]]  # (article id, date or number mention)
    reworded: list[tuple[tuple[str, NumberMention], tuple[str, NumberMention]]]  # one quantity in other words


def aligned_differences(c: Comparison, facts: dict[str, ArticleFacts], names: dict[str, int] | None = None) -> Found:
    """What the aligned statements of comparison ``c`` say differently, and the details one side adds."""
    found = Found([], [], [])
    fa, fb = facts.get(c.a.id), facts.get(c.b.id)
    if fa is None or fb is None:
        return found
    ia, ib = indexed(fa), indexed(fb)
    for al in (u for passage in c.alignments for u in passage.units):  # statement by statement
        if al.relation not in SAME_STATEMENT:
            continue
        found.differ.extend(quote_differences(c, ia, ib, al.a_span, al.b_span, names or {}))
        for ra, rb in _sentence_pairs(fa, fb, al.a_span, al.b_span):
            _date_differences(found, c, ia, ib, ra, rb, al.relation)
            _number_differences(found, c, ia, ib, ra, rb)
    return found


def _sentence_pairs(fa: ArticleFacts, fb: ArticleFacts, sa: Span, sb: Span) -> list[tuple[Span, Span]]:
    """The regions of two aligned passages that state one thing: their sentences paired, each with its best match.

    A passage of several sentences holds several statements ("will visit on
    Tuesday and Wednesday" ... "the Kremlin said on Monday"): a date or number
    is compared only with those of the sentence that best matches its own (by
    shared content words, each the other's best), so two moments of one story
    are not taken for one.
    """
    xs, ys = _regions(fa, sa), _regions(fb, sb)
    if len(xs) <= 1 or len(ys) <= 1:
        return [(x, y) for x in xs for y in ys]
    sx = [frozenset(content_stems(fa.prepared.article.text[a:b])) for a, b in xs]
    sy = [frozenset(content_stems(fb.prepared.article.text[a:b])) for a, b in ys]
    return [(xs[i], ys[j]) for i, j in best_matches(sx, sy)]


def _regions(f: ArticleFacts, span: Span) -> list[Span]:
    """The parts of ``span`` in each of the article's sentences it overlaps (the span itself if none)."""
    out = [
        (max(s.start, span[0]), min(s.end, span[1])) for s in f.prepared.sentences if overlap((s.start, s.end), span)
    ]
    return out or [span]


def _date_differences(found: Found, c: Comparison, fa: Indexed, fb: Indexed, ra: Span, rb: Span, relation: str) -> None:
    """Dates of one statement that changed; in independently told ones (``same_fact``) calendar dates only.

    Two reports of one event name other days for other moments of it ("rose on
    Monday" / "could rise again on Wednesday"); a calendar date given for the
    same thing ("reopens April 20" / "from May 11") is a real discrepancy.
    """
    calendar_only = relation == "same_fact"
    da = [d for d in fa.dates.inside(ra) if not calendar_only or d.rule in CALENDAR_RULES]
    db = [d for d in fb.dates.inside(rb) if not calendar_only or d.rule in CALENDAR_RULES]
    _compare_values(found, c, da, db, _Rules(same_date, lambda x, y: x.granularity == y.granularity, "date"))


def same_date(x: DateMention, y: DateMention) -> bool:
    """The same date after resolution, one within the other, or the very same words (resolved apart by tense)."""
    return same_time(x, y) or contains(x, y) or contains(y, x) or x.text.lower() == y.text.lower()


def _number_differences(found: Found, c: Comparison, fa: Indexed, fb: Indexed, ra: Span, rb: Span) -> None:
    rules: _Rules[NumberMention] = _Rules(
        lambda x, y: same_value((x.value, x.unit), (y.value, y.unit)),
        lambda x, y: same_quantity((x.value, x.unit), (y.value, y.unit)),
        "number",
    )
    _compare_values(found, c, fa.numbers.inside(ra), fb.numbers.inside(rb), rules)


V = TypeVar("V", DateMention, NumberMention)


@dataclass(frozen=True)
class _Rules(Generic[V]):
    """How values of one kind compare: ``same`` value, or ``comparable`` (one thing, so other values contradict)."""

    same: Callable[[V, V], bool]
    comparable: Callable[[V, V], bool]
    kind: Literal["number", "date"]


def _compare_values(found: Found, c: Comparison, xs: Sequence[V], ys: Sequence[V], rules: _Rules[V]) -> None:
    """Values of one statement in two sources: the same, a contradiction, or a detail one side adds.

    A value with no equal on the other side contradicts the one value there
    that states the same thing; with several candidates which differs from
    which is not clear, and nothing is said.
    """
    for x in xs:
        for y in ys:
            if isinstance(x, NumberMention) and isinstance(y, NumberMention) and rules.same(x, y) and x.unit != y.unit:
                found.reworded.append(((c.a.id, x), (c.b.id, y)))
    left = [x for x in xs if not any(rules.same(x, y) for y in ys)]
    right = [y for y in ys if not any(rules.same(x, y) for x in xs)]
    paired: set[int] = set()
    for x in left:
        matches = [k for k, y in enumerate(right) if rules.comparable(x, y)]
        rivals = [o for o in left if o is not x and any(rules.comparable(o, right[k]) for k in matches)]
        if not matches:
            found.details.append((c.a.id, x))
            continue
        if len(matches) > 1 or rivals or matches[0] in paired:
            paired.update(matches)  # several candidates: which differs from which is not clear, say nothing
            continue
        paired.add(matches[0])
        y = right[matches[0]]
        item = differ_item(rules.kind, _what(x), c, x.span, y.span)
        found.differ.append(replace(item, values=(_value(x), _value(y))))
    found.details.extend((c.b.id, y) for k, y in enumerate(right) if k not in paired)


def _what(x: DateMention | NumberMention) -> str:
    if isinstance(x, NumberMention):
        return f"number of {x.unit}" if x.unit.isalpha() else "number"
    return "date"


def _value(x: DateMention | NumberMention) -> str:
    """A date's resolved interval or a number's value and unit, as written in ``agree`` items."""
    if isinstance(x, NumberMention):
        return number_value(x)
    return x.start if x.start == x.end else f"{x.start}..{x.end}"
