"""Lay out a story's provenance graph for its inline SVG: a column of articles by publication order, arcs for edges.

What it does: place each article on a row (``GRAPH_ROW`` apart), draw each edge as a cubic arc
on the left of the column, its width by the share reused, and cut long labels; the result
(``Graph``) holds only numbers and plain strings, which the template writes escaped.

What it does not do: decide which edges there are (``provenance``) or write SVG (the template does).
"""

from __future__ import annotations

from collections.abc import Mapping

from storytrace.report.views import ArticleView, EdgeView, Graph, GraphEdge, GraphNode

GRAPH_ROW = 46  # px between two nodes of the provenance graph
GRAPH_R = 7  # node radius, px
GRAPH_LABEL_CHARS = 30  # longer node labels are cut with an ellipsis


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


def layout_graph(nodes: list[ArticleView], edges: list[EdgeView]) -> Graph | None:
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
        GRAPH_R,
    )
