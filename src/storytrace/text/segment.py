"""Split an article's content into paragraphs and sentences, keeping offsets.

Sentence boundaries are found by rule: end punctuation followed by space and a
capital, digit or opening quote, unless the word before is a known
abbreviation or an initial, or the boundary falls inside a quotation that
closes later in the same paragraph (so “Never enough. A great demand,” he
said. stays one sentence). Hyphenated ranges ("June 18-19") and decimals never
end a sentence because a boundary needs white space after the punctuation.

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
_CANDIDATE = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
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
    """Sentence spans of one paragraph ``text[start:end]``."""
    cuts: list[int] = []
    for m in _CANDIDATE.finditer(text, start, end):
        if _is_boundary(text, start, end, m.start(), m.end()):
            cuts.append(m.end())
    out: list[Span] = []
    pos = start
    for cut in cuts:
        out.extend(_trimmed(text, pos, cut))
        pos = cut
    out.extend(_trimmed(text, pos, end))
    return out


def _is_boundary(text: str, p_start: int, p_end: int, punct: int, after: int) -> bool:
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
    return not _inside_open_quote(text, p_start, p_end, after)


def _ends_with_abbreviation(text: str, p_start: int, dot: int) -> bool:
    m = _WORD_BEFORE.search(text, max(p_start, dot - 12), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in ABBREVIATIONS:
        return True
    # A single capital letter is an initial ("John F. Kennedy"), not a sentence end.
    return len(word) == 1 and text[dot - 1].isupper()


def _inside_open_quote(text: str, p_start: int, p_end: int, pos: int) -> bool:
    """True when a curly (or straight) quotation opened before ``pos`` closes after it."""
    before = text[p_start:pos]
    opened = before.count("“") - before.count("”")
    if opened > 0:
        return "”" in text[pos:p_end]
    straight = before.count('"')
    if straight % 2 == 1:
        return '"' in text[pos:p_end]
    return False
