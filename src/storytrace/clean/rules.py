"""Split bylines, datelines, agency credits and boilerplate off an article.

Rules work line by line on the text as given and return spans, so nothing is
removed from the text itself: later stages read ``Cleaned.content``.

* byline: a "Written by …", "By …", "Reporting by …" line among the first
  three or last three lines, naming people ("By Agencies." names an agency);
* dateline: "MOSCOW/SEOUL (Reuters) –" or "SALVADOR, Feb 26 -" opening the
  first content line;
* credits: the agency of the dateline or byline, and agencies the body names
  ("told The Associated Press", "state news agency, KCNA");
* boilerplate: short lines that ask the reader to do something (send tips,
  follow, subscribe, share) or carry copyright and wire footers.

Not here: sentence splitting, entity recognition.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storytrace.clean.agencies import BUILTIN_AGENCIES, Agency, find_agency, mention_screen
from storytrace.model import Article, Cleaned, Credit, Span
from storytrace.text.segment import trim

_LINE = re.compile(r"[^\r\n]*")  # a line, without its end: \n, \r\n or a lone \r (old Mac files)
_BYLINE = re.compile(
    # wire feeds may wrap a line in control characters and end it with a paragraph mark ("\x19By …, PA News<")
    r"^[\s\x00-\x1f]*(?:(?:Written|Reported|Story|Words|Reporting|Compiled)\s+by|By|BY)\s*:?\s+"
    r"(?P<who>.+?)\s*\.?\s*<?\s*$"
)
_NAME = re.compile(r"^[A-Z][\w'’.-]+(?: (?:[A-Z][\w'’.-]+|de|van|von|der|bin|al|da|di|le|la))*$")
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
_DATELINE = re.compile(
    r"(?P<places>[A-Z][A-Z.'’ -]*[A-Z.](?:\s*/\s*[A-Z][A-Z.'’ -]*[A-Z.])*)"
    r"(?:,\s*(?P<when>[A-Z][a-z]{2,8}\.?\s+\d{1,2}|[A-Z][a-z.]+(?: [A-Z][a-z.]+)?))?"
    r"\s*(?:\((?P<agency>[^)\n]{1,40})\))?"
    r"\s*[-–—]+\s+"
)
# Each boilerplate pattern beside the words without one of which (case folded) it cannot match. Most lines hold
# none, and a few substring tests rule them out instead of the whole pattern, which costs 12 µs a line (2 s on
# 10,000 Reuters bodies; ``_may_be_boilerplate``). A new pattern comes with its words.
_BOILERPLATE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # "Email your news TIPS to x@y or WhatsApp +254…", "Send us your stories … +44 …"
    (
        r"\b(?:e-?mail|send|whatsapp|call|text)\b.*\b(?:tips?|news|us|stories)\b.*(?:@|\+?\d[\d ]{6,})",
        ("mail", "send", "whatsapp", "call", "text"),
    ),
    (r"\bwhatsapp\b", ("whatsapp",)),
    (r"^\s*(?:follow|like) us\b", ("follow", "like")),
    (r"\bfollow\b.+\bon (?:twitter|x|facebook|instagram|social media|telegram)\b", ("follow",)),
    (
        r"^\s*(?:subscribe|sign up|click here|read more|share this|share on|advertisement|related:|related stories"
        r"|more from|also read|download our app)\b",
        (
            *("subscribe", "sign up", "click here", "read more", "share this", "share on", "advertisement"),
            *("related", "more from", "also read", "download our app"),
        ),
    ),
    (r"copyright|©|all rights reserved", ("copyright", "©", "all rights reserved")),
    (r"^\s*the post .+ appeared first on .+$", ("appeared first on",)),  # WordPress feed footer
    # wire credit footer
    (
        r"^\s*\(?(?:reporting|writing|editing|additional reporting) by\b.*\)?\s*$",
        ("reporting by", "writing by", "editing by"),
    ),
)
# A typed rule between wire items holds no word: its screen is a shorter pattern.
_TYPED_RULE_LINE = r"^\s*[-=_*~#]{5,}\s*$"
_TYPED_RULE = re.compile(r"[-=_*~#]{5}")
_BOILERPLATE = re.compile(
    "|".join(f"(?:{p})" for p in (*(pattern for pattern, _ in _BOILERPLATE_RULES), _TYPED_RULE_LINE)), re.IGNORECASE
)
_BOILERPLATE_WORDS = tuple(dict.fromkeys(word for _, words in _BOILERPLATE_RULES for word in words))
BOILERPLATE_MAX_CHARS = 300  # a longer line is article prose even if it names an e-mail address
BYLINE_WINDOW = 3  # bylines are looked for among the first and last this many lines


def clean_article(article: Article, agencies: Sequence[Agency] = BUILTIN_AGENCIES) -> Cleaned:
    """Split ``article``'s byline, dateline, credits and boilerplate off its content."""
    text = article.text
    lines = _lines(text)
    authors: list[str] = list(article.authors)
    credits: list[Credit] = []
    boiler: list[Span] = [s for s in lines if _is_boilerplate(text, s)]
    body_lines = [s for s in lines if s not in boiler]
    byline_span: Span | None = None
    for index in _byline_candidates(body_lines):
        span = body_lines[index]
        found = _read_byline(text[span[0] : span[1]], agencies)
        if found is None:
            continue
        names, agency = found
        if agency:
            credits.append(Credit(agency, "byline", span))
            if not names:
                boiler.append(span)  # "By Agencies." credits a wire, it names no author
        if names:
            authors.extend(n for n in names if n not in authors)
            byline_span = byline_span or span
    boiler.sort()
    removed = sorted(boiler + ([byline_span] if byline_span else []))
    dateline_span, places, agency_name = _find_dateline(text, lines, removed, agencies)
    if dateline_span and agency_name:
        credits.append(Credit(agency_name, "dateline", dateline_span))
    if dateline_span:
        removed.append(dateline_span)
    content = _merge_wrapped(text, _subtract([trim(text, *line) for line in lines], removed))
    credits.extend(_in_text_credits(text, content, agencies, credits))
    return Cleaned(
        authors=tuple(authors),
        byline_span=byline_span,
        dateline_span=dateline_span,
        dateline_places=places,
        credits=tuple(credits),
        boilerplate=tuple(sorted(boiler)),
        content=tuple(content),
    )


