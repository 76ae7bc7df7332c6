"""Calendar arithmetic for date expressions: ISO strings, months and weeks, and the year of a yearless date.

What it does: writes resolved intervals as ISO text (``iso_day``, ``iso_month``, ``iso_year``, a
quarter as its first and last month), steps months and finds a week's Monday, and infers the year of
a day, month, quarter or holiday written without one (:func:`infer_year`):

Candidates are the published year and the years either side. With a cue in the expression's own
clause, the nearest candidate on the right side of publication wins (past: not after published,
future: not before; a day's slack for time zones and next-day papers). With only the sentence's
tense (often a reporting verb's), or when the expression modifies a noun ("the Aug. 7 blasts",
"the Jan. 14 deadline": the noun's time, not the verb's), the published year stands unless it puts
the date on the wrong side of publication and the year next to it is within 240 days. Without any
tense, the candidate nearest to publication wins (an article of January 7 mentioning "Nov. 25"
means the previous November).

Not here: reading tense from text (``facts.date_tense``), the rules that call these
(``facts.date_absolute``, ``facts.date_relative``), comparing resolved mentions (``facts.date_compare``).
Pure functions; no state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

Resolved = tuple[str, str, str, str]  # start, end, granularity, rule
Hit = tuple[tuple[int, int], Resolved | None]  # a rule's answer: the span it claims, its resolution (None: unresolved)


def iso_day(d: date) -> str:
    """A day as ISO text: "2024-06-18"."""
    return d.isoformat()


def iso_month(y: int, m: int) -> str:
    """A month as ISO text ("2024-06"); ValueError outside years 1-9999."""
    if not 1 <= y <= 9999:
        raise ValueError("year out of range")
    return f"{y:04d}-{m:02d}"


def iso_year(y: int) -> str:
    """A year as ISO text ("0800", "2024"); ValueError outside years 1-9999."""
    if not 1 <= y <= 9999:
        raise ValueError("year out of range")
    return f"{y:04d}"


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    """The year and month ``n`` months after month ``m`` of year ``y`` (``n`` may be negative)."""
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def monday_of(d: date) -> date:
    """The Monday of the ISO week of ``d``."""
    return d - timedelta(days=d.weekday())


_SLACK = timedelta(days=1)  # a date a day off publication keeps its tense (time zones, next-day papers)
_NEAR = 240  # days: how far across a new year a yearless date goes when only its sentence has a tense


def infer_year(pub: date, interval: Callable[[int], tuple[date, date] | None], tense: tuple[str | None, bool]) -> int:
    """The year of a day, month or quarter written without one (``interval(year)`` gives its days).

    Candidates are the published year and the years either side. With the tense of the
    event's own clause, the nearest candidate on the right side of publication wins (past:
    not after it, future: not before it, a day's slack). With only the sentence's tense
    (often a reporting verb's), the published year stands unless it puts the date on the wrong
    side and the year next to it is within 8 months. Without a tense, the nearest wins.
    """
    cands = [(y, iv) for y in (pub.year - 1, pub.year, pub.year + 1) if (iv := interval(y)) is not None]
    if not cands:
        return pub.year
    word, own = tense
    ok = {"past": lambda iv: iv[0] <= pub + _SLACK, "future": lambda iv: iv[1] >= pub - _SLACK}.get(word or "")
    if ok is None:
        return min(cands, key=lambda c: (_distance(c[1], pub), abs(c[0] - pub.year)))[0]
    right = sorted((c for c in cands if ok(c[1])), key=lambda c: _distance(c[1], pub))
    if own:
        return right[0][0] if right else pub.year
    same = [c for c in cands if c[0] == pub.year]
    if same and ok(same[0][1]):
        return pub.year
    if right and _distance(right[0][1], pub) <= _NEAR:
        return right[0][0]
    return pub.year


def _distance(interval: tuple[date, date], pub: date) -> int:
    first, last = interval
    if first <= pub <= last:
        return 0
    return (first - pub).days if first > pub else (pub - last).days


def day_interval(m: int, d: int) -> Callable[[int], tuple[date, date] | None]:
    """The days of day ``d`` of month ``m`` in a given year (None where that year has no such day)."""

    def interval(y: int) -> tuple[date, date] | None:
        day = safe_date(y, m, d)
        return None if day is None else (day, day)

    return interval


def quarter_interval(q: int) -> Callable[[int], tuple[date, date] | None]:
    """The days of quarter ``q`` (1-4) in a given year."""

    def interval(y: int) -> tuple[date, date] | None:
        ny, nm = add_months(y, 3 * q, 1)
        return date(y, 3 * q - 2, 1), date(ny, nm, 1) - timedelta(days=1)

    return interval


def month_interval(m: int) -> Callable[[int], tuple[date, date] | None]:
    """The days of month ``m`` in a given year."""

    def interval(y: int) -> tuple[date, date] | None:
        ny, nm = add_months(y, m, 1)
        return date(y, m, 1), date(ny, nm, 1) - timedelta(days=1)

    return interval


def safe_date(y: int, m: int, d: int) -> date | None:
    """The date, or None when the calendar has no such day."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def resolved_quarter(y: int, q: int, rule: str) -> Resolved:
    """Quarter ``q`` of year ``y`` as its first and last month, resolved by ``rule``."""
    return iso_month(y, 3 * q - 2), iso_month(y, 3 * q), "quarter", rule
