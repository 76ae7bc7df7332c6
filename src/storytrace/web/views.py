"""What the web pages show, built from a ``stories.json`` document with the report's own views.

The story page is the report's :class:`~storytrace.report.views.StoryView` of one
story, its pairs re-marked for the web (every passage a ``<mark
data-testid="passage">`` naming its counterpart); the article page marks the
passages whose origin provenance traced; the outlet page gathers one outlet's
articles and originality across stories. As in the report, all document text
is escaped: the only markup built here wraps pieces ``markupsafe`` escaped. A story's object
comes in as JSON (``web.app`` holds the document) and is read once by ``codec.story``;
the outlet page reads only each story's ``outlets`` (``codec.provenance``); the articles'
objects stay JSON mappings.

Not here: HTTP and templates (``web.routes``, ``web.templating``); reading the store (``web.library``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import count
from typing import Any

from markupsafe import Markup

from storytrace.codec import read
from storytrace.codec.provenance import outlet_from_json
from storytrace.codec.story import story_from_json
from storytrace.naming import outlet_of_record
from storytrace.report.articles import article_viewer
from storytrace.report.fact_tables import shorten
from storytrace.report.highlight import MarkTag, clip_span, highlight, segment_starts, segments
from storytrace.report.pairs import MAX_PAIRS_SHOWN, group_pairs, rel_class
from storytrace.report.readers import as_list, as_text, pct
from storytrace.report.story_view import report_story_view
from storytrace.report.views import Aligned, ArticleView, StoryView

# --- story page --------------------------------------------------------------------------


def _counterparts(other_text: str, other_spans: Sequence[Any]) -> list[int | None]:
    """For each span of the other text, the index of the mark shown over its start (or None).

    That is the span's own mark unless an overlapping span won the place.
    """
    starts, values = segment_starts(segments(other_text, other_spans))
    out: list[int | None] = []
    for span in other_spans:
        clipped = clip_span(span, len(other_text))
        if clipped is None or not starts:
            out.append(None)
            continue
        k = bisect_right(starts, clipped[0]) - 1
        found = None
        while k < len(starts) and starts[k] < clipped[1]:
            if values[k] is not None:
                found = values[k]
                break
            k += 1
        out.append(found)
    return out


def passage_tag(pair: str, sides: tuple[str, str], items: Sequence[Aligned], peers: list[int | None]) -> MarkTag:
    """Tag passage ``k`` of side ``sides[0]`` of pair ``pair``, naming its mark on ``sides[1]``."""

    def tag(k: int, inner: Markup) -> Markup:
        item = items[k]
        own = f"p{pair}-{sides[0]}{k + 1}"
        peer = peers[k]
        counterpart = "" if peer is None else f"p{pair}-{sides[1]}{peer + 1}"
        title = item.relation if item.score is None else f"{item.relation} {item.score:.2f}"
        return Markup(
            '<mark data-testid="passage" id="{}" data-counterpart="{}" class="rel-{}" title="{}">{}</mark>'
        ).format(own, counterpart, rel_class(item.relation), title, inner)

    return tag


def story_view(story: Mapping[str, Any], meta: Mapping[str, Mapping[str, Any]], texts: Mapping[str, str]) -> StoryView:
    """The report's view of one story (its object in the document), every pair open and marked for the web page."""
    typed = story_from_json(story)
    view = report_story_view(typed, "1", meta, texts, map(str, count(1)))
    grouped = group_pairs(typed.alignments, typed.pairs)[:MAX_PAIRS_SHOWN]
    pairs = []
    for pv, (_a, _b, items) in zip(view.pairs, grouped, strict=True):
        a_spans, b_spans = [x.a_span for x in items], [x.b_span for x in items]
        a_tag = passage_tag(pv.index, ("a", "b"), items, _counterparts(pv.b.text, b_spans))
        b_tag = passage_tag(pv.index, ("b", "a"), items, _counterparts(pv.a.text, a_spans))
        pairs.append(
            replace(
                pv,
                a_html=highlight(pv.a.text, a_spans, pv.a.boiler, a_tag),
                b_html=highlight(pv.b.text, b_spans, pv.b.boiler, b_tag),
                open=True,
            )
        )
    return replace(view, pairs=pairs)