def _lines(text: str) -> list[Span]:
    """Spans of the non-blank lines of ``text``, without their line break."""
    return [m.span() for m in _LINE.finditer(text) if not m.group().isspace() and m.end() > m.start()]


def _byline_candidates(lines: list[Span]) -> list[int]:
    head = list(range(min(BYLINE_WINDOW, len(lines))))
    tail = [i for i in range(max(0, len(lines) - BYLINE_WINDOW), len(lines)) if i not in head]
    return head + tail


def _read_byline(line: str, agencies: Sequence[Agency]) -> tuple[list[str], str | None] | None:
    """Names and agency of a byline line, or None when the line is no byline."""
    m = _BYLINE.match(line)
    if not m or len(line) > 160:
        return None
    names: list[str] = []
    agency: str | None = None
    for part in _NAME_SEPARATORS.split(m.group("who")):
        part = part.strip(" .")
        if not part:
            continue
        found = find_agency(part, agencies)
        if found:
            agency = agency or found
        elif _NAME.match(part) and len(part.split()) <= 5:
            names.append(part)
        else:
            return None
    if not names and not agency:
        return None
    return names, agency


def _is_boilerplate(text: str, span: Span) -> bool:
    line = text[span[0] : span[1]]
    return len(line) <= BOILERPLATE_MAX_CHARS and _may_be_boilerplate(line) and bool(_BOILERPLATE.search(line))


def _may_be_boilerplate(line: str) -> bool:
    """False only for a line no boilerplate pattern can match (it lacks every one of their words)."""
    folded = line.casefold()
    return any(word in folded for word in _BOILERPLATE_WORDS) or bool(_TYPED_RULE.search(line))


def _find_dateline(
    text: str, lines: list[Span], removed: list[Span], agencies: Sequence[Agency]
) -> tuple[Span | None, tuple[str, ...], str | None]:
    """The dateline opening the first content line: its span, places and agency."""
    first = next((s for s in lines if s not in removed), None)
    if first is None:
        return None, (), None
    start, end = trim(text, *first)
    m = _DATELINE.match(text, start, end)
    if not m:
        return None, (), None
    places = tuple(p.strip() for p in m.group("places").split("/") if p.strip())
    agency = find_agency(m.group("agency"), agencies) if m.group("agency") else None
    if m.group("agency") and not agency:
        agency = m.group("agency").strip()
    return (m.start(), m.end()), places, agency


def _subtract(spans: list[Span], removed: list[Span]) -> list[Span]:
    """``spans`` with every part that lies inside ``removed`` cut out."""
    out: list[Span] = []
    for start, end in spans:
        pieces = [(start, end)]
        for r_start, r_end in removed:
            next_pieces = []
            for p_start, p_end in pieces:
                if r_end <= p_start or r_start >= p_end:
                    next_pieces.append((p_start, p_end))
                    continue
                if p_start < r_start:
                    next_pieces.append((p_start, r_start))
                if r_end < p_end:
                    next_pieces.append((r_end, p_end))
            pieces = next_pieces
        out.extend(p for p in pieces if p[1] > p[0])
    return out


def _merge_wrapped(text: str, spans: list[Span]) -> list[Span]:
    """Join content spans separated by white space only, so hard-wrapped lines stay one region."""
    out: list[Span] = []
    for start, end in spans:
        if out and not text[out[-1][1] : start].strip():
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _in_text_credits(text: str, content: list[Span], agencies: Sequence[Agency], already: list[Credit]) -> list[Credit]:
    """Agencies the body names; "Agencies" only counts in a byline."""
    have = {c.agency for c in already}
    out: list[Credit] = []
    screen = mention_screen(tuple(agencies))
    if not any(screen.search(text, start, end) for start, end in content):
        return out
    for agency in agencies:
        if agency.name == "Agencies" or agency.name in have:
            continue
        for start, end in content:
            m = agency.pattern.search(text, start, end)
            if m:
                out.append(Credit(agency.name, "in_text", (m.start(), m.end())))
                have.add(agency.name)
                break
    return out
