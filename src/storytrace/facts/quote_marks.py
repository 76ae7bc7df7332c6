"""Where quotations open and close in one paragraph: curly, straight, low and angle quote marks.

``_scan_paragraph(text, start, end)`` returns the quotations of ``text[start:end]`` as ``_Mark``s (opening
mark, closing mark or None when the quotation runs on to the paragraph end). Double quotes are read first; a
mark written the wrong way round is read by its context (“ after a word and before a space closes). Single
quotes (‘ ’) count only outside double quotes and only when they close in the same paragraph; a ’ followed by
a letter is an apostrophe; straight single quotes (') are never quote marks. A quotation nested inside
another is dropped.

Not here: what the quoted words are or who said them (``facts.quotes``, ``facts.speakers``); no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARK = re.compile(r"[“”\"„«»‘’]")
_OPEN_BEFORE = frozenset("([{—–-/ \t\n\r\u00a0")
_CLOSE_AFTER = frozenset(".,;:!?)]}—–-… \t\n\r\u00a0")


@dataclass(frozen=True)
class _Mark:
    """One quotation as delimited by marks: ``open`` is the opening mark, ``close`` the closing one."""

    open: int
    close: int | None  # None: runs on to the paragraph end
    end: int  # the closing mark's index, or the paragraph end


def _opening_like(text: str, i: int, start: int, end: int) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    return (before in _OPEN_BEFORE or before.isspace()) and not after.isspace()


def _closing_like(text: str, i: int, start: int, end: int) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    return not before.isspace() and (after in _CLOSE_AFTER or after.isspace() or after in '“”"’‘»')


def _scan_paragraph(text: str, start: int, end: int) -> list[_Mark]:
    """Quotations of one paragraph: double quotes first, then single quotes outside them."""
    doubles: list[_Mark] = []
    opened: int | None = None
    singles_candidates: list[int] = []  # positions of ‘ and ’ outside double quotes
    for m in _MARK.finditer(text, start, end):
        i = m.start()
        ch = text[i]
        if ch in "‘’":
            if opened is None:
                singles_candidates.append(i)
            continue
        if opened is None:
            if ch in "“„«" or (ch == "”" and _opening_like(text, i, start, end)):
                opened = i
            elif ch == '"' and not (_closing_like(text, i, start, end) and not _opening_like(text, i, start, end)):
                opened = i
            continue
        if ch == "“" and _opening_like(text, i, start, end) and not _closing_like(text, i, start, end):
            continue  # an opening mark inside an open quotation: nested or a missing close; keep going
        if ch in "„«":
            continue
        doubles.append(_Mark(opened, i, i))
        opened = None
    if opened is not None:
        doubles.append(_Mark(opened, None, end))
    singles: list[_Mark] = []
    pending: int | None = None
    for i in singles_candidates:
        if text[i] == "‘":
            if _opening_like(text, i, start, end):
                pending = i
        elif pending is not None:
            after = text[i + 1] if i + 1 < end else " "
            if not after.isalnum() and not text[i - 1].isspace():
                singles.append(_Mark(pending, i, i))
                pending = None
    if not singles:
        return doubles
    merged = sorted(doubles + singles, key=lambda q: q.open)
    out: list[_Mark] = []
    for q in merged:  # drop a quotation nested inside another (‘He said “no”,’ she said.)
        if out and q.open < out[-1].end:
            continue
        out.append(q)
    return out
