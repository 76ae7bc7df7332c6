"""A story's provenance as shown: its edges (who took what from whom, on what evidence) and outlets' originality.

What it does: turn the story's ``Provenance`` (``codec.provenance`` read it) into ``EdgeView`` rows (biggest
share first, then the wires credited but not in the corpus) and ``OutletView`` rows; put an
edge's evidence into one line of words.

What it does not do: trace provenance (``trace``), or lay out the graph (``graph``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from storytrace.model import EdgeEvidence, OutletShare, Provenance
from storytrace.report.articles import absent_view
from storytrace.report.readers import pct
from storytrace.report.views import ArticleView, Bar, EdgeView, OutletView


def edge_views(prov: Provenance, view: Callable[[str], ArticleView]) -> list[EdgeView]:
    """The story's provenance edges, biggest share first, then the wires credited but not in the corpus."""
    edges = [
        EdgeView(view(e.source), view(e.copy), e.share, e.why, _evidence_text(e.evidence), e.confidence)
        for e in prov.edges
    ]
    absent = {n.id: n for n in prov.nodes if n.kind == "absent_source"}
    credited = [
        EdgeView(absent_view(e.source, absent.get(e.source)), view(e.copy), None, e.why, absent=True)
        for e in prov.credited
    ]
    return sorted(edges, key=lambda e: -(e.share or 0.0)) + credited


def _evidence_text(ev: EdgeEvidence | None) -> str:
    """An edge's evidence in one line: what the copy shares, how long its longest run, the dates and credits."""
    if ev is None:
        return ""
    parts = []
    if ev.passages:
        parts.append(f"{int(ev.passages)} shared passage{'s' if ev.passages != 1 else ''}")
    if ev.longest:
        parts.append(f"longest {int(ev.longest):,} characters outside quotations")
    parts.append(f"{pct(ev.narrative)} of the copy's own narrative reused")
    dates = [ev.source_published or "", ev.copy_published or ""]
    if any(dates):
        parts.append(f"published {dates[0] or '?'} → {dates[1] or '?'}")
    if ev.credits:
        parts.append(f"the copy credits {', '.join(ev.credits)}")
    return "; ".join(parts)


def outlet_views(outlets: Sequence[OutletShare]) -> list[OutletView]:
    """Per outlet its original share and the shares it reused from other (named) outlets."""
    out: list[OutletView] = []
    for o in outlets:
        name, original = o.outlet, o.original
        if not name:
            continue
        reused = [(src, share) for src, share in o.reused_from if src]
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
