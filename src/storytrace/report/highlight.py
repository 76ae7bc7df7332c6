"""Turn a text and its spans into escaped HTML with each span marked: the report's one way to show a text.

What it does: cut a text at the spans it is given (``segments``: clipped, overlaps resolved,
first start wins), escape each piece (``escaped``: ``markupsafe.escape``'s entities into a
plain string), grey out boilerplate and wrap each marked span with a tag the caller builds
(``highlight``). The only markup it writes is the ``<span class="bp">`` around boilerplate;
the marks' tags come from the caller, around pieces already escaped.

What it does not do: decide what a mark links to or looks like (``pairs``, ``fact_tables``,
``web.views`` build the tags), or read the document.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any

from markupsafe import Markup

Piece = tuple[int, int, int | None, bool]  # start, end, mark index, inside boilerplate
MarkTag = Callable[[int, Markup], Markup]


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


def escaped(text: str) -> str:
    """``str(markupsafe.escape(text))`` for a plain string: the same entities, without a ``Markup`` per piece.

    A story's texts are cut into thousands of pieces; escaping each into a plain
    string and wrapping the whole once costs a fraction of a ``Markup`` per piece.
    """
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace('"', "&#34;")
    )


def _boiler_tag(piece: str) -> str:
    """Wrap a boilerplate piece, escaped, greyed and struck by the stylesheet."""
    return f'<span class="bp" title="boilerplate">{escaped(piece)}</span>'


def highlight(text: str, marks: Sequence[Any], boiler: Sequence[Any], tag: MarkTag) -> Markup:
    """Escaped ``text``, boilerplate wrapped, each mark ``k`` wrapped by ``tag(k, inner)``."""
    out: list[str] = []
    for index, group in groupby(_pieces(text, marks, boiler), key=lambda p: p[2]):
        inner = "".join(_boiler_tag(text[s:e]) if bp else escaped(text[s:e]) for s, e, _, bp in group)
        out.append(inner if index is None else tag(index, Markup(inner)))
    return Markup("".join(out))


def no_marks(index: int, inner: Markup) -> Markup:
    """Tag for texts that carry no marks: leave the text as it is."""
    return inner


def kept_marks(text: str, spans: Sequence[Any]) -> set[int]:
    """Indexes of the spans that survive clipping and overlap resolution."""
    return {index for _, index in segments(text, spans) if index is not None}
