"""Numbers stated in a text, for the facts comparison (``facts.story``).

:func:`number_mentions` finds every quantity a text
states with its value and unit or counted noun ("14 people", "1,200", "3.5 km",
"12 million people", "$4.2 billion", "40 per cent", "three people", "a dozen
villages"). Rules:

- value: digits with optional thousands commas and decimals ("1,200", "3.5"), or number
  words one..nineteen, twenty..ninety and compounds ("twenty-four"), optionally times a
  scale word (hundred, thousand, million, billion, trillion, dozen; "bn"/"mn", and "m"/"k"
  after a currency sign): "a dozen" is 12, "two dozen" 24, "a million" 1,000,000.
- unit: the currency of a sign before the number ($ and US$ "dollar", € "euro", £ "pound",
  ¥ "yen"); "%" for "%", "per cent", "percent"; "percentage point"; letters glued to the
  number ("5km" "km"); else the first word after it, skipping "such", "more", "other",
  "additional", "extra", "further", "new", lower-cased and made singular by simple English
  rules ("missiles" "missile", "casualties" "casualty"; "people" stays "people"); "" when
  that word is a function word ("14 of the 40" gives 14 with unit "").
- a number word counts only with a unit or a scale ("three people", not "one of them"),
  and "one" not after no/any/every/some/each/the/this/that.
- skipped: numbers inside a date expression (every span of
  :func:`storytrace.facts.dates.date_spans`: "June 18-19", "24 years ago", "in 2019",
  "July 2000"), times of day ("4 p.m.", "10:30", "9am"), years (a bare whole number
  1800-2100 without comma, currency, scale or percent, as in "the 2019 election": counts
  in that range are normally written "2,000" in news copy), ordinals ("2nd"), and digits
  glued to letters or to a letter and hyphen ("G7", "F-16", "COVID-19") or after "+", "/",
  "#" (phone numbers, fractions, tags).

Not here: comparing numbers across sources (:mod:`storytrace.facts.differ`, :mod:`storytrace.facts.agreement`), dates
resolved against publication dates (:mod:`storytrace.facts.dates`),
entities, quotes, ranges as intervals ("10-12 people" gives 10 and 12), fractions and
approximations ("about", "more than" are not part of the mention).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from storytrace.facts.dates import date_spans
from storytrace.facts.search_windows import search_regions, windows_in_regions
from storytrace.text.tokens import word_key

# --- number mentions ----------------------------------------------------------------------


@dataclass(frozen=True)
class NumberMention:
    """One quantity stated in a text."""

    span: tuple[int, int]  # [start, end) code-point offsets into the text given
    text: str  # text[span[0]:span[1]]
    value: float
    unit: str  # unit or counted noun, lower-case, singular ("people", "%", "km", "dollar"); "" if none


_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {
    "hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12.0,
    "bn": 1e9, "mn": 1e6, "m": 1e6, "k": 1e3,
}  # fmt: skip
_CURRENCIES = {"$": "dollar", "US$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}
_SKIPPED_ADJECTIVES = ("such", "more", "other", "additional", "extra", "further", "new")
_FUNCTION_WORDS = frozenset(
    {
        "of", "and", "or", "to", "in", "on", "at", "the", "a", "an", "for", "by", "from", "with", "as",
        "than", "that", "which", "who", "whom", "is", "are", "was", "were", "be", "been", "has", "have",
        "had", "will", "would", "could", "can", "may", "might", "should", "must", "said", "says", "it",
        "he", "she", "they", "we", "you", "i", "this", "these", "those", "after", "before", "over", "under",
        "into", "out", "up", "down", "per", "but", "if", "so", "not", "no", "all", "each", "about", "between",
        "among", "against", "during", "while", "when", "where", "since", "until", "its", "their", "his",
        "her", "our", "your", "my", "there", "here", "then", "also", "only", "just", "both", "either",
    }
)  # fmt: skip
_ONE_NOT_AFTER = frozenset({"no", "any", "every", "some", "each", "the", "this", "that", "which", "another"})
_IRREGULAR_PLURALS = {
    "people": "people", "children": "child", "men": "man", "women": "woman", "police": "police",
    "feet": "foot", "teeth": "tooth", "mice": "mouse", "geese": "goose", "lives": "life", "wives": "wife",
    "knives": "knife", "halves": "half", "series": "series", "species": "species", "news": "news",
    "data": "data", "staff": "staff", "personnel": "personnel", "troops": "troop", "aircraft": "aircraft",
}  # fmt: skip

_UNIT_ALT = "|".join(_UNITS)
_WORD_NUMBER = (
    rf"(?i:\b(?:(?:{'|'.join(_TENS)})(?:[-\s](?:{_UNIT_ALT}))?|{'|'.join(_TEENS)}|{_UNIT_ALT}"
    r"|an?(?=\s+(?:dozen|hundred|thousand|million|billion)\b))\b)"
)
_NUMBER_MENTION = re.compile(
    r"(?<![\w.,+/#:$€£¥])(?<![A-Za-z]-)"
    r"(?:(?P<cur>US\$|\$|€|£|¥)\s?)?"
    rf"(?:(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,]\d|\.\d)|(?P<word>{_WORD_NUMBER}))"
    r"(?:\s{0,3}(?P<scale>(?i:hundred|thousand|million|billion|trillion|dozen))\b|(?P<short>bn|mn|m|k)\b)?"
    r"(?:\s{0,3}(?P<pct>%|(?i:per\s?cent|percent)\b)|\s{1,3}(?P<pp>(?i:percentage\s{1,3}points?))\b"
    r"|(?P<glued>[A-Za-z]{1,3})\b"
    r"|(?:\s{1,3}|-)(?P<noun>(?:(?:such|more|other|additional|extra|further|new)\s{1,3})?"
    r"[A-Za-z][A-Za-z'’]{0,24}(?:-[A-Za-z]{1,12}){0,2}(?![A-Za-z'’-])))?"
)
_TIME = re.compile(
    r"(?<![\w.])\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.m\.?|[ap]m\b|o['’]clock\b)|(?<![\w.:])\d{1,2}:\d{2}(?::\d{2})?(?![\d])",
    re.IGNORECASE,
)
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})


def _word_value(word: str) -> int:
    parts = re.split(r"[-\s]+", word_key(word))
    if parts[0] in ("a", "an"):
        return 1
    total = 0
    for p in parts:
        total += _TENS.get(p) or _TEENS.get(p) or _UNITS.get(p, 0)
    return total


def _scaled(digits: str, multiplier: float) -> float:
    """The written number times its scale, rounded once: "34.2 billion" is 34200000000.0, as "34,200 million" is.

    Multiplying the float 34.2 by 1e9 rounds twice and gives 34200000000.000004,
    which would not equal the same amount written another way.
    """
    if multiplier == 1.0:
        return float(digits)
    try:
        return float(Decimal(digits) * Decimal(int(multiplier)))  # every scale is a whole number
    except InvalidOperation:
        return float(digits) * multiplier


def _singular(word: str) -> str:
    w = word.lower()
    if w.endswith(("'s", "’s")):
        w = w[:-2]  # "14 villages’ roofs" is about villages
    w = w.strip("'’")
    if w in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[w]
    if "-" in w:
        head, _, tail = w.rpartition("-")
        return f"{head}-{_singular(tail)}"
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _overlaps(sorted_spans: list[tuple[int, int]], s: int, e: int) -> bool:
    i = bisect_right(sorted_spans, (s, 1 << 62))
    if i and sorted_spans[i - 1][1] > s:
        return True
    return i < len(sorted_spans) and sorted_spans[i][0] < e


def _mention(text: str, m: re.Match[str], excluded: list[tuple[int, int]]) -> NumberMention | None:
    core = m.span("num") if m["num"] is not None else m.span("word")
    if _overlaps(excluded, *core):
        return None
    cur, scale, short, glued = m["cur"], m["scale"], m["short"], m["glued"]
    if glued and glued.lower() in _ORDINAL_SUFFIXES:
        return None
    end = m.end()
    multiplier = 1.0
    if scale:
        multiplier = _SCALES[word_key(scale)]
    elif short and (cur or short in ("bn", "mn")):
        multiplier = _SCALES[short]
    elif short:
        glued = short  # "5m", "10k" without a currency: metres, a 10k run
    if m["num"] is not None:
        digits = m["num"].replace(",", "")
        value = _scaled(digits, multiplier)
        if not math.isfinite(value):
            return None  # over 1e308 ("1" and 400 zeros): no quantity a float holds, and no JSON number
        if not (cur or scale or short or m["pct"]) and "," not in m["num"] and "." not in m["num"]:
            if 1800 <= value <= 2100:
                return None  # a year ("the 2019 election")
    else:
        value = float(_word_value(m["word"])) * multiplier
    unit = ""
    if cur:
        unit = _CURRENCIES[cur]
        end = max(m.end("scale"), m.end("short"), core[1])
    elif m["pct"]:
        unit = "%"
    elif m["pp"]:
        unit = "percentage point"
    elif glued:
        unit = glued.lower()
        end = max(core[1], m.end("short"), m.end("glued"))
    elif m["noun"]:
        noun = m["noun"].split()[-1]
        if noun.lower() in _FUNCTION_WORDS:
            end = max(core[1], m.end("scale"), m.end("short"))
        else:
            unit = _singular(noun)
    else:
        end = max(core[1], m.end("scale"), m.end("short"))
    if m["word"] is not None:
        if not unit and not scale:
            return None  # "one of them": a number word counts only with what it counts
        before = text[max(0, core[0] - 12) : core[0]].split()
        if word_key(m["word"]) == "one" and before and before[-1].lower() in _ONE_NOT_AFTER:
            return None
    start = m.start()
    return NumberMention((start, end), text[start:end], value, unit)


# Every mention holds a digit or one of these (lower-cased); the pattern only runs in windows
# around them. The margins exceed what a mention spans before its number ("US$ ") and after
# it (scale, adjective and counted noun).
_ANCHORS = (
    *"0123456789",
    "one", "two", "thre", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "twent", "thirt", "fort", "fift", "dozen", "hundred", "thousand", "million", "billion", "trillion",
)  # fmt: skip
_BEFORE, _AFTER = 16, 96


def _windows(text: str, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Windows around anchors, inside ``regions`` (never across two regions)."""
    low = word_key(text)  # as the pattern reads it: "mıllıon" holds the anchor "million"
    if len(low) != len(text):  # a few characters lower-case to two; search everything then
        return regions
    marks: list[tuple[int, int, int]] = []
    for lit in _ANCHORS:
        i = low.find(lit)
        while i != -1:
            marks.append((i - _BEFORE, i + len(lit) + _AFTER, 0))
            i = low.find(lit, i + len(lit))
    return [(s, e) for s, e, _, _, _ in windows_in_regions(marks, len(text), regions)]


