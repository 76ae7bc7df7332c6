"""The view models the report's and the web UI's templates read: frozen dataclasses, one per thing shown.

What it does: declare what a story's page shows (``StoryView``: its articles, pairs of
aligned texts, provenance edges and graph, facts, outlets' originality) as plain values,
every text either a plain string (escaped by the templates) or ``Markup`` built by
``highlight`` from escaped pieces.

What it does not do: build them from a document (``story_view`` and the modules it calls:
``articles``, ``pairs``, ``provenance``, ``graph``, ``fact_tables``) or render them (``render``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from storytrace.model import Span
from storytrace.report.highlight import highlight, no_marks
from storytrace.report.readers import pct


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
        return highlight(self.text, [], self.boiler, no_marks)


@dataclass(frozen=True)
class Aligned:
    """One alignment turned to face its pair: the span in article a, the span in b."""

    a_span: Span
    b_span: Span
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
    radius: float  # node radius, px


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
