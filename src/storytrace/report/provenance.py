"""A story's provenance as shown: its edges (who took what from whom, on what evidence) and outlets' originality.

What it does: read the story's ``provenance`` object leniently into ``EdgeView`` rows (biggest
share first, then the wires credited but not in the corpus) and ``OutletView`` rows; put an
edge's evidence into one line of words.

What it does not do: trace provenance (``trace``), or lay out the graph (``graph``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from storytrace.report.articles import absent_view
from storytrace.report.readers import as_list, as_mapping, as_number, as_strs, as_text, compact, pct
from storytrace.report.views import ArticleView, Bar, EdgeView, OutletView


def edge_views(prov: Mapping[str, Any], view: Callable[[str], ArticleView]) -> list[EdgeView]:
    """The story's provenance edges, biggest share first, then the wires credited but not in the corpus."""
    edges = [
        EdgeView(
            view(as_text(e.get("from"))),
            view(as_text(e.get("to"))),
            as_number(e.get("share")),
            compact(e.get("why") or ""),
            _evidence_text(as_mapping(e.get("evidence"))),
            as_number(e.get("confidence")),
        )
        for e in map(as_mapping, as_list(prov.get("edges")))
    ]
    nodes = map(as_mapping, as_list(prov.get("nodes")))
    absent = {as_text(n.get("id")): n for n in nodes if n.get("kind") == "absent_source"}
    credited = [
        EdgeView(
            absent_view(as_text(e.get("from")), absent.get(as_text(e.get("from")), {})),
            view(as_text(e.get("to"))),
            None,
            compact(e.get("why") or ""),
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
    credits = as_strs(ev.get("credits"))
    if credits:
        parts.append(f"the copy credits {', '.join(credits)}")
    return "; ".join(parts)


def outlet_views(value: object) -> list[OutletView]:
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
