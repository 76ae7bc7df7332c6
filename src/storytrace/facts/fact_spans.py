"""Where a story's facts lie: the sentence around an offset, and mentions found by span.

What it does: :class:`Contexts` gives the content stems of the sentence around a mention (its own
words left out) and tells two mentions in related contexts (at least ``CONTEXT_MIN_SHARED``
shared stems); :class:`Spans` finds the items overlapping or inside a region by bisection, not by
a look at each; :func:`any_overlap` does the same for plain spans.

Not here: what is compared (``facts.agreement``, ``facts.differ``, ``facts.unique``). No I/O.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from storytrace.facts.article_facts import ArticleFacts
from storytrace.facts.dates import DateMention
from storytrace.facts.numbers import NumberMention
from storytrace.facts.quotes import Quote
from storytrace.model import Sentence
from storytrace.text.tokens import content_stems

Span = tuple[int, int]
# Two sentences are about the same thing when they share this many content stems (names count).
CONTEXT_MIN_SHARED = 2


class Contexts:
    """The content stems of the sentence around any offset of each article."""

    def __init__(self, facts: Sequence[ArticleFacts]) -> None:
        self.sentences = {f.id: f.prepared.sentences for f in facts}
        self.starts = {f.id: [s.start for s in f.prepared.sentences] for f in facts}
        self._cache: dict[tuple[str, Span], frozenset[str]] = {}

    def sentence(self, article: str, offset: int) -> Sentence | None:
        """The sentence of ``article`` holding ``offset`` (None between sentences)."""
        k = bisect_right(self.starts.get(article, []), offset) - 1
        if k < 0:
            return None
        s = self.sentences[article][k]
        return s if offset < s.end else None

    def stems(self, article: str, span: Span) -> frozenset[str]:
        """The content stems of the sentence around ``span`` of ``article``, the span's own words left out."""
        key = (article, span)
        if key not in self._cache:
            s = self.sentence(article, span[0])
            # The mention's own words are not context: two dates always share "june".
            text = "" if s is None else s.text[: span[0] - s.start] + " " + s.text[span[1] - s.start :]
            self._cache[key] = frozenset(content_stems(text))
        return self._cache[key]

    def related(self, a: tuple[str, Span], b: tuple[str, Span]) -> bool:
        """Whether two mentions (article, span) lie in related contexts: ``CONTEXT_MIN_SHARED`` shared stems."""
        return len(self.stems(*a) & self.stems(*b)) >= CONTEXT_MIN_SHARED


S = TypeVar("S", Quote, DateMention, NumberMention)


class Spans(Generic[S]):
    """Items with a span, found by where they lie: a question reads the items near the region only."""

    def __init__(self, items: Sequence[S]) -> None:
        self.items: Sequence[S] = items
        self.order = sorted(range(len(items)), key=lambda k: items[k].span[0])
        self.starts = [items[k].span[0] for k in self.order]
        self.reach = list(itertools.accumulate((items[k].span[1] for k in self.order), max))  # furthest end yet

    def overlapping(self, region: Span) -> list[S]:
        """The items whose span overlaps ``region``, in the order given."""
        lo, hi = bisect_right(self.reach, region[0]), bisect_left(self.starts, region[1])
        return self._in_order(k for k in self.order[lo:hi] if overlap(self.items[k].span, region))

    def inside(self, region: Span) -> list[S]:
        """The items whose span lies inside ``region``, in the order given."""
        lo, hi = bisect_left(self.starts, region[0]), bisect_right(self.starts, region[1])
        return self._in_order(k for k in self.order[lo:hi] if inside(self.items[k].span, region))

    def _in_order(self, found: Iterable[int]) -> list[S]:
        return [self.items[k] for k in sorted(found)]


@dataclass(frozen=True)
class Indexed:
    """An article's facts, each kind indexed by span."""

    facts: ArticleFacts
    quotes: Spans[Quote]
    dates: Spans[DateMention]
    numbers: Spans[NumberMention]


def indexed(f: ArticleFacts) -> Indexed:
    """The facts of ``f``, each kind indexed by span."""
    return Indexed(f, Spans(f.quotes), Spans(f.dates), Spans(f.numbers))


def inside(span: Span, region: Span) -> bool:
    """Whether ``span`` lies inside ``region``."""
    return region[0] <= span[0] and span[1] <= region[1]


def overlap(span: Span, region: Span) -> bool:
    """Whether ``span`` and ``region`` share a character."""
    return span[0] < region[1] and region[0] < span[1]


def any_overlap(spans: Sequence[Span]) -> Callable[[Span], bool]:
    """Whether a region overlaps any of ``spans``: a bisect over them sorted, not a look at each."""
    ordered = sorted(spans)
    starts = [a for a, _ in ordered]
    reach = list(itertools.accumulate((b for _, b in ordered), max))  # the furthest end so far

    def overlaps(region: Span) -> bool:
        k = bisect_left(starts, region[1])  # the spans starting before the region ends
        return bool(k) and reach[k - 1] > region[0]

    return overlaps


def by_id(facts: Iterable[ArticleFacts]) -> dict[str, ArticleFacts]:
    """The facts by article id."""
    return {f.id: f for f in facts}
