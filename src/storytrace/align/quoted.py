"""Which characters of a text lie inside quotation marks, and a span cut at their borders.

Quotation marks: straight, curly, low (German „…“), guillemets and CJK corner brackets, PA's ``...''
and `...'. ``quote_spans`` finds the outermost quotations (an unclosed one ends with its paragraph);
``pieces`` cuts a span of the text at their borders.

Not here: what is done with the quoted words (``align.derivation``'s features, ``align.compare``'s coverage),
quotations as facts with speakers (``facts.quotes``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from storytrace.model import Span

# Quotation marks: straight, curly, low (German „…“), guillemets and CJK corner brackets, PA's ``...''
# and `...'. A mark closes a quotation opened by any mark of its family (double, single, angle, corner),
# whichever way round it is written: real text mixes them (“…" or »…«). A straight or single mark opens
# before a word and closes after one; between two letters it is an apostrophe (don't, rock ’n’ roll).
_QUOTE_FAMILY = {
    **dict.fromkeys(('"', "“", "”", "„", "‟", "``", "''"), "double"),
    **dict.fromkeys(("'", "‘", "’", "‚", "‛", "`"), "single"),
    **dict.fromkeys(("«", "»", "‹", "›"), "angle"),
    **dict.fromkeys(("「", "」", "『", "』"), "corner"),
}
# Marks that are written one way only in practice, whatever stands around them (CJK text has no spaces).
_FIXED_ROLE = {"``": "open", "''": "close", "「": "open", "『": "open", "」": "close", "』": "close"}
# A mark with nothing but spaces around it takes the role it usually has.
_OPENS_ALONE = frozenset(("“", "„", "‟", "‚", "‛", "«", "‹"))
_CLOSES_ALONE = frozenset(("”", "»", "›"))
_NEVER_OPENS = frozenset(("’",))  # the apostrophe's own character: ’90s, ’n’ are elisions, not quotations
_QUOTE = re.compile("``|''|[" + re.escape("".join(m for m in _QUOTE_FAMILY if len(m) == 1)) + "]")
_PARAGRAPH = re.compile(r"\n\s*\n")


def quote_spans(text: str) -> list[Span]:
    """Spans of ``text`` inside quotation marks (outermost only); an unclosed quote ends with its paragraph."""
    out: list[Span] = []
    ends = [m.start() for m in _PARAGRAPH.finditer(text)] + [len(text)]
    opened: tuple[int, str] | None = None
    for m in _QUOTE.finditer(text):
        if opened is not None and (end := ends[bisect.bisect_right(ends, opened[0])]) <= m.start():
            out.append((opened[0], end))  # its paragraph ended before this mark
            opened = None
        mark, role = m.group(0), _quote_role(text, m.start(), m.end())
        if opened is None and role == "open":
            opened = (m.end(), mark)
        elif opened is not None and role == "close" and _closes(opened[1], mark):
            out.append((opened[0], m.start()))
            opened = None
    if opened is not None:
        out.append((opened[0], ends[bisect.bisect_left(ends, opened[0])]))
    return [(a, b) for a, b in out if b > a]


def _quote_role(text: str, start: int, end: int) -> str:
    """``open``, ``close`` or ``none`` (an apostrophe, or a mark between two spaces).

    The context decides first (a mark after a word and before a space closes, whichever way it is
    written: „…“ closes with “); a mark between two spaces takes its own usual role.
    """
    mark = text[start:end]
    if mark in _FIXED_ROLE:
        return _FIXED_ROLE[mark]
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if _wordish(before) and _wordish(after):
        return "none"  # an apostrophe: don't, O'Neill
    if _wordish(after) and not _wordish(before) and before not in ".,!?;:":
        return "none" if mark in _NEVER_OPENS else "open"
    if (_wordish(before) or before in ".,!?;:") and not _wordish(after):
        return "close"
    return "open" if mark in _OPENS_ALONE else "close" if mark in _CLOSES_ALONE else "none"


def _wordish(ch: str) -> bool:
    return ch.isalnum()


def _closes(opening: str, mark: str) -> bool:
    """Whether ``mark`` can close a quotation that ``opening`` opened: any two marks of one family."""
    return _QUOTE_FAMILY[opening] == _QUOTE_FAMILY[mark]


def pieces(start: int, end: int, spans: Sequence[Span], starts: Sequence[int]) -> list[tuple[int, int, bool]]:
    """``[start, end)`` cut at the borders of ``spans``: (start, end, inside a span).

    ``spans`` are in order and apart (``quote_spans``), ``starts`` their starts: only those near are read.
    """
    k = max(0, bisect.bisect_right(starts, start) - 1)
    near = []
    while k < len(spans) and spans[k][0] < end:
        if spans[k][1] > start:
            near.append(spans[k])
        k += 1
    spans = near
    cuts = sorted({start, end, *(p for a, b in spans for p in (a, b) if start < p < end)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        mid = a
        out.append((a, b, any(x <= mid < y for x, y in spans)))
    return out
