"""Render each story of a ``stories.json`` document: its row of the report's index and its page's section.

What it does: per story, a row for the index (``story_row.html.j2``: id, title, counts, and the
data the index's script searches and filters on) and a section (``story.html.j2``): its brief,
articles, provenance (a list and a small inline SVG graph), facts, and every pair of articles
sharing aligned passages, shown side by side with each passage marked and linked to its
counterpart in the other text. All text reaches the page through Jinja2 autoescaping,
``markupsafe.escape`` or ``_escaped`` (the same entities, into a plain string); the only markup
built in Python is the ``<mark>``, ``<span>`` and ``<a>`` tags put around pieces that are
already escaped.

What it does not do: put the index and the pages together (``report.site``), read or write
files, or compute alignments, provenance or facts. It shows what the document holds; its one
computation is a fallback reuse share for a pair that has no ``pairs`` entry. Nothing it
writes loads anything from outside (no fonts, scripts or images), so the report works
offline from ``file://``.
"""

from __future__ import annotations

import json
import re
import secrets
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import count, groupby
from typing import Any, NamedTuple, Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from storytrace.codec.brief import brief_from_json
from storytrace.codec.facts import facts_from_json
from storytrace.facts.brief import BRIEF_HEADINGS, outlets_text
from storytrace.model import RELATIONS, REUSE_RELATIONS
from storytrace.model_facts import Agreement, Brief, Difference, EntityFact, QuoteFact, Said, Unique
from storytrace.naming import alignment_counts, count_passages, outlet_of_record
from storytrace.published import sort_key

TEMPLATE = "page.html.j2"  # the page around a story's section; its <style> is the report's stylesheet
INDEX_TEMPLATE = "index.html.j2"  # the index, report.html
NAV_TEMPLATE = "story_nav.html.j2"  # the links at the top of a story's page
KEEP_BATCH = 256  # fresh renderings handed to the cache at a time (the page's pieces are held once, not twice)
ROW_TEMPLATE = "story_row.html.j2"  # one story's row of the index
STORY_TEMPLATE = "story.html.j2"  # one story's section
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
LEGEND = (
    ("verbatim", "same words"),
    ("near_verbatim", "a few words changed"),
    ("paraphrase", "same statement, reworded"),
    ("same_fact", "same fact, worded independently"),
    ("related", "same topic, different statement"),
)
GRAPH_ROW = 46  # px between two nodes of the provenance graph
GRAPH_R = 7  # node radius, px
GRAPH_LABEL_CHARS = 30  # longer node labels are cut with an ellipsis
QUOTE_CHARS = 200  # longer quotes are shortened in the quotes table, in full in a tooltip
MAX_ENTITIES = 25  # entities shown per story, most mentioned first
MAX_UNIQUE_OPEN = 3  # more sentences only one source has are collapsed
TIMELINE_ROLES = {"root": "root", "derived": "copy"}
_SWAPPED = {
    "a_covered_by_b": "b_covered_by_a",
    "b_covered_by_a": "a_covered_by_b",
    "b_from_a": "a_from_b",
    "a_from_b": "b_from_a",
}

Piece = tuple[int, int, int | None, bool]  # start, end, mark index, inside boilerplate
MarkTag = Callable[[int, Markup], Markup]


# --- tolerant readers of the document -------------------------------------------------


def as_list(value: object) -> list[Any]:
    """``value`` as a list if it is a list or tuple, else an empty list."""
    return list(value) if isinstance(value, list | tuple) else []


def as_mapping(value: object) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty dict."""
    return value if isinstance(value, Mapping) else {}


def as_text(value: object) -> str:
    """Return a display string for an optional scalar (``''`` for None)."""
    return "" if value is None else str(value)


def _strs(value: object) -> list[str]:
    """Non-empty strings from a list, a single string or nothing."""
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in as_list(value) if v is not None and v != ""]


def as_number(value: object) -> float | None:
    """``value`` as a float if it is a real number (not a bool), else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def pct(value: float | None) -> str:
    """Format a share in [0, 1] as a whole percentage, or an en dash when unknown."""
    return "–" if value is None else f"{round(min(max(value, 0.0), 1.0) * 100)}%"


# --- spans -> escaped, highlighted text -----------------------------------------------


def clip_span(span: object, n: int) -> tuple[int, int] | None:
    """``span`` as ``(start, end)`` clipped to ``[0, n]``; None if malformed or empty."""
    if not isinstance(span, list | tuple) or len(span) < 2:
        return None
    start, end = span[0], span[1]
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        return None
    start, end = min(max(start, 0), n), min(max(end, 0), n)
    return (start, end) if start < end else None


def segments(text: str, spans: Sequence[Sequence[int] | None]) -> list[tuple[str, int | None]]:
    """Split ``text`` into consecutive pieces, each inside at most one span.

    Spans are ``[start, end)`` code-point offsets. They are clipped to the text; malformed
    or empty ones are ignored. Where spans overlap, the one starting first wins (on equal
    starts the longer one, then the one listed first); the other keeps only what lies
    after the winner's end, and vanishes if nothing is left.

    Args:
        text: The full text.
        spans: ``(start, end)`` pairs; ``None`` or malformed entries are ignored.

    Returns:
        ``(piece, index)`` tuples in text order, where ``index`` is the position in
        ``spans`` of the span covering ``piece``, or None for uncovered text. No piece is
        empty, and joining the pieces gives back ``text``.

    """
    clipped: list[tuple[int, int, int]] = []
    for index, span in enumerate(spans):
        if (c := clip_span(span, len(text))) is not None:
            clipped.append((c[0], c[1], index))
    clipped.sort(key=lambda c: (c[0], c[0] - c[1], c[2]))
    out: list[tuple[str, int | None]] = []
    pos = 0
    for start, end, index in clipped:
        start = max(start, pos)
        if start >= end:
            continue
        if start > pos:
            out.append((text[pos:start], None))
        out.append((text[start:end], index))
        pos = end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def segment_starts(segs: list[tuple[str, int | None]]) -> tuple[list[int], list[int | None]]:
    """Start offsets and span indexes of consecutive segments."""
    starts: list[int] = []
    values: list[int | None] = []
    pos = 0
    for piece, index in segs:
        starts.append(pos)
        values.append(index)
        pos += len(piece)
    return starts, values


