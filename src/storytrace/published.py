"""What a publication date is: the one rule for ``published``, and the only parser of it.

A publication date is an ISO 8601 date or date-time, as Python's
``datetime.fromisoformat`` reads it (``2024-06-17``, ``2024-06-17T09:30``,
``2024-06-17T09:30:00Z``, ``2024-06-17T09:30+05:30``, ``20240617``,
``2024-W25-1``), or a year (``2024``) or a year and month (``2024-06``, month
01-12), with ASCII digits, whose year (as written, before any offset is
applied) lies in :data:`MIN_YEAR`..:data:`MAX_YEAR`.

Why that range: Python's dates stop at years 1 and 9999. Turning a date-time
with an offset into UTC moves it by up to a day; the story windows add or
subtract days (30 and 60) as float seconds; relative dates in a text ("999
years ago", "in 999 years", at most three digits: see
:mod:`storytrace.facts.dates`) move the publication day by up to 999 years. With
years 1000-9000 none of these can leave 1..9999, so nothing downstream
overflows. Any real archive (printed news begins in the 1600s) fits.

``check`` is the rule, used wherever a date comes in (records, pages, feeds,
``--published``, the web form). The parsers (``parse_published``,
``published_day``, ``published_seconds``, ``sort_key``) never raise, and read
anything outside the rule as no date, so a store written by an older version
that let an edge date in (``0001-01-01``) still works.

:func:`counting_undated` counts, for one run, the articles read without a
publication day (:func:`note_undated`, called by the reader), and words the
one warning the command line gives about them (:func:`undated_warning`).

Three orders, one question each: ``order_key``, the order articles are
processed in (the store's replay order: the value as written, undated last);
``sort_key``, the order by time shown to people (the earliest instant is a
story's first publication); ``which_first``, which of two texts was published
first, the one rule of ``trace.precedence`` (a date alone is a day, and
neither precedes nor follows a time within it).

Does not: guess dates from text (see :mod:`storytrace.facts.dates`) or from
pages (:mod:`storytrace.ingest.html`), or rewrite the value: what is stored is
the string as given.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime

MIN_YEAR = 1000
MAX_YEAR = 9000
"""Publication years accepted (as written, inclusive): see the module docstring for why."""

_YEAR_OR_MONTH = re.compile(r"([0-9]{4})(?:-([0-9]{2}))?")
_DATE_YEAR = re.compile(r"([0-9]{4,})-[0-9]{2}")  # the year of what looks like a date, even one Python cannot hold
_EPOCH = datetime(1970, 1, 1)
_SHOWN = 40  # characters of a bad value quoted in a problem


def check(value: str, shown: str | None = None) -> str | None:
    """Why ``value`` is not a publication date, or None if it is one.

    The reason reads after "'published' is ": ``not an ISO 8601 date or
    date-time ('2024-13': no month 13)`` or ``outside the years 1000-9000
    ('0001-01-01')``. ``shown``: what to show in place of the quoted value.
    """
    reading = _read(value)
    shown = shown or _quoted(value)
    if isinstance(reading, str):
        return f"not an ISO 8601 date or date-time ({shown}{': ' + reading if reading else ''})"
    if not MIN_YEAR <= reading[0] <= MAX_YEAR:
        return f"outside the years {MIN_YEAR}-{MAX_YEAR} ({shown})"
    return None


def is_published(value: object) -> bool:
    """True when ``value`` is a publication date storytrace takes (see ``check``)."""
    return isinstance(value, str) and check(value) is None


def parse_published(value: object) -> datetime | None:
    """The instant of a publication date or date-time, as a naive UTC datetime; never raises.

    None for anything but a valid date at day precision or finer: no value,
    not ISO 8601, outside the years of the rule, or a year or month alone (a
    period, not an instant; such articles count as undated where instants are compared).
    """
    moment = _valid(value)
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def published_day(value: object) -> date | None:
    """The calendar day of a publication date as written (the writer's own day, before any offset); never raises.

    The day "yesterday" and "on Friday" are counted from. None as for ``parse_published``.
    """
    moment = _valid(value)
    return moment.date() if moment is not None else None


def published_seconds(value: object) -> float:
    """``parse_published`` as seconds since 1970-01-01 UTC; NaN when there is no instant. Never raises."""
    moment = parse_published(value)
    return (moment - _EPOCH).total_seconds() if moment is not None else math.nan


def sort_key(value: str | None) -> tuple[int, float, str]:
    """Sort key of a publication date: instants first, by time; then other non-empty values; then none."""
    if not value:
        return (2, 0.0, "")
    seconds = published_seconds(value)
    return (1, 0.0, value) if math.isnan(seconds) else (0, seconds, value)


def order_key(value: str | None) -> tuple[bool, str]:
    """The order articles are processed in: by the value as stored, undated last.

    What the store's replay gives (``published IS NULL, published``): ISO
    values written alike sort by time. Callers add their own tie-break (id, arrival).
    """
    return (value is None, value or "")


def which_first(a: str | None, b: str | None) -> int | None:
    """-1 if ``a`` was published before ``b``, 1 if after, 0 if neither is known to be first; None without two days.

    Two date-times compare as instants (UTC). A date alone is a whole day: a
    date-time within that day, the day as its writer wrote it (before any
    offset), is neither before nor after it (``2024-06-18T09:00Z`` against
    ``2024-06-18``: 0); a date-time on another day is. A year or month alone
    gives no day (None).
    """
    ta, tb = parse_published(a), parse_published(b)
    if ta is None or tb is None or a is None or b is None:
        return None
    first: datetime | date | None = ta
    second: datetime | date | None = tb
    if not (_has_time(a) and _has_time(b)):
        first, second = published_day(a), published_day(b)  # the days as written
    if first is None or second is None:
        return None
    return -1 if first < second else 1 if first > second else 0


def _has_time(value: str) -> bool:
    """Whether a valid publication date carries a time of day (``date.fromisoformat`` refuses it)."""
    try:
        date.fromisoformat(value)
    except ValueError:
        return True
    return False


def _valid(value: object) -> datetime | None:
    """The date-time ``value`` holds, as written, if it passes ``check`` and is finer than a month."""
    if not isinstance(value, str):
        return None
    reading = _read(value)
    if isinstance(reading, str) or not MIN_YEAR <= reading[0] <= MAX_YEAR:
        return None
    return reading[1]


def _read(value: str) -> tuple[int, datetime | None] | str:
    """``(year as written, moment as written)`` of an ISO date or date-time, else why not (maybe "").

    The moment is None for a year or a year and month alone. The year is not checked here.
    """
    period = _YEAR_OR_MONTH.fullmatch(value)
    if period is not None:
        month = period[2]
        if month is not None and not 1 <= int(month) <= 12:
            return f"no month {month}"
        return int(period[1]), None
    if not value.isascii():
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except (ValueError, TypeError, OverflowError) as exc:
        year = _DATE_YEAR.match(value)
        if year is not None and not 1 <= int(year[1]) <= 9999:  # year 0 or 10000: out of range, not malformed
            return int(year[1]), None
        reason = str(exc)
        return "" if reason.startswith("Invalid isoformat") else reason
    return moment.year, moment


def _quoted(value: str) -> str:
    """``value`` in quotes for a problem, cut short if long."""
    return repr(value if len(value) <= _SHOWN else value[:_SHOWN] + "…")


@dataclass
class UndatedTally:
    """How many articles a run read without a publication day."""

    count: int = 0


_UNDATED: ContextVar[UndatedTally | None] = ContextVar("storytrace_undated", default=None)


@contextmanager
def counting_undated() -> Iterator[UndatedTally]:
    """Count, while inside, the articles :func:`note_undated` is told of (outside, nothing is counted)."""
    tally = UndatedTally()
    token = _UNDATED.set(tally)
    try:
        yield tally
    finally:
        _UNDATED.reset(token)


def note_undated(published: str | None) -> None:
    """Count an article read with ``published`` if that gives no day (inside :func:`counting_undated`)."""
    tally = _UNDATED.get()
    if tally is not None and published_day(published) is None:
        tally.count += 1


def undated_warning(count: int) -> str | None:
    """The one line saying ``count`` articles have no publication date (None when none)."""
    if count <= 0:
        return None
    what = "1 article has" if count == 1 else f"{count} articles have"
    them = "it" if count == 1 else "them"
    return (
        f'{what} no publication date; relative dates ("Friday", "last week") in {them} are not resolved'
        " — give --published or a dateline (see README, input)"
    )
