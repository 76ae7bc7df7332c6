"""The rules of date expressions counted from the publication date: what each match resolves to.

What it does: resolves the matches of the relative rules listed in :mod:`storytrace.facts.dates`
("24 years ago", "in 5 years' time", "last September", "next Friday", "this week", "yesterday",
weekdays and lists of them, "the fourth quarter", holidays, a month after a preposition or before a
noun, "April next year") against the publication date. Each resolver gets the match, the context and
the region [lo, hi); it returns None when the match is not a date expression after all, else the
span it claims and its resolution (None without a publication date).

Weekdays: future when the tense is future, or after "as soon as", or after "until" with a verb
of putting off ("postponed until Tuesday"); a possessive ("Wednesday's ruling") is past unless
"ahead of" or "upcoming" precedes it; otherwise past (the most recent such day up to
published, the usual reading in news reports).

Not here: expressions that name their year (``facts.date_absolute``), the patterns
(``facts.date_words``), tense (``facts.date_tense``), Easter and other movable feasts, holidays of
other countries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from storytrace.facts.date_calendar import (
    Hit,
    Resolved,
    add_months,
    infer_year,
    iso_day,
    iso_month,
    iso_year,
    monday_of,
    month_interval,
    quarter_interval,
    resolved_quarter,
)
from storytrace.facts.date_tense import Context, attributive_tense
from storytrace.facts.date_words import (
    MAY_PREPOSITIONS,
    MONTHS,
    NOT_WEEKDAY_BEFORE,
    ORDINALS,
    P_WEEKDAY_NAME,
    SMALL_NUMBERS,
    WEEKDAYS,
)
from storytrace.text.tokens import word_key

_P_PUT_OFF = re.compile(r"\b(?:postpone|delay|adjourn|defer|suspend|extend|recess|put off)[a-z]*\b")


def _number(s: str) -> int:
    low = word_key(s)
    return SMALL_NUMBERS[low] if low in SMALL_NUMBERS else int(s)


def resolve_ago(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``years_ago``/``months_ago``/``weeks_ago``/``days_ago``: "24 years ago"; ``years_earlier``: "a year earlier"."""
    n = _number(m["n"])
    unit = word_key(m["u"])
    pub = ctx.pub
    if pub is None:
        return m.span(), None
    if unit == "year":
        rule = "years_earlier" if word_key(m[0]).endswith("earlier") else "years_ago"
        res: Resolved = (iso_year(pub.year - n), iso_year(pub.year - n), "year", rule)
    elif unit == "month":
        ym = iso_month(*add_months(pub.year, pub.month, -n))
        res = (ym, ym, "month", "months_ago")
    elif unit == "week":
        monday = monday_of(pub - timedelta(weeks=n))
        res = (iso_day(monday), iso_day(monday + timedelta(days=6)), "week", "weeks_ago")
    else:
        d = pub - timedelta(days=n)
        res = (iso_day(d), iso_day(d), "day", "days_ago")
    return m.span(), res