def _pieces(text: str, marks: Sequence[Any], boiler: Sequence[Any]) -> list[Piece]:
    """Cut ``text`` wherever a mark segment or a boilerplate segment starts or ends."""
    m_starts, m_values = segment_starts(segments(text, marks))
    b_starts, b_values = segment_starts(segments(text, boiler))
    cuts = sorted({*m_starts, *b_starts, len(text)})
    out: list[Piece] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        mark = m_values[bisect_right(m_starts, start) - 1]
        in_boiler = b_values[bisect_right(b_starts, start) - 1] is not None
        out.append((start, end, mark, in_boiler))
    return out


def _escaped(text: str) -> str:
    """``str(markupsafe.escape(text))`` for a plain string: the same entities, without a ``Markup`` per piece.

    A story's texts are cut into thousands of pieces; escaping each into a plain
    string and wrapping the whole once costs a fraction of a ``Markup`` per piece.
    """
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace('"', "&#34;")
    )


def _boiler_tag(piece: str) -> str:
    """Wrap a boilerplate piece, escaped, greyed and struck by the stylesheet."""
    return f'<span class="bp" title="boilerplate">{_escaped(piece)}</span>'


def highlight(text: str, marks: Sequence[Any], boiler: Sequence[Any], tag: MarkTag) -> Markup:
    """Escaped ``text``, boilerplate wrapped, each mark ``k`` wrapped by ``tag(k, inner)``."""
    out: list[str] = []
    for index, group in groupby(_pieces(text, marks, boiler), key=lambda p: p[2]):
        inner = "".join(_boiler_tag(text[s:e]) if bp else _escaped(text[s:e]) for s, e, _, bp in group)
        out.append(inner if index is None else tag(index, Markup(inner)))
    return Markup("".join(out))


def _no_marks(index: int, inner: Markup) -> Markup:
    """Tag for texts that carry no marks: leave the text as it is."""
    return inner


# --- views handed to the template ------------------------------------------------------


@dataclass(frozen=True)
class ArticleView:
    """One article as shown: metadata for display, text and boilerplate spans."""

    id: str
    label: str
    source: str
    title: str
    published: str
    authors: list[str]
    credited: list[str]
    agency: bool
    role: str
    text: str
    boiler: list[Any]
    joined: str = ""  # why the clusterer put it in this story, one line ("" when not known)

    @property
    def body(self) -> Markup:
        """The escaped full text, boilerplate greyed."""
        return highlight(self.text, [], self.boiler, _no_marks)


@dataclass(frozen=True)
class Aligned:
    """One alignment turned to face its pair: the span in article a, the span in b."""

    a_span: Any
    b_span: Any
    relation: str
    score: float | None


@dataclass(frozen=True)
class PairView:
    """Two articles of a story that share aligned passages, with both texts marked up."""

    index: str  # the pair's number on the page (a placeholder until the page is put together)
    a: ArticleView
    b: ArticleView
    count: int
    relations: list[tuple[str, int]]
    reuse_ab: str
    reuse_ba: str
    derivation: str
    a_html: Markup
    b_html: Markup
    open: bool


@dataclass(frozen=True)
class EdgeView:
    """A provenance edge: ``src`` is the likely source of ``share`` of ``dst``; its evidence, and how sure."""

    src: ArticleView
    dst: ArticleView
    share: float | None
    why: str
    evidence: str = ""  # one line: passages, longest run, dates, credits
    confidence: float | None = None
    absent: bool = False  # ``src`` is a wire credited but not in the corpus

    @property
    def share_text(self) -> str:
        """The share as a percentage."""
        return pct(self.share)

    @property
    def confidence_text(self) -> str:
        """The confidence as a percentage, or "" when the edge has none."""
        return pct(self.confidence) if self.confidence is not None else ""


@dataclass(frozen=True)
class GraphNode:
    """A node of the provenance graph, with its label."""

    x: float
    y: float
    label: str
    sub: str
    cls: str
    title: str


@dataclass(frozen=True)
class GraphEdge:
    """An arrow of the provenance graph: an SVG path and its share label."""

    d: str
    width: float
    label_x: float
    label_y: float
    label: str
    title: str


@dataclass(frozen=True)
class Graph:
    """The provenance graph of a story, laid out in a column by publication order."""

    width: float
    height: float
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    radius: float = GRAPH_R


@dataclass(frozen=True)
class Cite:
    """A cited piece of an article: its text and the anchor of its mark (or '')."""

    article: ArticleView
    text: str
    href: str


@dataclass(frozen=True)
class DifferRow:
    """Two sources that differ on something, each side cited (``b`` may be missing)."""

    kind: str
    what: str
    a: Cite | None
    b: Cite | None
    also: list[str]


@dataclass(frozen=True)
class AgreeRow:
    """A value several sources agree on, with where each says it."""

    kind: str
    value: str
    cites: list[Cite]


@dataclass(frozen=True)
class UniqueView:
    """The sentences only one article of the story has."""

    article: ArticleView
    sentences: list[str]


@dataclass(frozen=True)
class QuoteView:
    """A quote: who said it, its text (and a shortened form), the articles it appears in."""

    speaker: str
    role: str
    kind: str
    text: str
    short: str
    articles: list[ArticleView]


@dataclass(frozen=True)
class EntityView:
    """An entity: name, label, variants, possible variants, roles by outlet."""

    name: str
    label: str
    variants: list[str]
    possible: list[str]
    roles: list[tuple[str, list[str]]]
    mentions: int
    articles: int


