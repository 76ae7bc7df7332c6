"""The facts one article states: its dates, numbers and quotes, found in its cleaned content.

What it does: :func:`article_facts` finds an article's dates (resolved against its publication
date, ``facts.dates``), numbers (``facts.numbers``) and quotes (``facts.quotes``) in its content
spans; a count of a known kind takes that kind as its unit ("killing three people and injuring
14": "three" dead, "14" injured), whichever word near it carries the kind.

Not here: entity mentions (spaCy's, found story by story: ``facts.story.story_entities``),
comparing the facts of a story's sources (``facts.story``), their JSON (``codec``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from storytrace.align.compare import Prepared
from storytrace.facts.dates import DateMention, date_mentions, date_spans
from storytrace.facts.numbers import NumberMention, number_mentions
from storytrace.facts.quotes import Quote, quotes

# Words that say what a count counts, looked for this many words around it; the number's own
# unit word is replaced when it is one of these or says nothing ("people", or the next verb).
COUNT_WINDOW = 4
COUNT_KINDS = {
    **dict.fromkeys(("killed", "killing", "kills", "dead", "died", "deaths", "death", "toll"), "dead"),
    **dict.fromkeys(
        ("injured", "injuring", "injuries", "hurt", "wounded", "wounding", "hospital", "hospitalised", "hospitalized"),
        "injured",
    ),
    **dict.fromkeys(("missing",), "missing"),
    **dict.fromkeys(("crowd", "fans", "fan", "spectators", "spectator", "supporters", "attendance"), "attendance"),
}
GENERIC_UNITS = frozenset({"people", "person", "were", "was", "are", "have", "had"})
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True)
class ArticleFacts:
    """The facts extracted from one article's content."""

    prepared: Prepared
    dates: tuple[DateMention, ...]
    numbers: tuple[NumberMention, ...]
    quotes: tuple[Quote, ...]

    @property
    def id(self) -> str:
        """The article's id."""
        return self.prepared.article.id


def article_facts(prepared: Prepared, published: str | None = None) -> ArticleFacts:
    """Dates (resolved against ``published`` or the article's own date), numbers and quotes of an article."""
    art = prepared.article
    content = list(prepared.clean.content)
    dates = date_mentions(art.text, published or art.published, content)
    numbers = [_counted(art.text, n) for n in number_mentions(art.text, content, exclude=date_spans(art.text, content))]
    return ArticleFacts(prepared, tuple(dates), tuple(numbers), tuple(quotes(art.text, content)))


def _counted(text: str, n: NumberMention) -> NumberMention:
    """A count of a known kind gets the kind as unit, whichever word nearby carries it.

    "killing three people and injuring 14": the nearest kind word decides (a
    word just before the number wins a tie), so "three" is dead and "14" injured.
    """
    if n.unit in COUNT_KINDS:
        return replace(n, unit=COUNT_KINDS[n.unit])
    if n.unit and n.unit not in GENERIC_UNITS and not n.unit.endswith("ed"):  # "41 packed": a verb, not a unit
        return n
    before = WORD.findall(text[max(0, n.span[0] - 40) : n.span[0]])[-COUNT_WINDOW:]
    after = WORD.findall(text[n.span[1] : n.span[1] + 40])[:COUNT_WINDOW]
    near = sorted(
        [(len(before) - k, 0, w) for k, w in enumerate(before)] + [(k + 1, 1, w) for k, w in enumerate(after)]
    )
    for _, _, word in near:
        kind = COUNT_KINDS.get(word.lower())
        if kind:
            return replace(n, unit=kind)
    return n
