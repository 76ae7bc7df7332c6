"""The rules of date expressions that name their day, month or year: what each match resolves to.

What it does: resolves the matches of the absolute rules listed in :mod:`storytrace.facts.dates`
(``iso_date``, ``day_range``, ``date``, ``month_year``, ``year_range``, ``year``, ``fiscal_year``,
``quarter``) to an interval; a date or range without a year takes its year from the publication date
and the tense around it (``facts.date_calendar.infer_year``). Each resolver gets the match, the
context and the region [lo, hi); it returns None when the match is not a date expression after all,
else the span it claims and its resolution (None when it cannot be resolved, e.g. a yearless date
without a publication date).

Not here: expressions counted from the publication date ("last week", "three years ago", weekdays:
``facts.date_relative``), the patterns (``facts.date_words``), the order the rules run in (``facts.dates``).
"""

from __future__ import annotations

import re

from storytrace.facts.date_calendar import (
    Hit,
    Resolved,
    day_interval,
    infer_year,
    iso_day,
    iso_month,
    iso_year,
    resolved_quarter,
    safe_date,
)
from storytrace.facts.date_tense import Context, attributive_tense
from storytrace.facts.date_words import COUNTED, MONTHS, ORDINALS


def _month_number(name: str) -> int:
    return MONTHS[name.rstrip(".")]


def _day_span(y: int, m1: int, d1: int, m2: int, d2: int, rule: str) -> Resolved | None:
    first = safe_date(y, m1, d1)
    if first is None:
        return None
    last = safe_date(y + (1 if m2 < m1 else 0), m2, d2)
    if last is None or last < first:
        return None
    return iso_day(first), iso_day(last), "day", rule


def _absolute_days(ctx: Context, m: re.Match[str], lo: int, hi: int, rule: str) -> Hit | None:
    groups = m.groupdict()
    m1 = _month_number(groups["m1"])
    m2 = _month_number(groups["m2"]) if groups.get("m2") else m1
    d1 = int(groups["d1"])
    d2 = int(groups["d2"]) if groups.get("d2") else d1
    if not (1 <= d1 <= 31 and 1 <= d2 <= 31):
        return None
    span = m.span()
    if groups.get("y"):
        y2 = int(groups["y"])
        return span, _day_span(y2 - (1 if m2 < m1 else 0), m1, d1, m2, d2, rule)
    if ctx.pub is None:
        return span, None
    y = infer_year(ctx.pub, day_interval(m1, d1), attributive_tense(ctx, span, lo, hi))
    return span, _day_span(y, m1, d1, m2, d2, rule)


def resolve_iso(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``iso_date``: "2024-06-18"."""
    d = safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if d is None:
        return None
    return m.span(), (iso_day(d), iso_day(d), "day", "iso_date")


def resolve_range(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``day_range``: "June 18-19", "18-19 June", "June 30-July 2", "30 June to 2 July 2024"."""
    return _absolute_days(ctx, m, lo, hi, "day_range")


def resolve_date(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``date``: "June 19", "19 June 2024", "Tuesday, June 18", "19th of June"."""
    return _absolute_days(ctx, m, lo, hi, "date")


def resolve_month_year(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``month_year``: "July 2000", "July of 2000"."""
    ym = iso_month(int(m["y"]), _month_number(m["m1"]))
    return m.span(), (ym, ym, "month", "month_year")


def resolve_year_range(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``year_range``: "2019-2021", "2019/20", "from 2019 to 2021" (at most a century, in order)."""
    y1 = int(m["y1"])
    raw = m["y2"]
    y2 = int(raw) if len(raw) == 4 else y1 // 100 * 100 + int(raw)
    if y2 <= y1 or y2 - y1 > 100:
        return None
    return m.span(), (iso_year(y1), iso_year(y2), "year", "year_range")


def resolve_year(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``year``: a year after a preposition ("in 2019", "by 2030")."""
    y = m["y"]
    return m.span("y"), (y, y, "year", "year")


def resolve_year_noun(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``year``: a year modifying a noun ("the 1998 bombing"), unless the noun is counted ("the 2000 troops")."""
    if not m["poss"] and m["next"].lower() in COUNTED:
        return None
    y = m["y"]
    return m.span("y"), (y, y, "year", "year")


def resolve_fiscal(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``fiscal_year``: "fiscal 1989", the year it names."""
    y = m["y"]
    return m.span(), (y, y, "year", "fiscal_year")


def resolve_quarter_year(ctx: Context, m: re.Match[str], lo: int, hi: int) -> Hit | None:
    """``quarter``: "the third quarter of 1989", "1989's fourth quarter"."""
    q = ORDINALS[(m["q"] or m["q2"]).lower()]
    return m.span(), resolved_quarter(int(m["y"] or m["y2"]), q, "quarter")
