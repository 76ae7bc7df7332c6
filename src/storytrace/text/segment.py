"""Split an article's content into paragraphs and sentences, keeping offsets.

Sentence boundaries are found by rule: end punctuation followed by space and a
capital, digit or opening quote, unless the word before is a known
abbreviation or an initial, or the boundary falls inside a quotation that
closes later in the same paragraph (so “Never enough. A great demand,” he
said. stays one sentence). Hyphenated ranges ("June 18-19") and decimals never
end a sentence because a boundary needs white space after the punctuation.
A run of text longer than ``MAX_SENTENCE_CHARS`` without a boundary (a
page that lost its punctuation) is cut at white space into sentences of at
most that length. The work is linear in the paragraph's length.

Not here: tokenising (see ``tokens``), removing boilerplate (see ``clean``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from storytrace.model import Sentence, Span

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep pres rev hon
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur fri sat sun
    inc co corp ltd plc llc bros dept est approx no nos vs etc fig al ft oz lb lbs pct
    u.s u.k u.n e.u e.g i.e a.m p.m d.c u.s.a n.y l.a""".split()
)
OPENING_QUOTES = "“‘\"'«("
MAX_SENTENCE_CHARS = 5000
"""Longest sentence: a longer run of text without a boundary is cut at white space (the longest
sentence of the news corpora in ``../shared/data`` has 2,429 characters). It bounds the cost of
comparing two sentences, which grows with the product of their lengths."""
# A sentence may end after a run of end punctuation and closing marks followed by white space. The run is
# matched whole and the white space checked after it: a pattern with the white space as a look-ahead would
# try again from each character of a long run ("......") and take time quadratic in its length.
_PUNCT_RUN = re.compile(r"[.!?…]+[\"'”’»)\]]*")
_SPACE = re.compile(r"\s")
# A blank line ends a paragraph; so does "<" at a line end, the paragraph mark of
# Press Association wire copy (METER's PA sources).
_EOL = r"(?:\r\n|\r(?!\n)|\n)"  # a line end: \n, \r\n, or a lone \r (old Mac files)
_PARA_BREAK_BLANK = re.compile(rf"{_EOL}[ \t]*{_EOL}\s*|(?<=<){_EOL}\s*")
_PARA_BREAK_INDENT = re.compile(rf"{_EOL}(?=[ \t]+\S)")
_LINE_BREAK = re.compile(_EOL)
_WORD_BEFORE = re.compile(r"([\w.]+)\W*$")


def paragraphs(text: str, spans: Iterable[Span] | None = None) -> list[Span]:
    """Paragraph spans inside ``spans`` (default: the whole text), whitespace-trimmed.

    Blank lines separate paragraphs when the text has any; otherwise an indented
    line starts one (hard-wrapped wire copy); otherwise every line is one.
    """
    regions = list(spans) if spans is not None else [(0, len(text))]
    breaker = _choose_breaker(text)
    out: list[Span] = []
    for start, end in regions:
        pos = start
        for m in breaker.finditer(text, start, end):
            out.extend(_trimmed(text, pos, m.start()))
            pos = m.end()
        out.extend(_trimmed(text, pos, end))
    return out


def _choose_breaker(text: str) -> re.Pattern[str]:
    if _PARA_BREAK_BLANK.search(text):
        return _PARA_BREAK_BLANK
    if _PARA_BREAK_INDENT.search(text):
        return _PARA_BREAK_INDENT
    return _LINE_BREAK


def trim(text: str, start: int, end: int) -> Span:
    """``(start, end)`` narrowed past white space at both ends (empty when all is white space)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    start, end = trim(text, start, end)
    return [(start, end)] if end > start else []


def sentences(text: str, spans: Iterable[Span] | None = None) -> list[Sentence]:
    """Sentences of the paragraphs inside ``spans``, in text order, with offsets."""
    out: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs(text, spans)):
        for s_start, s_end in split_paragraph(text, p_start, p_end):
            out.append(Sentence(s_start, s_end, p_index, text[s_start:s_end]))
    return out


def split_paragraph(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans of one paragraph ``text[start:end]``, none longer than ``MAX_SENTENCE_CHARS``."""
    quotes = _OpenQuotes(text, start, end)
    cuts: list[int] = []
    for m in _PUNCT_RUN.finditer(text, start, end):
        if _SPACE.match(text, m.end(), end) and _is_boundary(text, start, end, m.start(), m.end(), quotes):
            cuts.append(m.end())
    out: list[Span] = []
    pos = start
    for cut in [*cuts, end]:
        s_start, s_end = trim(text, pos, cut)
        if s_end - s_start > MAX_SENTENCE_CHARS:
            out.extend(cut_at_space(text, s_start, s_end, MAX_SENTENCE_CHARS))
        elif s_end > s_start:
            out.append((s_start, s_end))
        pos = cut
    return out


def cut_at_space(text: str, start: int, end: int, limit: int) -> list[Span]:
    """``[start, end)`` cut at the last white space before each ``limit`` characters (at the limit if none)."""
    out: list[Span] = []
    while end - start > limit:
        bound = start + limit
        cut = next((k for k in range(bound, start, -1) if text[k].isspace()), bound)
        out.extend(_trimmed(text, start, cut))
        start, _ = trim(text, cut, end)
    out.extend(_trimmed(text, start, end))
    return out


def _is_boundary(text: str, p_start: int, p_end: int, punct: int, after: int, quotes: _OpenQuotes) -> bool:
    nxt = after
    while nxt < p_end and text[nxt].isspace():
        nxt += 1
    if nxt >= p_end:
        return False
    ch = text[nxt]
    if not (ch.isupper() or ch.isdigit() or ch in OPENING_QUOTES):
        return False
    if text[punct] == "." and _ends_with_abbreviation(text, p_start, punct):
        return False
    return not quotes.open_at(after)


def _ends_with_abbreviation(text: str, p_start: int, dot: int) -> bool:
    m = _WORD_BEFORE.search(text, max(p_start, dot - 12), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in ABBREVIATIONS:
        return True
    # A single capital letter is an initial ("John F. Kennedy"), not a sentence end.
    return len(word) == 1 and text[dot - 1].isupper()


class _OpenQuotes:
    """Whether a quotation is open at a position of one paragraph, asked at positions that only grow.

    A curly (or straight) quotation opened before the position is open there if
    it closes later in the paragraph. The marks before the position are counted
    from where the last question left off, so a paragraph's questions cost one
    pass over it, not one pass each.
    """

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.pos = start
        self.end = end
        self.curly = 0  # “ minus ” before ``pos``
        self.straight = 0  # " before ``pos``
        self._last: dict[str, int] = {}  # the last ” and " of the paragraph, found when first needed

    def open_at(self, pos: int) -> bool:
        """True when a quotation opened before ``pos`` closes after it (``pos`` at least the last one asked)."""
        text, last = self.text, self.pos
        self.curly += text.count("“", last, pos) - text.count("”", last, pos)
        self.straight += text.count('"', last, pos)
        self.pos = pos
        if self.curly > 0:
            return self._last_of("”") >= pos
        if self.straight % 2 == 1:
            return self._last_of('"') >= pos
        return False

    def _last_of(self, mark: str) -> int:
        if mark not in self._last:
            self._last[mark] = self.text.rfind(mark, self.pos, self.end)
        return self._last[mark]