@dataclass(frozen=True)
class CitedText:
    """An article's text with the fact spans cited from it marked."""

    article: ArticleView
    anchor: str
    html: Markup


@dataclass(frozen=True)
class BriefRow:
    """A line of the story's brief: its words, the outlets it speaks for, a link to each source's words."""

    text: str
    outlets: str
    cites: list[Cite]
    more: int  # cites left out of ``cites`` (they are in stories.json)


@dataclass(frozen=True)
class BriefSection:
    """A section of the brief (``facts.brief.BRIEF_HEADINGS``) and its lines."""

    kind: str
    heading: str
    rows: list[BriefRow]


@dataclass(frozen=True)
class FactsView:
    """Everything shown of a story's facts; every part may be empty."""

    brief: list[BriefSection]
    differ: list[DifferRow]
    agree: list[AgreeRow]
    unique: list[UniqueView]
    quotes: list[QuoteView]
    entities: list[EntityView]
    more_entities: int
    texts: list[CitedText]

    @property
    def contradictions(self) -> list[DifferRow]:
        """The differences cited on both sides (not the one-sided details of older documents): shown first."""
        return [d for d in self.differ if d.a is not None and d.b is not None and d.a.text and d.b.text]

    @property
    def table(self) -> bool:
        """Whether there is anything for the fact table."""
        return bool(self.differ or self.agree or self.unique)


@dataclass(frozen=True)
class Bar:
    """One segment of an outlet's originality bar, ``width`` in percent."""

    title: str
    cls: str
    width: float


@dataclass(frozen=True)
class OutletView:
    """An outlet's original share and what it reused from whom."""

    outlet: str
    original: str
    reused: list[tuple[str, str]]
    bars: list[Bar]


@dataclass(frozen=True)
class StoryView:
    """Everything shown for one story."""

    id: str
    anchor: str
    title: str
    first_published: str
    articles: list[ArticleView]
    outlets: list[str]
    passages: int
    pairs: list[PairView]
    hidden_pairs: int
    unaligned: list[ArticleView]
    edges: list[EdgeView]
    graph: Graph | None
    facts: FactsView
    timeline: list[ArticleView]
    outlet_shares: list[OutletView]
    problems: list[str]  # each stage that failed for the story, one line each (``isolation``)
    number: str = ""  # what makes its anchors unique on a page (the report gives its page name)


# --- articles ----------------------------------------------------------------------------


def _article_view(aid: str, meta: Mapping[str, Any], texts: Mapping[str, str], role: str) -> ArticleView:
    """Build the view of article ``aid``; works with no metadata at all."""
    source = as_text(meta.get("source"))
    return ArticleView(
        id=aid,
        label=outlet_of_record({"id": aid, **meta}),
        source=source,
        title=as_text(meta.get("title")),
        published=as_text(meta.get("published")),
        authors=_strs(meta.get("authors")),
        credited=_strs(meta.get("credited")),
        agency=meta.get("kind") == "agency",
        role=role,
        text=as_text(texts.get(aid)),
        boiler=as_list(meta.get("boilerplate_spans")),
        joined=joined_text(as_mapping(meta.get("joined"))),
    )


def joined_text(reason: Mapping[str, Any]) -> str:
    """Why the clusterer put an article in its story, in one line (``model.JoinReason`` as JSON)."""
    how = reason.get("how")
    if how == "copy":
        return f"a copy of {as_text(reason.get('copy_of'))}"
    if how == "opened":
        return "opened the story"
    if how != "joined":
        return ""
    parts = ["joined"]
    if isinstance(reason.get("score"), (int, float)):
        parts[0] += f" at {reason['score']:.0%}"
    if terms := _strs(reason.get("terms")):
        parts.append("shares " + ", ".join(terms))
    if names := _strs(reason.get("names")):
        parts.append("names " + ", ".join(names))
    gap = reason.get("gap_days")
    if isinstance(gap, (int, float)):
        parts.append(f"{gap:.1f} days after the story's latest" if gap >= 0 else f"{-gap:.1f} days before its latest")
    return "; ".join(parts)


def _by_publication(views: list[ArticleView]) -> list[ArticleView]:
    """Sort articles by publication date, undated ones last, ties in given order."""
    return sorted(views, key=lambda v: sort_key(v.published))


# --- pairs -----------------------------------------------------------------------------


def _aligned(al: Mapping[str, Any], flip: bool) -> Aligned:
    """One alignment, its spans swapped when it names the pair the other way round."""
    a_span, b_span = al.get("a_span"), al.get("b_span")
    if flip:
        a_span, b_span = b_span, a_span
    return Aligned(a_span, b_span, as_text(al.get("relation")) or "related", as_number(al.get("score")))


def _start(span: object) -> int:
    """Where a span starts, for sorting (-1 if malformed)."""
    clipped = clip_span(span, 1 << 62)
    return -1 if clipped is None else clipped[0]


def group_pairs(alignments: Iterable[Any], entries: Iterable[Any] = ()) -> list[tuple[str, str, list[Aligned]]]:
    """Alignments grouped by unordered article pair, in the order a reader wants them.

    Pairs where one article derives from the other (``entries``: the story's ``pairs``) come first, the
    copy that reuses most first, each facing source → copy; then the others by shared passages, facing as
    first seen.
    """
    derived = _derived_pairs(entries)
    groups: dict[frozenset[str], tuple[str, str, list[Aligned]]] = {}
    for al in map(as_mapping, alignments):
        a, b = as_text(al.get("a")), as_text(al.get("b"))
        key = frozenset((a, b))
        source, copy, _ = derived.get(key, (a, b, 0.0))
        first = groups.setdefault(key, (source, copy, []))
        first[2].append(_aligned(al, flip=a != first[0]))
    for _a, _b, items in groups.values():
        items.sort(key=lambda x: _start(x.a_span))

    def rank(group: tuple[str, str, list[Aligned]]) -> tuple[bool, float, int, int]:
        found = derived.get(frozenset(group[:2]))
        shared = sum(x.relation != "related" for x in group[2])
        return (found is None, -(found[2] if found else 0.0), -shared, -len(group[2]))

    return sorted(groups.values(), key=rank)


