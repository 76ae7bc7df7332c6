"""How original each outlet of a story is: the share of its content traced to other outlets' passages.

**Per outlet** (``outlet_originality``): the share of an outlet's content
characters (letters and digits of the cleaned content, as ``compare``'s
coverage counts them) traced to another outlet's or agency's passages, and the
rest, ``original``. Text an outlet takes from its own earlier article counts
as its own (original). The outlet is ``naming.outlet_name``: the source, else
the URL's domain, else the article id.

Not here: tracing the passages (``trace.passages``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storytrace.align.compare import visible_content
from storytrace.clean import agencies_of, clean_article
from storytrace.model import (
    Article,
    Comparison,
    OutletShare,
    PassageSource,
)
from storytrace.naming import outlet_name
from storytrace.trace.story_precedence import StoryPrecedence


def outlet_originality(
    comparisons: Sequence[Comparison], articles: Sequence[Article], passages: Sequence[PassageSource]
) -> list[OutletShare]:
    """Per outlet of ``articles`` (in order of first appearance): the share of its content original and reused.

    Content characters are the letters and digits of each article's cleaned
    content (the clean stage's result kept in ``comparisons``; an article in
    none of them is cleaned here with the built-in agencies and those of the
    story's agency copies). A character is reused from outlet O when it lies in
    a passage whose source is an article of O other than its own outlet. The
    shares of each outlet sum to 1 (an outlet with no content is wholly original).
    """
    if all(p.source is None for p in passages):  # nothing reused (a lone article, say): no need to clean any
        return [OutletShare(outlet, 1.0, ()) for outlet in dict.fromkeys(map(outlet_name, articles))]
    story = StoryPrecedence(comparisons, articles)
    agencies = agencies_of(story.articles.values())
    by_article: dict[str, list[PassageSource]] = {}
    for p in passages:
        by_article.setdefault(p.article, []).append(p)
    totals: dict[str, int] = {}
    reused: dict[str, dict[str, int]] = {}
    for art in articles:
        outlet = outlet_name(art)
        clean = story.cleans.get(art.id) or clean_article(art, agencies)
        content = visible_content(art.text, clean.content)  # coverage has asked for it already (cached)
        totals[outlet] = totals.get(outlet, 0) + int(content.sum())
        into = reused.setdefault(outlet, {})
        taken = np.zeros(len(art.text), dtype=bool)
        for p in by_article.get(art.id, ()):
            if p.source is None:
                continue
            source = story.articles.get(p.source)
            from_outlet = outlet_name(source) if source is not None else p.source
            if from_outlet == outlet:
                continue  # an outlet's text taken from its own earlier article is its own
            span = np.zeros(len(art.text), dtype=bool)
            span[p.span[0] : p.span[1]] = True
            chars = int((content & span & ~taken).sum())
            taken |= span
            if chars:
                into[from_outlet] = into.get(from_outlet, 0) + chars
    out = []
    for outlet, total in totals.items():
        if not total:
            out.append(OutletShare(outlet, 1.0, ()))
            continue
        shares = sorted(((o, n / total) for o, n in reused[outlet].items()), key=lambda x: (-x[1], x[0]))
        out.append(OutletShare(outlet, (total - sum(reused[outlet].values())) / total, tuple(shares)))
    return out