def number_mentions(
    text: str,
    spans: Sequence[tuple[int, int]] | None = None,
    *,
    exclude: Sequence[tuple[int, int]] | None = None,
) -> list[NumberMention]:
    """The quantities stated in ``text`` (only inside ``spans`` when given), by position.

    Numbers inside date expressions, times of day and years are skipped (see the module
    docstring). ``exclude`` replaces the date spans when the caller already has them (from
    :func:`storytrace.facts.dates.date_spans` or ``date_mentions``), to save a second scan.
    Offsets are always relative to the whole ``text``.
    """
    return _number_mentions(text, spans, exclude, windowed=True)


def _number_mentions(
    text: str,
    spans: Sequence[tuple[int, int]] | None,
    exclude: Sequence[tuple[int, int]] | None,
    *,
    windowed: bool,
) -> list[NumberMention]:
    if not isinstance(text, str) or not text:
        return []
    regions = search_regions(len(text), spans)
    windows = _windows(text, regions) if windowed else regions
    if not windows:
        return []
    dates = date_spans(text, regions) if exclude is None else [(int(s), int(e)) for s, e in exclude]
    excluded = sorted(dates)
    for lo, hi in windows:
        excluded.extend(t.span() for t in _TIME.finditer(text, lo, hi))
    excluded.sort()
    out: list[NumberMention] = []
    for lo, hi in windows:
        for m in _NUMBER_MENTION.finditer(text, lo, hi):
            item = _mention(text, m, excluded)
            if item is not None:
                out.append(item)
    return out
