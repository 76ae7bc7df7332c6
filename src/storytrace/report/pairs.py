"""The pairs of a story's articles that share aligned passages, each shown as two marked texts side by side.

What it does: group a story's alignments (``StoryPassage``) by unordered article pair (pairs where one article
derives from the other first, facing source → copy), and for each pair shown, both texts
with every passage marked (``<mark>`` linked to its counterpart), the passages per relation,
each side's reuse share (from the story's ``pairs`` entry, else computed from the spans) and
the derivation in words. At most ``MAX_PAIRS_SHOWN`` pairs are shown; stories.json holds all.

What it does not do: compute alignments or derivations (``align``), or render (``render``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

from markupsafe import Markup

from storytrace.model import RELATIONS, REUSE_RELATIONS, PairSummary, Span, StoryPassage, StoryResult
from storytrace.naming import count_passages
from storytrace.report.highlight import MarkTag, clip_span, escaped, highlight, kept_marks
from storytrace.report.readers import pct
from storytrace.report.views import Aligned, ArticleView, PairView

# A story of n articles has n(n-1)/2 pairs; the page shows the pairs that share the
# most passages and says how many more stories.json holds, so it stays readable.
MAX_PAIRS_SHOWN = 30


def _aligned(al: StoryPassage, flip: bool) -> Aligned:
    """One alignment, its spans swapped when it names the pair the other way round."""
    a_span, b_span = (al.b_span, al.a_span) if flip else (al.a_span, al.b_span)
    return Aligned(a_span, b_span, al.relation, al.score)


def _start(span: object) -> int:
    """Where a span starts, for sorting (-1 if malformed)."""
    clipped = clip_span(span, 1 << 62)
    return -1 if clipped is None else clipped[0]


def group_pairs(
    alignments: Iterable[StoryPassage], entries: Iterable[PairSummary] = ()
) -> list[tuple[str, str, list[Aligned]]]:
    """Alignments grouped by unordered article pair, in the order a reader wants them.

    Pairs where one article derives from the other (``entries``: the story's ``pairs``) come first, the
    copy that reuses most first, each facing source → copy; then the others by shared passages, facing as
    first seen.
    """
    derived = _derived_pairs(entries)
    groups: dict[frozenset[str], tuple[str, str, list[Aligned]]] = {}
    for al in alignments:
        key = frozenset((al.a, al.b))
        source, copy, _ = derived.get(key, (al.a, al.b, 0.0))
        first = groups.setdefault(key, (source, copy, []))
        first[2].append(_aligned(al, flip=al.a != first[0]))
    for _a, _b, items in groups.values():
        items.sort(key=lambda x: _start(x.a_span))

    def rank(group: tuple[str, str, list[Aligned]]) -> tuple[bool, float, int, int]:
        found = derived.get(frozenset(group[:2]))
        shared = sum(x.relation != "related" for x in group[2])
        return (found is None, -(found[2] if found else 0.0), -shared, -len(group[2]))

    return sorted(groups.values(), key=rank)


def _derived_pairs(entries: Iterable[PairSummary]) -> dict[frozenset[str], tuple[str, str, float]]:
    """Each derived pair of a story's ``pairs``: (source, copy, the copy's share reused)."""
    out: dict[frozenset[str], tuple[str, str, float]] = {}
    for entry in entries:
        a, b = entry.a, entry.b
        if entry.b_from_a != "non_derived":
            out[frozenset((a, b))] = (a, b, entry.b_covered_by_a)
        elif entry.a_from_b != "non_derived":
            out[frozenset((a, b))] = (b, a, entry.a_covered_by_b)
    return out


def _pair_metrics(entries: Iterable[PairSummary], a: str, b: str) -> PairSummary | None:
    """Find the ``pairs`` entry for (a, b), turned to face (a, b) if stored as (b, a)."""
    for entry in entries:
        if (entry.a, entry.b) == (a, b):
            return entry
        if (entry.a, entry.b) == (b, a):
            return replace(
                entry,
                a=a,
                b=b,
                a_covered_by_b=entry.b_covered_by_a,
                b_covered_by_a=entry.a_covered_by_b,
                b_from_a=entry.a_from_b,
                a_from_b=entry.b_from_a,
            )
    return None


def _coverage(text: str, spans: Iterable[object], boiler: Iterable[object]) -> float | None:
    """Share of the non-boilerplate characters of ``text`` covered by ``spans``."""
    covered = bytearray(len(text))
    for value, group in ((1, spans), (2, boiler)):
        for span in group:
            if (c := clip_span(span, len(text))) is not None:
                covered[c[0] : c[1]] = bytes([value]) * (c[1] - c[0])
    content = len(text) - covered.count(2)
    return covered.count(1) / content if content else None


def _reuse(share: float | None, view: ArticleView, spans: list[Span]) -> str:
    """Format a reuse share from the pair's ``pairs`` entry, else computed from the reuse spans."""
    return pct(share if share is not None else _coverage(view.text, spans, view.boiler))


