"""What precedence needs about the articles of a story, gathered once from its comparisons.

**Which of two articles holding the same text is the source** is decided once
per pair, by ``trace.precedence.order``, and kept on the comparison: the
derivation labels and the provenance graph read the same decision, so they never
disagree and no pair is linked both ways. ``StoryPrecedence`` hands that decision on (and decides it for the
pairs a large story did not compare), with each article's cleaned text, credits and ``precedence.witness``:
which wires it is an item or a copy of, and which credited wires have no item of their own in the story.

Not here: the rules of precedence (``trace.precedence``), the graph, passages or outlets built on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from storytrace.clean import BUILTIN_AGENCIES, clean_article
from storytrace.model import (
    Article,
    Cleaned,
    Comparison,
    Order,
)
from storytrace.trace.precedence import ANY_AGENCY, UNNAMED_AGENCY, Witness, order, witness

BUILTIN_NAMES = tuple(a.name for a in BUILTIN_AGENCIES)


class StoryPrecedence:
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
        """The agencies the article's cleaned text credits (none for an article no comparison holds)."""
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


def display_agency(agency: str) -> str:
    """A wire's name as the corpus writes it (witnesses keep names in lower case)."""
    for name in BUILTIN_NAMES:
        if name.lower() == agency:
            return name
    return agency