def _derived_pairs(entries: Iterable[Any]) -> dict[frozenset[str], tuple[str, str, float]]:
    """Each derived pair of a story's ``pairs``: (source, copy, the copy's share reused)."""
    out: dict[frozenset[str], tuple[str, str, float]] = {}
    for entry in map(as_mapping, entries):
        a, b = as_text(entry.get("a")), as_text(entry.get("b"))
        if entry.get("b_from_a") not in (None, "non_derived"):
            out[frozenset((a, b))] = (a, b, as_number(entry.get("b_covered_by_a")) or 0.0)
        elif entry.get("a_from_b") not in (None, "non_derived"):
            out[frozenset((a, b))] = (b, a, as_number(entry.get("a_covered_by_b")) or 0.0)
    return out


def _pair_metrics(entries: Iterable[Any], a: str, b: str) -> dict[str, Any]:
    """Find the ``pairs`` entry for (a, b), its fields swapped if stored as (b, a)."""
    for entry in map(as_mapping, entries):
        ends = (entry.get("a"), entry.get("b"))
        if ends == (a, b):
            return dict(entry)
        if ends == (b, a):
            return {_SWAPPED.get(k, k): v for k, v in entry.items()}
    return {}


def _coverage(text: str, spans: Iterable[Any], boiler: Iterable[Any]) -> float | None:
    """Share of the non-boilerplate characters of ``text`` covered by ``spans``."""
    covered = bytearray(len(text))
    for value, group in ((1, spans), (2, boiler)):
        for span in group:
            if (c := clip_span(span, len(text))) is not None:
                covered[c[0] : c[1]] = bytes([value]) * (c[1] - c[0])
    content = len(text) - covered.count(2)
    return covered.count(1) / content if content else None


def _reuse(metrics: Mapping[str, Any], key: str, view: ArticleView, spans: list[Any]) -> str:
    """Format reuse share ``key`` from the metrics, else computed from the reuse spans."""
    value = as_number(metrics.get(key))
    return pct(value if value is not None else _coverage(view.text, spans, view.boiler))


def _derivation(metrics: Mapping[str, Any], a: ArticleView, b: ArticleView) -> str:
    """Describe the derivation ("B partially derived from A"), or '' when unknown."""
    parts: list[str] = []
    for key, src, dst in (("b_from_a", a, b), ("a_from_b", b, a)):
        value = metrics.get(key)
        if isinstance(value, str) and value and value != "non_derived":
            parts.append(f"{dst.label} {value.replace('_', ' ')} from {src.label}")
    if not parts and ("b_from_a" in metrics or "a_from_b" in metrics):
        return "neither derived from the other"
    return "; ".join(parts)


def rel_class(relation: str) -> str:
    """Return the CSS class suffix of a relation; unknown relations get ``other``."""
    return relation if relation in RELATIONS else "other"


def _mark_tag(pair: str, sides: tuple[str, str], items: Sequence[Aligned], peers: set[int]) -> MarkTag:
    """Make the tag function marking passage ``k`` of ``sides[0]``, linked to ``sides[1]``."""

    def tag(k: int, inner: Markup) -> Markup:
        item = items[k]
        own, peer = f"p{pair}-{sides[0]}{k + 1}", f"p{pair}-{sides[1]}{k + 1}"
        title = item.relation if item.score is None else f"{item.relation} {item.score:.2f}"
        cls = rel_class(item.relation)
        # Built as Markup.format would (each value escaped, ``inner`` as it is) without its formatter's cost.
        cls, own, peer = _escaped(cls), _escaped(own), _escaped(peer)
        if k not in peers:
            title = _escaped(title + " (counterpart hidden by an overlapping passage)")
            return Markup(f'<mark class="rel-{cls}" id="{own}" title="{title}">{inner}</mark>')
        title = _escaped(title)
        link = f'<a href="#{peer}">{inner}</a>'
        return Markup(f'<mark class="rel-{cls}" id="{own}" data-peer="{peer}" title="{title}">{link}</mark>')

    return tag


def _kept(text: str, spans: Sequence[Any]) -> set[int]:
    """Indexes of the spans that survive clipping and overlap resolution."""
    return {index for _, index in segments(text, spans) if index is not None}


def _relation_counts(items: Iterable[Aligned]) -> list[tuple[str, int]]:
    """How many passages of each relation, in legend order (unknown ones last)."""
    counts: dict[str, int] = {}
    for item in items:
        counts[rel_class(item.relation)] = counts.get(rel_class(item.relation), 0) + 1
    order = [*RELATIONS, "other"]
    return sorted(counts.items(), key=lambda kv: order.index(kv[0]))


def _pair_view(
    index: str, a: ArticleView, b: ArticleView, items: list[Aligned], metrics: Mapping[str, Any], first: bool
) -> PairView:
    """Both texts of a pair marked up, with the pair's counts, reuse and derivation."""
    a_spans, b_spans = [x.a_span for x in items], [x.b_span for x in items]
    reuse = [x for x in items if x.relation in REUSE_RELATIONS]
    return PairView(
        index=index,
        a=a,
        b=b,
        count=count_passages(x.relation for x in items).passages,
        relations=_relation_counts(items),
        reuse_ab=_reuse(metrics, "b_covered_by_a", b, [x.b_span for x in reuse]),
        reuse_ba=_reuse(metrics, "a_covered_by_b", a, [x.a_span for x in reuse]),
        derivation=_derivation(metrics, a, b),
        a_html=highlight(a.text, a_spans, a.boiler, _mark_tag(index, ("a", "b"), items, _kept(b.text, b_spans))),
        b_html=highlight(b.text, b_spans, b.boiler, _mark_tag(index, ("b", "a"), items, _kept(a.text, a_spans))),
        open=first,
    )