def _derivation(metrics: PairSummary | None, a: ArticleView, b: ArticleView) -> str:
    """Describe the derivation ("B partially derived from A"), or '' when unknown."""
    if metrics is None:
        return ""
    parts = [
        f"{dst.label} {value.replace('_', ' ')} from {src.label}"
        for value, src, dst in ((metrics.b_from_a, a, b), (metrics.a_from_b, b, a))
        if value != "non_derived"
    ]
    return "; ".join(parts) or "neither derived from the other"


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
        cls, own, peer = escaped(cls), escaped(own), escaped(peer)
        if k not in peers:
            title = escaped(title + " (counterpart hidden by an overlapping passage)")
            return Markup(f'<mark class="rel-{cls}" id="{own}" title="{title}">{inner}</mark>')
        title = escaped(title)
        link = f'<a href="#{peer}">{inner}</a>'
        return Markup(f'<mark class="rel-{cls}" id="{own}" data-peer="{peer}" title="{title}">{link}</mark>')

    return tag


def _relation_counts(items: Iterable[Aligned]) -> list[tuple[str, int]]:
    """How many passages of each relation, in legend order (unknown ones last)."""
    counts: dict[str, int] = {}
    for item in items:
        counts[rel_class(item.relation)] = counts.get(rel_class(item.relation), 0) + 1
    order = [*RELATIONS, "other"]
    return sorted(counts.items(), key=lambda kv: order.index(kv[0]))


def _pair_view(
    index: str, a: ArticleView, b: ArticleView, items: list[Aligned], metrics: PairSummary | None, first: bool
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
        reuse_ab=_reuse(None if metrics is None else metrics.b_covered_by_a, b, [x.b_span for x in reuse]),
        reuse_ba=_reuse(None if metrics is None else metrics.a_covered_by_b, a, [x.a_span for x in reuse]),
        derivation=_derivation(metrics, a, b),
        a_html=highlight(a.text, a_spans, a.boiler, _mark_tag(index, ("a", "b"), items, kept_marks(b.text, b_spans))),
        b_html=highlight(b.text, b_spans, b.boiler, _mark_tag(index, ("b", "a"), items, kept_marks(a.text, a_spans))),
        open=first,
    )


def pair_views(
    story: StoryResult, view: Callable[[str], ArticleView], counter: Iterator[str]
) -> tuple[list[PairView], int, set[str]]:
    """The pairs to show (most shared passages first), how many are left out, and the aligned ids."""
    entries = story.pairs
    grouped = group_pairs(story.alignments, entries)
    shown = [
        _pair_view(next(counter), view(a), view(b), items, _pair_metrics(entries, a, b), first=i == 0)
        for i, (a, b, items) in enumerate(grouped[:MAX_PAIRS_SHOWN])
    ]
    aligned = {aid for a, b, _ in grouped for aid in (a, b)}
    return shown, max(0, len(grouped) - MAX_PAIRS_SHOWN), aligned