# --- article page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where one passage of an article came from (``source`` None: original here)."""

    anchor: str
    mark: str
    relation: str
    text: str
    source: ArticleView | None
    why: str


@dataclass(frozen=True)
class ArticlePage:
    """An article with its passages marked and each passage's origin."""

    article: ArticleView
    story: str
    story_title: str
    url: str
    kind: str
    html: Markup
    origins: list[Origin]
    boilerplate: list[str]
    siblings: list[ArticleView]


def article_page(
    aid: str, meta: Mapping[str, Mapping[str, Any]], story: Mapping[str, Any] | None, texts: Mapping[str, str]
) -> ArticlePage:
    """Everything the article page shows of article ``aid`` (``story``: its story's object in the document)."""
    typed = story_from_json(story)
    view = article_viewer(meta, texts, typed.provenance)
    article = view(aid)
    passages = [p for p in typed.provenance.passages if p.article == aid]
    spans = [p.span for p in passages]
    origins: list[Origin] = []
    for k, p in enumerate(passages, start=1):
        clipped = clip_span(p.span, len(article.text))
        origins.append(
            Origin(
                anchor=f"origin-{k}",
                mark=f"ap{k}",
                relation=p.relation,
                text=shorten(article.text[clipped[0] : clipped[1]]) if clipped else "",
                source=view(p.source) if p.source else None,
                why=p.why,
            )
        )

    def tag(k: int, inner: Markup) -> Markup:
        o = origins[k]
        return Markup(
            '<mark data-testid="passage" id="{}" data-counterpart="{}" class="rel-{}" title="{}">{}</mark>'
        ).format(o.mark, o.anchor, rel_class(o.relation), o.relation, inner)

    m = meta.get(aid, {})
    boilerplate = [article.text[c[0] : c[1]] for s in article.boiler if (c := clip_span(s, len(article.text)))]
    siblings = [view(i) for i in typed.articles if i != aid]
    return ArticlePage(
        article=article,
        story=typed.id,
        story_title=typed.title,
        url=as_text(m.get("url")),
        kind=as_text(m.get("kind")) or "article",
        html=highlight(article.text, spans, article.boiler, tag),
        origins=origins,
        boilerplate=boilerplate or _strs_of(m.get("boilerplate")),
        siblings=siblings,
    )


def _strs_of(value: object) -> list[str]:
    return [str(v) for v in as_list(value) if isinstance(v, str) and v]


# --- outlet page -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutletStory:
    """An outlet in one story: its original share and what it reused from whom."""

    story: str
    title: str
    original: str
    reused: list[tuple[str, str]]


@dataclass(frozen=True)
class OutletArticle:
    """An article of an outlet, as listed on the outlet page."""

    id: str
    title: str
    published: str
    story: str
    agency: bool


@dataclass(frozen=True)
class OutletPage:
    """One outlet across the analysis."""

    name: str
    articles: list[OutletArticle]
    stories: list[OutletStory]
    copies: list[tuple[str, str, str]]  # (outlet it reuses, story, share)
    copied_by: list[tuple[str, str, str]]  # (outlet reusing it, story, share)


def outlet_page(
    name: str, articles: Mapping[str, Mapping[str, Any]], stories: Mapping[str, Mapping[str, Any]]
) -> OutletPage | None:
    """The outlet page of ``name``, or None if no article or story names it."""
    mine = [m for m in articles.values() if outlet_of_record(m) == name]
    rows: list[OutletStory] = []
    copies: list[tuple[str, str, str]] = []
    copied_by: list[tuple[str, str, str]] = []
    for sid, story in stories.items():
        for o in map(outlet_from_json, read.mappings(read.mapping(story.get("provenance")).get("outlets"))):
            if o.outlet == name:
                reused = [(src, pct(s)) for src, s in o.reused_from]
                rows.append(OutletStory(sid, as_text(story.get("title")), pct(o.original), reused))
                copies += [(src, sid, share) for src, share in reused]
            else:
                copied_by += [(o.outlet, sid, pct(s)) for src, s in o.reused_from if src == name]
    if not mine and not rows:
        return None
    views = [
        OutletArticle(
            as_text(m.get("id")),
            as_text(m.get("title")),
            as_text(m.get("published")),
            as_text(m.get("story")),
            m.get("kind") == "agency",
        )
        for m in mine
    ]
    return OutletPage(name, views, rows, copies, copied_by)