# --- provenance --------------------------------------------------------------------------


def _edges(prov: Mapping[str, Any], view: Callable[[str], ArticleView]) -> list[EdgeView]:
    """The story's provenance edges, biggest share first, then the wires credited but not in the corpus."""
    edges = [
        EdgeView(
            view(as_text(e.get("from"))),
            view(as_text(e.get("to"))),
            as_number(e.get("share")),
            _compact(e.get("why") or ""),
            _evidence_text(as_mapping(e.get("evidence"))),
            as_number(e.get("confidence")),
        )
        for e in map(as_mapping, as_list(prov.get("edges")))
    ]
    nodes = map(as_mapping, as_list(prov.get("nodes")))
    absent = {as_text(n.get("id")): n for n in nodes if n.get("kind") == "absent_source"}
    credited = [
        EdgeView(
            _absent_view(as_text(e.get("from")), absent.get(as_text(e.get("from")), {})),
            view(as_text(e.get("to"))),
            None,
            _compact(e.get("why") or ""),
            absent=True,
        )
        for e in map(as_mapping, as_list(prov.get("credited")))
    ]
    return sorted(edges, key=lambda e: -(e.share or 0.0)) + credited


def _evidence_text(ev: Mapping[str, Any]) -> str:
    """An edge's evidence in one line: what the copy shares, how long its longest run, the dates and credits."""
    if not ev:
        return ""
    parts = []
    passages, longest, narrative = (
        as_number(ev.get("passages")),
        as_number(ev.get("longest")),
        as_number(ev.get("narrative")),
    )
    if passages:
        parts.append(f"{int(passages)} shared passage{'s' if passages != 1 else ''}")
    if longest:
        parts.append(f"longest {int(longest):,} characters outside quotations")
    if narrative is not None:
        parts.append(f"{pct(narrative)} of the copy's own narrative reused")
    dates = [as_text(ev.get("source_published")), as_text(ev.get("copy_published"))]
    if any(dates):
        parts.append(f"published {dates[0] or '?'} → {dates[1] or '?'}")
    credits = _strs(ev.get("credits"))
    if credits:
        parts.append(f"the copy credits {', '.join(credits)}")
    return "; ".join(parts)


def _absent_view(node_id: str, node: Mapping[str, Any]) -> ArticleView:
    """The view of a wire credited but not in the corpus: a node with a name and no text."""
    name = as_text(node.get("label")) or node_id.removeprefix("agency:")
    note = as_text(node.get("note")) or "credited, not in this corpus"
    return ArticleView(node_id, f"{name} ({note})", name, "", "", [], [], True, "absent", "", [])


def _short(label: str) -> str:
    """``label`` cut to fit beside a graph node."""
    return label if len(label) <= GRAPH_LABEL_CHARS else label[: GRAPH_LABEL_CHARS - 1] + "…"


def _graph_edge(edge: EdgeView, y: Mapping[str, float], x0: float) -> GraphEdge:
    """Draw an arc on the left of the node column from ``edge.src`` to ``edge.dst``."""
    y1, y2 = y[edge.src.id], y[edge.dst.id]
    bulge = 16 + 16 * abs(y2 - y1) / GRAPH_ROW
    curve = f"C{x0 - bulge:.1f},{y1:.1f} {x0 - bulge:.1f},{y2:.1f}"
    d = f"M{x0 - GRAPH_R - 2:.1f},{y1:.1f} {curve} {x0 - GRAPH_R - 3:.1f},{y2:.1f}"
    left = x0 - (2 * (GRAPH_R + 2) + 6 * bulge) / 8
    width = 1.2 + 4.8 * min(max(edge.share or 0.0, 0.0), 1.0)
    title = f"{edge.src.label} → {edge.dst.label} ({edge.share_text})"
    return GraphEdge(d, round(width, 2), round(left - 4, 1), (y1 + y2) / 2 + 4, edge.share_text, title)


def _graph(nodes: list[ArticleView], edges: list[EdgeView]) -> Graph | None:
    """Lay out a column of nodes by publication order, with arcs for the edges."""
    edges = [e for e in edges if e.src.id != e.dst.id]
    if not edges:
        return None
    y = {n.id: 24.0 + i * GRAPH_ROW for i, n in enumerate(nodes)}
    reach = max(abs(y[e.src.id] - y[e.dst.id]) for e in edges) / GRAPH_ROW
    x0 = round(48 + 0.75 * (16 + 16 * reach), 1)
    shown = [
        GraphNode(
            x0,
            y[n.id],
            _short(n.label),
            n.published[:10],
            f"node {n.role} {'agency' if n.agency else ''}",
            n.id,
        )
        for n in nodes
    ]
    return Graph(
        x0 + 16 + 8 * GRAPH_LABEL_CHARS,
        48.0 + (len(nodes) - 1) * GRAPH_ROW,
        shown,
        [_graph_edge(e, y, x0) for e in edges],
    )


# --- facts -------------------------------------------------------------------------------


