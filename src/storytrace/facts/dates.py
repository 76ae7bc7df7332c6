"""Date expressions in article text, resolved to calendar intervals against the publication date.

What it does: finds the time expressions a news article uses ("June 18-19", "19 June 2024",
"July 2000", "in 2019", "will visit ... on Tuesday and Wednesday", "said on Monday", "this
week", "last September", "24 years ago", "for the first time in 24 years") and resolves each
to an interval of days, a week, a month, a quarter or a year, so that two sources that word the same
time differently can be compared (``facts.date_compare``).
:func:`date_spans` gives the spans of every expression, resolvable or not (the numbers layer
skips them). A week is given as its Monday and Sunday ("2024-06-17".."2024-06-23", granularity
"week"), a quarter as its first and last month ("2024-07".."2024-09", granularity "quarter").
Pure functions over frozen dataclasses; regular expressions compiled once, one pass of each
over the text, and only over windows around the words and digits a date needs.

Rules, in priority order (an expression already claimed by an earlier rule is not matched
again by a later one; ``rule`` in each mention names the rule that resolved it):

- ``iso_date``: "2024-06-18".
- ``day_range``: "June 18-19", "June 18 to 19", "18-19 June", "June 30-July 2",
  "30 June to 2 July 2024" (dash, to, through, until, and).
- ``date``: "June 19", "19 June 2024", "June 19, 2024", "Tuesday, June 18", "19th of June".
- ``month_year``: "July 2000", "July of 2000".
- ``quarter``: "the third quarter of 1989", "1989's fourth quarter"; ``fiscal_year``: "fiscal 1989"
  (the year it names; fiscal calendars are not modelled).
- ``year_range``: "2019-2021", "2019/20", "from 2019 to 2021", "between 2019 and 2021".
- ``years_ago`` / ``months_ago`` / ``weeks_ago`` / ``days_ago``: "24 years ago", "a year
  ago", "three months ago" (published minus N units, at that unit's granularity);
  ``years_earlier``: "a year earlier" (published year minus N; only years).
- ``years_ago`` also for "in 24 years" when it looks back: preceded in its sentence by
  "first", "last", "time", "ever", "since", a negation or a superlative ("the first time in
  24 years", "the highest in 10 years"), or when the sentence is not in the future;
  ``years_ahead`` when the sentence is in the future ("will be finished in 5 years", "in 5
  years' time"): published year plus N.
- ``month_relative``: "April next year", "October this year"; "last September" (the most
  recent September strictly before the published month), "next September" (the first
  strictly after), "this September" (the published year).
- ``weekday_relative``: "last Friday" (strictly before published), "next Friday" (strictly
  after), "this Friday" (in the ISO week of published).
- ``relative_week`` / ``relative_weekend`` / ``relative_month`` / ``relative_year``: "this
  week" (the ISO week of published, Monday..Sunday), "last week", "next week", "this
  weekend" (Saturday..Sunday of that week), "this/last/next month", "this/last/next
  quarter" (``relative_quarter``), "this/last/next year".
  "the last year" / "the past week" (rolling periods) are skipped.
- ``relative_day``: "today", "tonight", "yesterday", "tomorrow".
- ``quarter_relative``: "third-quarter loss", "in the fourth quarter": the year like a month's
  without a year (below).
- ``holiday``: US holidays as news copy names them: Thanksgiving (Day), Christmas (Day, Eve),
  New Year's Day/Eve, Halloween, Valentine's Day, Election Day, Labor Day, Memorial Day, the
  Fourth of July; "last"/"next"/"this" before them, else the year like a date's without one.
  "Thanksgiving", "Christmas" and "Halloween" alone need a preposition before them ("on
  Christmas", not "Christmas shopping").
- ``weekday_future`` / ``weekday_past``: a weekday, or a list or range of weekdays joined by
  "and", commas, "to", "through" or a dash ("on Tuesday and Wednesday", "Tuesday to
  Thursday"), as ONE mention from its first to its last day. Future: the first day is the
  next such day strictly after published, each further day the next one after the previous.
  Past: the last day is the most recent such day up to and including published (so "said on
  Monday" in an article published on a Monday is that very day), earlier days counted
  backwards. "Good Friday", "Super Tuesday" and the like are not weekdays here.
- ``month``: a month name after a preposition ("in September", "since March", "mid-June").
- ``month`` also for a month name modifying a noun ("the March accession"; never "May").
- ``year``: a year 1800-2100 after a preposition ("in 2019", "since 2019", "by 2030", "the end
  of 2019"), or modifying a noun ("the 1998 bombing", "a 1996 law", "post-1959 politics",
  "1988's results") unless that noun is counted ("the 2000 troops").

Tense (weekdays, dates, months and quarters without a year, "in N years") is read from the
event's own clause, else its sentence (:mod:`storytrace.facts.date_tense`); the year of a date,
month, quarter or holiday written without one is the candidate near publication on the side that
tense gives (:func:`storytrace.facts.date_calendar.infer_year`).

Without a usable publication date (None or not ISO), only absolute expressions resolve (dates
and months with a year, year ranges, "in 2019"); the others are found but not returned.

Deliberately not here: times of day, numeric dates other than ISO ("18/06/2024" is ambiguous
between day-first and month-first), seasons ("last summer"), halves ("the first half"), decades
("the 1990s", "two decades ago"), expressions anchored on another event ("the day after his
death", "later that year", "four months after he was elected"), other vague phrases ("in recent
months"), approximate counts ("more than 20 years ago"), Easter and other movable feasts,
holidays of other countries, time zones, and any language other than English. Expressions are matched on
capitalised month and weekday names ("June", "Tuesday"), as news copy writes them.

This module is the scanner: the rules in priority order, the anchors they need, one pass of
each over the windows around those anchors, and the claimed spans. The patterns are in
``facts.date_words``; what a match resolves to in ``facts.date_absolute`` and
``facts.date_relative``; comparing resolved mentions (:func:`~storytrace.facts.date_compare.same_time`,
``contains``, ``date_interval``) in ``facts.date_compare``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from storytrace.facts.date_absolute import (
    resolve_date,
    resolve_fiscal,
    resolve_iso,
    resolve_month_year,
    resolve_quarter_year,
    resolve_range,
    resolve_year,
    resolve_year_noun,
    resolve_year_range,
)
from storytrace.facts.date_calendar import Hit
from storytrace.facts.date_relative import (
    resolve_ago,
    resolve_holiday,
    resolve_in_years,
    resolve_month,
    resolve_month_noun,
    resolve_month_rel_year,
    resolve_quarter,
    resolve_rel_day,
    resolve_rel_month,
    resolve_rel_period,
    resolve_rel_weekday,
    resolve_weekdays,
)
from storytrace.facts.date_tense import Context
from storytrace.facts.date_words import (
    P_AGO,
    P_BARE_MONTH,
    P_DATE_DM,
    P_DATE_MD,
    P_EARLIER,
    P_FISCAL,
    P_HOLIDAY,
    P_IN_YEARS,
    P_ISO,
    P_MONTH_NOUN,
    P_MONTH_REL_YEAR,
    P_MONTH_YEAR,
    P_QUARTER,
    P_QUARTER_YEAR,
    P_RANGE_DM,
    P_RANGE_MD,
    P_REL_DAY,
    P_REL_MONTH,
    P_REL_PERIOD,
    P_REL_WEEKDAY,
    P_WEEKDAYS,
    P_XRANGE_DM,
    P_XRANGE_MD,
    P_YEAR,
    P_YEAR_NOUN,
    P_YEAR_RANGE,
    P_YEAR_RANGE_WORDS,
)
from storytrace.facts.search_windows import Window, search_regions, windows_in_regions
from storytrace.published import published_day
from storytrace.text.tokens import word_key

__all__ = ["DateMention", "date_mentions", "date_spans"]


@dataclass(frozen=True)
class DateMention:
    """One time expression found in a text and the interval it resolves to."""

    span: tuple[int, int]  # [start, end) code-point offsets into the text given
    text: str  # text[span[0]:span[1]]
    start: str  # resolved ISO: "2024-06-18", or "2024-06" (month), or "2000" (year)
    end: str  # same granularity (a week: its Monday and Sunday); == start for a single day/month/year
    granularity: str  # "day" | "week" | "month" | "year"
    rule: str  # which rule resolved it


_Handler = Callable[[Context, re.Match[str], int, int], Hit | None]

# Which anchors (see _ANCHORS below) each rule needs: a month name, a digit, "day" (weekdays),
# or a relative word (week, month, year, ago, today, tonight, tomorrow...).
_M, _D, _W, _R, _H = 1, 2, 4, 8, 16

_RULES: tuple[tuple[re.Pattern[str], _Handler, int], ...] = (
    (P_ISO, resolve_iso, _D),
    (P_XRANGE_MD, resolve_range, _M),
    (P_XRANGE_DM, resolve_range, _M),
    (P_RANGE_MD, resolve_range, _M),
    (P_RANGE_DM, resolve_range, _M),
    (P_DATE_MD, resolve_date, _M),
    (P_DATE_DM, resolve_date, _M),
    (P_MONTH_YEAR, resolve_month_year, _M),
    (P_YEAR_RANGE_WORDS, resolve_year_range, _D),
    (P_YEAR_RANGE, resolve_year_range, _D),
    (P_QUARTER_YEAR, resolve_quarter_year, _R),
    (P_FISCAL, resolve_fiscal, _D),
    (P_AGO, resolve_ago, _R),
    (P_EARLIER, resolve_ago, _R),
    (P_IN_YEARS, resolve_in_years, _R),
    (P_MONTH_REL_YEAR, resolve_month_rel_year, _M),
    (P_REL_MONTH, resolve_rel_month, _M),
    (P_REL_WEEKDAY, resolve_rel_weekday, _W),
    (P_REL_PERIOD, resolve_rel_period, _R),
    (P_REL_DAY, resolve_rel_day, _R),
    (P_WEEKDAYS, resolve_weekdays, _W),
    (P_QUARTER, resolve_quarter, _R),
    (P_HOLIDAY, resolve_holiday, _H),
    (P_BARE_MONTH, resolve_month, _M),
    (P_MONTH_NOUN, resolve_month_noun, _M),
    (P_YEAR, resolve_year, _D),
    (P_YEAR_NOUN, resolve_year_noun, _D),
)

# --- scanning -----------------------------------------------------------------------------


# Every expression above contains one of these (lower-cased); the patterns only run in
# windows around them, which keeps the cost proportional to the number of candidates rather
# than to the length of the text. _MARGIN exceeds what any pattern matches before its first
# or after its last anchor ("throughout early ", " afternoon", "' time").
_ANCHORS: tuple[tuple[str, int], ...] = (
    *((m, _M) for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    ("day", _W | _R),
    *((w, _R) for w in ("week", "month", "year", "ago", "tonight", "tomorrow", "quarter")),
    *((d, _D) for d in "0123456789"),
    *(
        (h, _H)
        for h in (
            "thanksgiving",
            "christmas",
            "new year",
            "halloween",
            "valentine",
            "election",
            "labor",
            "memorial",
            "fourth",
        )
    ),
)
_MARGIN = 40


_ALL = _M | _D | _W | _R | _H


def _windows(text: str, regions: list[tuple[int, int]]) -> list[Window]:
    """The windows around anchors inside ``regions``, with the kinds of anchor each holds."""
    low = word_key(text)  # as the case-blind patterns read it: "tonıght" holds the anchor "tonight"
    if len(low) != len(text):  # a few characters lower-case to two; search everything then
        return [(lo, hi, lo, hi, _ALL) for lo, hi in regions]
    marks: list[tuple[int, int, int]] = []
    for lit, kind in _ANCHORS:
        i = low.find(lit)
        while i != -1:
            marks.append((i - _MARGIN, i + len(lit) + _MARGIN, kind))
            i = low.find(lit, i + len(lit))
    return windows_in_regions(marks, len(text), regions)


def _scan(text: str, pub: date | None, spans: Sequence[tuple[int, int]] | None, *, windowed: bool = True) -> list[Hit]:
    """Every date expression in ``text`` (inside ``spans``), without overlaps, by position."""
    if not isinstance(text, str) or not text:
        return []
    ctx = Context(text, pub)
    claimed_starts: list[int] = []
    claimed: list[Hit] = []
    regions = search_regions(len(text), spans)
    windows = _windows(text, regions) if windowed else [(lo, hi, lo, hi, _ALL) for lo, hi in regions]
    for wlo, whi, lo, hi, kinds in windows:
        for pattern, handler, needs in _RULES:
            if not kinds & needs:
                continue
            for m in pattern.finditer(text, wlo, whi):
                ms, me = m.span()
                i = bisect_right(claimed_starts, ms)
                if i and claimed[i - 1][0][1] >= me:
                    continue  # wholly inside an expression already found ("June 18" in "June 18-19")
                try:
                    hit = handler(ctx, m, lo, hi)
                except (ValueError, OverflowError):  # a day or interval the calendar does not have
                    continue
                if hit is None:
                    continue
                (s, e), _ = hit
                i = bisect_left(claimed_starts, s)
                if i < len(claimed) and claimed[i][0][0] < e:
                    continue
                if i > 0 and claimed[i - 1][0][1] > s:
                    continue
                claimed_starts.insert(i, s)
                claimed.insert(i, hit)
    return claimed


def date_mentions(
    text: str, published: str | None, spans: Sequence[tuple[int, int]] | None = None
) -> list[DateMention]:
    """The resolved time expressions of ``text`` (only inside ``spans`` when given), by position.

    ``published`` is an ISO date or datetime, its day as written the anchor of relative
    expressions (``storytrace.published.published_day``); when it gives no day (None,
    not a valid date, a year or month alone), only absolute expressions resolve. Offsets are
    always relative to the whole ``text``.
    """
    out: list[DateMention] = []
    for (s, e), res in _scan(text, published_day(published), spans):
        if res is not None:
            start, end, granularity, rule = res
            out.append(DateMention((s, e), text[s:e], start, end, granularity, rule))
    return out


def date_spans(text: str, spans: Sequence[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Spans of every time expression :func:`date_mentions` would find, resolvable or not."""
    return [span for span, _ in _scan(text, None, spans)]
