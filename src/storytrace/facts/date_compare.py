"""Comparing resolved date mentions: the days each covers, the same time, one within another.

What it does: turns a :class:`~storytrace.facts.dates.DateMention`'s ISO bounds into its first and
last day (:func:`date_interval`), so that two sources that word the same time differently can be
compared (:func:`same_time`: "July 2000" and "in July of 2000"; :func:`contains`: "this week"
contains "June 18-19").

Not here: finding or resolving expressions (``facts.dates``), deciding what a story's sources agree
on (``facts.agreement``, ``facts.differ``). Pure functions.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from storytrace.facts.date_calendar import add_months
from storytrace.facts.dates import DateMention

__all__ = ["contains", "date_interval", "same_time"]


@lru_cache(maxsize=4096)
def _parse_bound(value: str, first: bool) -> date:
    """The first (or last) day of an ISO date, month or year (kept: a story compares each date with many)."""
    parts = value.split("-")
    y = int(parts[0])
    if len(parts) == 1:
        return date(y, 1, 1) if first else date(y, 12, 31)
    m = int(parts[1])
    if len(parts) == 2:
        if first:
            return date(y, m, 1)
        ny, nm = add_months(y, m, 1)
        return date(ny, nm, 1) - timedelta(days=1)
    return date(y, m, int(parts[2]))


def date_interval(m: DateMention) -> tuple[date, date] | None:
    """The first and last day covered by ``m`` (None if its bounds are not ISO)."""
    try:
        return _parse_bound(m.start, True), _parse_bound(m.end, False)
    except (ValueError, IndexError, OverflowError):
        return None


def same_time(a: DateMention, b: DateMention) -> bool:
    """Whether ``a`` and ``b`` resolve to the same interval of days.

    "July 2000" and "in July of 2000" are the same time; "June 18-19" and "this week" are
    not (see :func:`contains`); a month and the range of all its days are.
    """
    ia, ib = date_interval(a), date_interval(b)
    if ia is None or ib is None:
        return (a.start, a.end) == (b.start, b.end)
    return ia == ib


def contains(outer: DateMention, inner: DateMention) -> bool:
    """Whether every day of ``inner`` lies within ``outer`` ("this week" contains "June 18-19")."""
    io, ii = date_interval(outer), date_interval(inner)
    if io is None or ii is None:
        return False
    return io[0] <= ii[0] and ii[1] <= io[1]