def _compact(value: object) -> str:
    """One display line for a value: strings as they are, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:") + "…"


class _FactMarks:
    """The fact spans cited in one story, per article, and where each one is shown.

    Cited spans are first ``add``-ed; ``texts`` then builds one text block per cited
    article with every span marked (``id`` ``f<story>-<article>-<k>``), and ``href``
    gives the anchor a citation links to: its mark, or the article's text block when
    the mark lost out to an overlapping one, or ``''`` when the article has no text.
    """

    def __init__(self, story: str, view: Callable[[str], ArticleView]) -> None:
        self.story = story
        self.view = view
        self.spans: dict[str, dict[tuple[int, int], int]] = {}
        self.kept: dict[str, set[int]] = {}
        self.index: dict[str, int] = {}

    def add(self, aid: str, span: object) -> None:
        """Note that ``span`` of article ``aid`` is cited."""
        clipped = clip_span(span, len(self.view(aid).text))
        marks = self.spans.setdefault(aid, {})
        if clipped is not None and clipped not in marks:
            marks[clipped] = len(marks)

    def texts(self, order: Sequence[str]) -> list[CitedText]:
        """The text blocks of the cited articles (those with a text), in ``order`` first."""
        out: list[CitedText] = []
        for aid in dict.fromkeys([*(a for a in order if a in self.spans), *self.spans]):
            article = self.view(aid)
            if not article.text:
                continue
            k = len(out) + 1
            self.index[aid] = k
            spans = list(self.spans[aid])
            self.kept[aid] = _kept(article.text, spans)
            tag = self._tag(k)
            out.append(CitedText(article, f"t{self.story}-{k}", highlight(article.text, spans, article.boiler, tag)))
        return out

    def _tag(self, k: int) -> MarkTag:
        def tag(j: int, inner: Markup) -> Markup:
            return Markup(
                f'<mark class="fact" id="f{_escaped(str(self.story))}-{k}-{j + 1}" title="cited fact">{inner}</mark>'
            )

        return tag

    def href(self, aid: str, span: object) -> str:
        """The anchor a citation of ``span`` in ``aid`` links to ('' if none)."""
        if aid not in self.index:
            return ""
        clipped = clip_span(span, len(self.view(aid).text))
        j = self.spans[aid].get(clipped) if clipped is not None else None
        if j is not None and j in self.kept[aid]:
            return f"#f{self.story}-{self.index[aid]}-{j + 1}"
        return f"#t{self.story}-{self.index[aid]}"


def _cite(marks: _FactMarks, aid: str, span: object, text: object) -> Cite:
    """A citation of ``span`` in article ``aid``; its text taken from the article if not given."""
    article = marks.view(aid)
    shown = as_text(text)
    if not shown and (c := clip_span(span, len(article.text))) is not None:
        shown = article.text[c[0] : c[1]]
    return Cite(article, shown, marks.href(aid, span))


def _said_cite(marks: _FactMarks, aid: str, said: Said | None) -> Cite:
    return _cite(marks, aid, said.span if said else None, said.text if said else None)


def _differ_rows(items: Sequence[Difference], marks: _FactMarks) -> list[DifferRow]:
    """Rows of the *differ* table: each difference with both sides cited."""
    rows: list[DifferRow] = []
    for d in items:
        s = d.sides
        a = _said_cite(marks, s.a, s.a_said) if s.a else None
        b = _said_cite(marks, s.b, s.b_said) if s.b else None
        also = [" / ".join(marks.view(x).label for x in (r.a, r.b)) for r in d.repeats]
        rows.append(DifferRow(d.kind, d.what, a, b, also))
    return rows


def _agree_rows(items: Sequence[Agreement], marks: _FactMarks) -> list[AgreeRow]:
    """Rows of the *agree* table: each agreed value with its citations."""
    return [AgreeRow(x.kind, x.value, [_cite(marks, c.article, c.span, c.text) for c in x.cites]) for x in items]


def _unique(value: Sequence[Unique], view: Callable[[str], ArticleView]) -> list[UniqueView]:
    """Per article, the sentences only it has."""
    out: list[UniqueView] = []
    for u in value:
        if sentences := [r.text for r in u.rows if r.text]:
            out.append(UniqueView(view(u.article), sentences))
    return out


def _quotes(value: Sequence[QuoteFact], view: Callable[[str], ArticleView]) -> list[QuoteView]:
    """The quotes of a story, first seen first; the same words by the same speaker are one row."""
    rows: dict[tuple[str, str], QuoteView] = {}
    for q in value:
        if not q.text:
            continue
        speaker = q.speaker or ""
        row = rows.setdefault((speaker, q.text), QuoteView(speaker, q.role or "", q.kind, q.text, shorten(q.text), []))
        if q.article and (article := view(q.article)) not in row.articles:
            row.articles.append(article)
    return list(rows.values())


def _mentions(entity: EntityFact) -> int:
    """How often an entity is mentioned: its mentions, else its per-article counts."""
    return len(entity.mentions) or sum(n for _, n in entity.articles)


def _entities(value: Sequence[EntityFact], view: Callable[[str], ArticleView]) -> tuple[list[EntityView], int]:
    """The most mentioned entities (at most ``MAX_ENTITIES``) and how many more there are."""
    items = sorted(value, key=lambda e: -_mentions(e))
    out: list[EntityView] = []
    for e in items[:MAX_ENTITIES]:
        by_role: dict[str, list[str]] = {}
        for aid, roles in e.roles:
            for role in roles:
                outlets = by_role.setdefault(role, [])
                if (label := view(aid).label) not in outlets:
                    outlets.append(label)
        out.append(
            EntityView(
                name=e.name,
                label=e.label,
                variants=[v for v in e.variants if v != e.name],
                possible=list(e.possible_variants),
                roles=list(by_role.items()),
                mentions=_mentions(e),
                articles=len(e.articles),
            )
        )
    return out, max(0, len(items) - MAX_ENTITIES)


# Links shown per line of the brief (a statement a large story's every article carries links to the first ones).
MAX_BRIEF_CITES = 8


def _brief(brief: Brief, marks: _FactMarks) -> list[BriefSection]:
    """The brief's sections, each line with a link to every source's words (up to ``MAX_BRIEF_CITES``)."""
    out = []
    for kind, heading in BRIEF_HEADINGS.items():
        rows = [
            BriefRow(
                line.text,
                outlets_text(line.outlets),
                [_cite(marks, c.article, c.span, c.text) for c in line.cites[:MAX_BRIEF_CITES]],
                max(0, len(line.cites) - MAX_BRIEF_CITES),
            )
            for line in brief.section(kind)
        ]
        if rows:
            out.append(BriefSection(kind, heading, rows))
    return out


def _facts(
    facts: object, number: str, order: Sequence[str], view: Callable[[str], ArticleView], brief: object = None
) -> FactsView:
    """Everything shown of a story's ``facts`` and ``brief`` (read leniently: what is missing or malformed is empty).

    Every span the brief or the facts cite is marked in the cited texts, so that each citation links to its words.
    """
    f = facts_from_json(facts)
    lines = brief_from_json(brief)
    marks = _FactMarks(number, view)
    for c in (c for line in lines.lines for c in line.cites[:MAX_BRIEF_CITES]):
        marks.add(c.article, c.span)
    for d in f.check.differ:
        for aid, said in ((d.sides.a, d.sides.a_said), (d.sides.b, d.sides.b_said)):
            if aid and said is not None:
                marks.add(aid, said.span)
    for c in (c for item in f.check.agree for c in item.cites):
        marks.add(c.article, c.span)
    texts = marks.texts(order)
    entities, more = _entities(f.entities, view)
    return FactsView(
        brief=_brief(lines, marks),
        differ=_differ_rows(f.check.differ, marks),
        agree=_agree_rows(f.check.agree, marks),
        unique=_unique(f.check.unique, view),
        quotes=_quotes(f.quotes, view),
        entities=entities,
        more_entities=more,
        texts=texts,
    )


# --- timeline and outlets ----------------------------------------------------------------


def _outlets(value: object) -> list[OutletView]:
    """Per outlet its original share and the shares it reused from other outlets."""
    out: list[OutletView] = []
    for o in map(as_mapping, as_list(value)):
        name = as_text(o.get("outlet"))
        if not name:
            continue
        original = as_number(o.get("original"))
        reused = [
            (as_text(r.get("outlet")), as_number(r.get("share")) or 0.0)
            for r in map(as_mapping, as_list(o.get("reused_from")))
            if r.get("outlet") is not None
        ]
        reused.sort(key=lambda r: -r[1])
        shares = [max(original or 0.0, 0.0), *(max(s, 0.0) for _, s in reused)]
        total = max(sum(shares), 1.0)
        bars = [("original", "original", shares[0] / total)] + [
            (f"reused from {src}", f"reused r{min(i, 3)}", share / total)
            for i, ((src, _), share) in enumerate(zip(reused, shares[1:], strict=True))
        ]
        out.append(
            OutletView(
                outlet=name,
                original=pct(original),
                reused=[(src, pct(share)) for src, share in reused],
                bars=[Bar(title, cls, round(w * 100, 1)) for title, cls, w in bars if w > 0],
            )
        )
    return out


# --- stories -----------------------------------------------------------------------------


def _story_ids(story: Mapping[str, Any], meta: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """List the story's article ids; if it lists none, the articles naming the story."""
    ids = _strs(story.get("articles"))
    sid = story.get("id")
    return ids or [aid for aid, m in meta.items() if sid is not None and m.get("story") == sid]


