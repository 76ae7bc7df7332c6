"""What a story's page shows of its facts: brief, contradictions, fact tables, quotes, entities, cited texts.

What it does: take the story's ``StoryFacts`` and ``Brief`` (``codec`` read them), mark every
span they cite in the cited articles' texts (each citation links to its words,
or to the text's block when an overlapping span won the place) and build the rows
(``FactsView``). At most ``MAX_ENTITIES`` entities and ``MAX_BRIEF_CITES`` links per brief line.

What it does not do: find facts (``facts``), or render (``render``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup

from storytrace.facts.brief import BRIEF_HEADINGS, outlets_text
from storytrace.model_facts import Agreement, Brief, Difference, EntityFact, QuoteFact, Said, StoryFacts, Unique
from storytrace.report.highlight import MarkTag, clip_span, escaped, highlight, kept_marks
from storytrace.report.views import (
    AgreeRow,
    ArticleView,
    BriefRow,
    BriefSection,
    Cite,
    CitedText,
    DifferRow,
    EntityView,
    FactsView,
    QuoteView,
    UniqueView,
)

QUOTE_CHARS = 200  # longer quotes are shortened in the quotes table, in full in a tooltip
MAX_ENTITIES = 25  # entities shown per story, most mentioned first


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
            self.kept[aid] = kept_marks(article.text, spans)
            tag = self._tag(k)
            out.append(CitedText(article, f"t{self.story}-{k}", highlight(article.text, spans, article.boiler, tag)))
        return out

    def _tag(self, k: int) -> MarkTag:
        def tag(j: int, inner: Markup) -> Markup:
            return Markup(
                f'<mark class="fact" id="f{escaped(str(self.story))}-{k}-{j + 1}" title="cited fact">{inner}</mark>'
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


def _cite(marks: _FactMarks, aid: str, span: object, text: str | None) -> Cite:
    """A citation of ``span`` in article ``aid``; its text taken from the article if not given."""
    article = marks.view(aid)
    shown = text or ""
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


def facts_view(
    f: StoryFacts, number: str, order: Sequence[str], view: Callable[[str], ArticleView], lines: Brief
) -> FactsView:
    """Everything shown of a story's facts and brief (every part may be empty).

    Every span the brief or the facts cite is marked in the cited texts, so that each citation links to its words.
    """
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