def resolve_in_years(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``years_ago`` for "in 24 years" that looks back or is not in the future, else ``years_ahead``."""
    n = _number(m["n"])
    span = m.span()
    if ctx.pub is None:
        return span, None
    if m["time"]:
        future = True
    elif ctx.looks_back(span[0], lo, hi):
        future = False
    else:
        future = ctx.tense(span[0], span[1], lo, hi) == "future"
    if future:
        y = iso_year(ctx.pub.year + n)
        return span, (y, y, "year", "years_ahead")
    y = iso_year(ctx.pub.year - n)
    return span, (y, y, "year", "years_ago")


def resolve_rel_month(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``month_relative``: "last September" (strictly before the published month), "next September"."""
    pub = ctx.pub
    if pub is None:
        return m.span(), None
    month = MONTHS[m["m1"]]
    mod = m["mod"].lower()
    if mod == "last":
        y = pub.year if month < pub.month else pub.year - 1
    elif mod == "next":
        y = pub.year if month > pub.month else pub.year + 1
    else:
        y = pub.year
    ym = iso_month(y, month)
    return m.span(), (ym, ym, "month", "month_relative")


def _preceded_by_holiday_word(text: str, start: int) -> bool:
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    return j < i and text[j:i].lower() in NOT_WEEKDAY_BEFORE


def resolve_rel_weekday(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``weekday_relative``: "last Friday" (strictly before published), "next Friday", "this Friday" (its ISO week)."""
    pub = ctx.pub
    if pub is None:
        return m.span(), None
    wd = WEEKDAYS[m["wd"]]
    mod = m["mod"].lower()
    if mod == "last":
        d = pub - timedelta(days=(pub.weekday() - wd) % 7 or 7)
    elif mod == "next":
        d = pub + timedelta(days=(wd - pub.weekday()) % 7 or 7)
    else:
        d = monday_of(pub) + timedelta(days=wd)
    return m.span(), (iso_day(d), iso_day(d), "day", "weekday_relative")


def resolve_rel_period(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``relative_week``, ``_weekend``, ``_month``, ``_quarter``, ``_year``: "this week"; not "the last year"."""
    if m["the"]:
        return None  # "the last year", "the next week": a rolling period
    span = m.span("mod")[0], m.end()
    pub = ctx.pub
    if pub is None:
        return span, None
    step = {"last": -1, "next": 1, "this": 0}[word_key(m["mod"])]
    unit = word_key(m["u"])
    if unit in ("week", "weekend"):
        monday = monday_of(pub) + timedelta(weeks=step)
        if unit == "week":
            return span, (iso_day(monday), iso_day(monday + timedelta(days=6)), "week", "relative_week")
        sat = monday + timedelta(days=5)
        return span, (iso_day(sat), iso_day(sat + timedelta(days=1)), "day", "relative_weekend")
    if unit == "month":
        ym = iso_month(*add_months(pub.year, pub.month, step))
        return span, (ym, ym, "month", "relative_month")
    if unit == "quarter":
        qy, first = add_months(pub.year, (pub.month - 1) // 3 * 3 + 1, 3 * step)
        return span, resolved_quarter(qy, (first + 2) // 3, "relative_quarter")
    y = iso_year(pub.year + step)
    return span, (y, y, "year", "relative_year")


def resolve_rel_day(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``relative_day``: "today", "tonight", "yesterday", "tomorrow"."""
    pub = ctx.pub
    if pub is None:
        return m.span(), None
    word = word_key(m[0])
    d = pub + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(word, 0))
    return m.span(), (iso_day(d), iso_day(d), "day", "relative_day")


def resolve_weekdays(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``weekday_future``/``weekday_past``: a weekday or a list or range of them, as one mention."""
    if _preceded_by_holiday_word(ctx.text, m.start()):
        return None
    span = m.span()
    pub = ctx.pub
    if pub is None:
        return span, None
    days = [WEEKDAYS[w] for w in P_WEEKDAY_NAME.findall(m[0])]
    if _weekday_ahead(ctx, span, lo, hi):
        first = pub + timedelta(days=(days[0] - pub.weekday()) % 7 or 7)
        last = first
        for wd in days[1:]:
            last = last + timedelta(days=(wd - last.weekday()) % 7 or 7)
        rule = "weekday_future"
    else:
        last = pub - timedelta(days=(pub.weekday() - days[-1]) % 7)
        first = last
        for wd in reversed(days[:-1]):
            first = first - timedelta(days=(first.weekday() - wd) % 7 or 7)
        rule = "weekday_past"
    return span, (iso_day(first), iso_day(last), "day", rule)


def _weekday_ahead(ctx: Context, span: tuple[int, int], lo: int, hi: int) -> bool:
    """Whether a weekday names a day to come: its clause (else its sentence) is in the future.

    Also ahead: "as soon as Friday", "postponed until Friday". A possessive ("Friday's
    ruling") names a day past unless "ahead of" or "upcoming" comes before it.
    """
    before = " ".join(ctx.text[max(lo, span[0] - 60) : span[0]].lower().split())
    if ctx.text.startswith(("'s", "’s"), span[1]):
        return before.endswith(("ahead of", "upcoming"))
    if before.endswith(("as soon as", "as early as")):
        return True
    if before.endswith((" until", " till")) and _P_PUT_OFF.search(before):
        return True
    return ctx.event_tense(span[0], span[1], lo, hi)[0] == "future"


def resolve_month(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``month``: a month name after a preposition ("in September", "mid-June"); "May" only where no person."""
    if m["m1"] == "May" and (m["prep"].lower() not in MAY_PREPOSITIONS or ctx.text.startswith(("'s", "’s"), m.end())):
        return None  # "criticised by May", "after May resigned", "in May's cabinet": a person
    span = m.span("m1")
    pub = ctx.pub
    if pub is None:
        return span, None
    month = MONTHS[m["m1"]]
    ym = iso_month(infer_year(pub, month_interval(month), attributive_tense(ctx, span, lo, hi)), month)
    return span, (ym, ym, "month", "month")


def resolve_quarter(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``quarter_relative``: "third-quarter loss", "in the fourth quarter", the year inferred."""
    span = m.span()
    if ctx.pub is None:
        return span, None
    q = ORDINALS[m["q"].lower()]
    y = infer_year(ctx.pub, quarter_interval(q), ctx.event_tense(span[0], span[1], lo, hi))
    return span, resolved_quarter(y, q, "quarter_relative")


def resolve_month_rel_year(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``month_relative``: "April next year", "October this year"."""
    if ctx.pub is None:
        return m.span(), None
    ym = iso_month(ctx.pub.year + {"last": -1, "next": 1, "this": 0}[m["mod"]], MONTHS[m["m1"]])
    return m.span(), (ym, ym, "month", "month_relative")


def _nth_weekday(y: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` of ``month`` (n = -1: the last one)."""
    if n < 0:
        ny, nm = add_months(y, month, 1)
        last = date(ny, nm, 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(y, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


# US holidays as news copy names them; Easter and other movable feasts are not here.
_HOLIDAYS: dict[str, Callable[[int], date]] = {
    "thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "christmas": lambda y: date(y, 12, 25),
    "christmas eve": lambda y: date(y, 12, 24),
    "new year's day": lambda y: date(y, 1, 1),
    "new year's eve": lambda y: date(y, 12, 31),
    "halloween": lambda y: date(y, 10, 31),
    "valentine's day": lambda y: date(y, 2, 14),
    "election day": lambda y: _nth_weekday(y, 11, 0, 1) + timedelta(days=1),
    "labor day": lambda y: _nth_weekday(y, 9, 0, 1),
    "memorial day": lambda y: _nth_weekday(y, 5, 0, -1),
    "fourth of july": lambda y: date(y, 7, 4),
    "july fourth": lambda y: date(y, 7, 4),
}
_HOLIDAY_ALONE = frozenset({"thanksgiving", "christmas", "halloween"})  # need a preposition before them
_HOLIDAY_PREPOSITIONS = frozenset(
    {"on", "at", "by", "before", "after", "since", "until", "till", "over", "for", "around"}
)


def resolve_holiday(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``holiday``: "Thanksgiving", "last Christmas", "Labor Day"; a bare few need a preposition before them."""
    name = " ".join(m["h"].lower().replace("’", "'").split())
    key = name if name in _HOLIDAYS else name.removesuffix(" day")
    day_of = _HOLIDAYS[key]
    before = ctx.text[max(lo, m.start() - 12) : m.start()].lower().split()
    if name in _HOLIDAY_ALONE and not m["mod"] and not (before and before[-1] in _HOLIDAY_PREPOSITIONS):
        return None  # "Christmas shopping", "a Thanksgiving meal"
    pub = ctx.pub
    if pub is None:
        return m.span(), None
    mod = (m["mod"] or "").lower()
    if mod == "last":
        y = pub.year if day_of(pub.year) < pub else pub.year - 1
    elif mod == "next":
        y = pub.year if day_of(pub.year) > pub else pub.year + 1
    elif mod == "this":
        y = pub.year
    else:
        y = infer_year(pub, lambda y: (day_of(y), day_of(y)), ctx.event_tense(m.start(), m.end(), lo, hi))
    d = day_of(y)
    return m.span(), (iso_day(d), iso_day(d), "day", "holiday")


def resolve_month_noun(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``month``: a month name modifying a noun ("the March accession"), the year inferred."""
    span = m.span("m1")
    if ctx.pub is None:
        return span, None
    month = MONTHS[m["m1"]]
    ym = iso_month(infer_year(ctx.pub, month_interval(month), attributive_tense(ctx, span, lo, hi)), month)
    return span, (ym, ym, "month", "month")