def article_viewer(
    meta: Mapping[str, Mapping[str, Any]], texts: Mapping[str, str], prov: Mapping[str, Any]
) -> Callable[[str], ArticleView]:
    """Make a memoised ``id -> ArticleView`` for one story, provenance role filled in."""
    roots = set(_strs(prov.get("roots")))
    derived = {as_text(as_mapping(e).get("to")) for e in as_list(prov.get("edges"))}
    cache_: dict[str, ArticleView] = {}

    def view(aid: str) -> ArticleView:
        if aid not in cache_:
            role = "root" if aid in roots else "derived" if aid in derived else ""
            cache_[aid] = _article_view(aid, meta.get(aid, {}), texts, role)
        return cache_[aid]

    return view


# A story of n articles has n(n-1)/2 pairs; the page shows the pairs that share the
# most passages and says how many more stories.json holds, so it stays readable.
MAX_PAIRS_SHOWN = 30


def _pairs(
    story: Mapping[str, Any], view: Callable[[str], ArticleView], counter: Iterator[str]
) -> tuple[list[PairView], int, set[str]]:
    """The pairs to show (most shared passages first), how many are left out, and the aligned ids."""
    entries = as_list(story.get("pairs"))
    grouped = group_pairs(as_list(story.get("alignments")), entries)
    shown = [
        _pair_view(next(counter), view(a), view(b), items, _pair_metrics(entries, a, b), first=i == 0)
        for i, (a, b, items) in enumerate(grouped[:MAX_PAIRS_SHOWN])
    ]
    aligned = {aid for a, b, _ in grouped for aid in (a, b)}
    return shown, max(0, len(grouped) - MAX_PAIRS_SHOWN), aligned


def report_story_view(
    story: Mapping[str, Any],
    number: str,
    meta: Mapping[str, Mapping[str, Any]],
    texts: Mapping[str, str],
    counter: Iterator[str],
    story_id: str | None = None,
) -> StoryView:
    """Everything shown for one story; ``number`` makes its anchor unique, ``counter`` numbers its pairs.

    ``story_id`` stands for the story's id (``render_story`` gives a placeholder).
    """
    prov = as_mapping(story.get("provenance"))
    view = article_viewer(meta, texts, prov)
    articles = _by_publication([view(aid) for aid in dict.fromkeys(_story_ids(story, meta))])
    pairs, hidden_pairs, aligned = _pairs(story, view, counter)
    edges = _edges(prov, view)
    listed = {a.id for a in articles}
    extra = {v.id: v for e in edges for v in (e.src, e.dst) if v.id not in listed and not e.absent}
    absent = list({e.src.id: e.src for e in edges if e.absent}.values())
    return StoryView(
        id=as_text(story.get("id")) if story_id is None else story_id,
        anchor=f"story-{number}",
        title=as_text(story.get("title")),
        first_published=as_text(story.get("first_published")),
        articles=articles,
        outlets=list(dict.fromkeys(a.label for a in articles)),
        passages=alignment_counts(story.get("alignments")).passages,
        pairs=pairs,
        hidden_pairs=hidden_pairs,
        unaligned=[a for a in articles if a.id not in aligned],
        edges=edges,
        graph=_graph(absent + articles + _by_publication(list(extra.values())), edges),
        facts=_facts(story.get("facts"), number, [a.id for a in articles], view, story.get("brief")),
        timeline=articles,
        outlet_shares=_outlets(prov.get("outlets")),
        problems=_problems(story.get("problems")),
        number=number,
    )


