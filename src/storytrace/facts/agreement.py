"""What a story's sources agree on, by value: the same date or number in related contexts.

What it does: a date interval (after resolution against each article's publication date) or a
number with its unit that two or more sources state in the same context (their sentences name a
common entity or content word) is an ``agree`` item; a date stated by one source that contains
another's ("this week" and "June 18-19") agrees as ``within``; one quantity in two wordings of one
aligned statement ("two cars" / "two automobiles") is an ``agree`` item marked ``reworded``.
Only mentions with one value are compared, so the work grows with a value's repeats, not with all
of a story's dates or numbers.

Not here: differences (``facts.differ``, ``facts.contradictions``), facts only one source gives
(``facts.unique``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from storytrace.facts.article_facts import ArticleFacts
from storytrace.facts.date_compare import contains, date_interval, same_time
from storytrace.facts.dates import DateMention
from storytrace.facts.fact_forms import cite, cite_text, number_value
from storytrace.facts.fact_spans import Contexts, Span
from storytrace.facts.numbers import NumberMention
from storytrace.facts.quantity import base
from storytrace.model_facts import AgreeKind, Agreement


def agreements(facts: Sequence[ArticleFacts], contexts: Contexts) -> list[Agreement]:
    """The story-wide ``agree`` items: dates (the same, or one within another) and numbers with a unit."""
    out: list[Agreement] = []
    dates = [(f.id, d) for f in facts for d in f.dates]
    out += _groups(
        dates,
        _date_key,
        lambda d: d.start if d.start == d.end else f"{d.start}..{d.end}",
        "date",
        contexts,
    )
    out += _dates_within(facts, dates, contexts)
    numbers = [(f.id, n) for f in facts for n in f.numbers if n.unit]
    out += _groups(numbers, number_key, number_value, "number", contexts)
    return out


def _date_key(d: DateMention) -> object:
    """Equal for two dates exactly when ``same_time`` says so (its interval, else its bounds as written)."""
    return date_interval(d) or (d.start, d.end)


def number_key(n: NumberMention) -> object:
    """Equal for two numbers with one value in one base unit ("140 years", "140-year-old"); a NaN equals nothing."""
    if n.value != n.value:
        return (id(n),)
    value, unit = base(n.value, n.unit)
    return (round(value, 6), unit)


M = TypeVar("M", DateMention, NumberMention)


def _by_key(items: Sequence[tuple[str, M]], key: Callable[[M], object]) -> list[list[int]]:
    """Positions of ``items`` with one key, in order, for keys found in two or more articles."""
    positions: dict[object, list[int]] = {}
    for k, (_, item) in enumerate(items):
        positions.setdefault(key(item), []).append(k)
    return [ks for ks in positions.values() if len({items[k][0] for k in ks}) >= 2]


def _groups(
    items: Sequence[tuple[str, M]],
    key: Callable[[M], object],
    value: Callable[[M], str],
    kind: AgreeKind,
    contexts: Contexts,
) -> list[Agreement]:
    """Items of two or more articles with the same value in a related context, one agree item per group.

    Only items with one ``key`` (the same value) are compared, so the work grows with the square of a
    value's repeats in the story, not of all its dates or numbers.
    """
    found: list[tuple[int, Agreement]] = []
    for same in _by_key(items, key):
        used: set[int] = set()
        for x, i in enumerate(same):
            if i in used:
                continue
            group = [items[i]]
            for j in same[x + 1 :]:
                bid, b = items[j]
                if j in used:
                    continue
                if any(contexts.related((gid, g.span), (bid, b.span)) for gid, g in group):
                    group.append((bid, b))
                    used.add(j)
            if len({g for g, _ in group}) >= 2:
                cites = tuple(cite_text(g, m) for g, m in group)
                found.append((i, Agreement(kind, value(items[i][1]), cites)))
    return [item for _, item in sorted(found, key=lambda f: f[0])]


def _dates_within(
    facts: Sequence[ArticleFacts], dates: Sequence[tuple[str, DateMention]], contexts: Contexts
) -> list[Agreement]:
    """A date one source states that contains another's ("this week" / "June 18-19"), in related contexts.

    Dates are compared by their distinct intervals first: the mentions of two intervals, one inside the
    other, are then paired across articles.
    """
    by_interval: dict[object, list[int]] = {}
    for k, (_, d) in enumerate(dates):
        by_interval.setdefault(_date_key(d), []).append(k)
    groups = list(by_interval.values())
    found: list[tuple[int, int, Agreement]] = []
    for g, first in enumerate(groups):
        for second in groups[g + 1 :]:
            a0, b0 = dates[first[0]][1], dates[second[0]][1]
            if not (contains(a0, b0) or contains(b0, a0)):
                continue
            for x in first:
                for y in second:
                    i, j = min(x, y), max(x, y)
                    item = _date_within(facts, dates[i], dates[j], contexts)
                    if item is not None:
                        found.append((i, j, item))
    return [item for _, _, item in sorted(found, key=lambda f: (f[0], f[1]))]


def _date_within(
    facts: Sequence[ArticleFacts],
    first: tuple[str, DateMention],
    second: tuple[str, DateMention],
    contexts: Contexts,
) -> Agreement | None:
    (ai, a), (bi, b) = first, second
    if ai == bi or same_time(a, b):
        return None
    outer, inner = (a, b) if contains(a, b) else (b, a) if contains(b, a) else (None, None)
    if outer is None or inner is None:
        return None
    oid, iid = (ai, bi) if outer is a else (bi, ai)
    if not contexts.related((oid, outer.span), (iid, inner.span)):
        return None
    value = f"{inner.start}..{inner.end} within {outer.start}..{outer.end}"
    return Agreement("date within", value, (cite(facts, iid, inner.span), cite(facts, oid, outer.span)))


def reworded(
    facts: Sequence[ArticleFacts],
    pairs: Sequence[tuple[tuple[str, NumberMention], tuple[str, NumberMention]]],
    agree: Sequence[Agreement],
) -> list[Agreement]:
    """One quantity in two wordings of one statement ("two cars" / "two automobiles"): an agreement.

    Pairs already cited together by an ``agree`` item are not repeated; pairs sharing a mention are one item.
    """
    together = cited_together(agree)
    groups: list[dict[tuple[str, Span], NumberMention]] = []
    for (aid, x), (bid, y) in pairs:
        keys = ((aid, x.span), (bid, y.span))
        if any(keys[0] in g and keys[1] in g for g in together):
            continue
        joined = [g for g in groups if keys[0] in g or keys[1] in g]
        group = {keys[0]: x, keys[1]: y}
        for g in joined:
            group.update(g)
            groups.remove(g)
        groups.append(group)
    out = []
    for g in groups:
        ordered = sorted(g.items(), key=lambda kv: kv[0])
        first = ordered[0][1]
        cites = tuple(cite_text(article, m) for (article, _), m in ordered)
        out.append(Agreement("number", number_value(first), cites, reworded=True))
    return out


def cited_together(agree: Sequence[Agreement]) -> list[set[tuple[str, Span]]]:
    """The mentions each ``agree`` item cites, as (article, span)."""
    return [{(c.article, c.span) for c in item.cites} for item in agree]