def _problems(value: object) -> list[str]:
    """A story's ``problems`` as lines: ``align failed for a, b: KeyError: …``."""
    lines = []
    for entry in map(as_mapping, as_list(value)):
        named = ", ".join(_strs(entry.get("articles")))
        stage, error = as_text(entry.get("stage")), as_text(entry.get("error"))
        lines.append(f"{stage} failed{' for ' + named if named else ''}: {error}")
    return lines


@cache
def jinja_env() -> Environment:
    """Return the Jinja2 environment over the packaged templates, autoescaping all."""
    return Environment(
        loader=PackageLoader("storytrace", "report/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def style() -> Markup:
    """The report's stylesheet: the ``<style>`` body of its page template (packaged code, no document text)."""
    env = jinja_env()
    assert env.loader is not None
    source = env.loader.get_source(env, TEMPLATE)[0]
    found = re.search(r"<style>(.*?)</style>", source, re.S)
    return Markup(found.group(1) if found else "")


class RenderCache(Protocol):
    """Where rendered stories are kept between runs (the store), under keys the caller vouches for."""

    def rendered_stories(self, keys: Sequence[str]) -> Mapping[str, tuple[str, int, int, bytes, bytes]]:
        """The kept ``RenderedStory`` tuples of those ``keys`` that have one, row and section as UTF-8 bytes."""
        ...

    def put_rendered_stories(self, rendered: Mapping[str, tuple[str, int, int, str, str]]) -> None:
        """Keep rendered stories under their keys."""
        ...

    def rendered_rows(self, keys: Sequence[str]) -> Mapping[str, tuple[str, int, int, bytes]]:
        """The kept tuples of those ``keys`` that have one, without the section: nonce, pairs, passages, row."""
        ...

    def rendered_sections(self, keys: Sequence[str]) -> Mapping[str, bytes]:
        """The kept sections (title line first) of those ``keys`` that have one, as UTF-8 bytes."""
        ...

    def rendered_titles(self, keys: Sequence[str]) -> Mapping[str, bytes]:
        """The first line of the kept sections of those ``keys`` that have one, as UTF-8 bytes."""
        ...


class RenderedStory(NamedTuple):
    """One story's row of the index and its page's section, with placeholders for what depends on its place.

    The story's page name (which makes its anchors unique: pair ``k`` of the
    story on page ``n`` is ``pair-n-k``) and its id are written as ``@NONCE…@``
    placeholders, ``NONCE`` a random token drawn when the story was rendered,
    after its texts were stored: no text can hold it. ``fill`` puts the real
    values in. The section's first line is the story's title for the page's
    ``<title>`` and its neighbours' links (escaped, on one line); the section
    itself follows it.
    """

    nonce: str
    pairs: int  # pairs shown
    passages: int
    row: str
    section: str


@dataclass(frozen=True)
class IndexEntry:
    """What the index's script searches and filters a story by, besides what its row shows."""

    first: str  # the day (YYYY-MM-DD) of its earliest dated article, '' if none
    last: str  # the day of its latest
    search: str  # more text to search: its entities' names and variants, its articles' titles


def _day(published: str) -> str:
    """The ``YYYY-MM-DD`` a publication date starts with, or ''."""
    return published[:10] if DAY.match(published) else ""


def _index_entry(view: StoryView) -> IndexEntry:
    """The index's data of a story (its articles come sorted by publication)."""
    days = [d for d in (_day(a.published) for a in view.articles) if d]
    names = [n for e in view.facts.entities for n in (e.name, *e.variants)]
    titles = [a.title for a in view.articles if a.title and a.title != view.title]
    return IndexEntry(min(days, default=""), max(days, default=""), " ".join(dict.fromkeys([*names, *titles])))


def title_line(title: str) -> str:
    """A story's title, escaped and on one line, as a page's ``<title>`` and its neighbours' links show it."""
    return _escaped(" ".join(title.split()) or "(untitled)")


def render_story(
    story: Mapping[str, Any], meta: Mapping[str, Mapping[str, Any]], texts: Mapping[str, str]
) -> RenderedStory:
    """Render one story of a ``stories.json`` document, independently of its place in the report."""
    nonce = secrets.token_hex(16)
    pairs = (f"@{nonce}N@-{k}" for k in count(1))  # numbered within the story: filling them in is one replace
    view = report_story_view(story, f"@{nonce}N@", meta, texts, pairs, f"@{nonce}I@")
    env = jinja_env()
    row = env.get_template(ROW_TEMPLATE).render(s=view, index=_index_entry(view))
    section = env.get_template(STORY_TEMPLATE).render(
        s=view, timeline_roles=TIMELINE_ROLES, unique_open=MAX_UNIQUE_OPEN
    )
    return RenderedStory(nonce, len(view.pairs), view.passages, row, f"{title_line(view.title)}\n{section}")


def fill(html: bytes, nonce: str, name: str, story_id: str) -> bytes:
    """The UTF-8 bytes of a ``RenderedStory``'s row or section, placeholders replaced by its page name and id."""
    number_mark, id_mark = f"@{nonce}N@".encode(), f"@{nonce}I@".encode()
    return html.replace(number_mark, name.encode("utf-8")).replace(id_mark, str(escape(story_id)).encode("utf-8"))
