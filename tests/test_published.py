"""Tests for storytrace.published: the rule of what a publication date is, and parsers that never raise."""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storytrace.facts.date_compare import date_interval
from storytrace.facts.dates import date_mentions
from storytrace.model import Article
from storytrace.pipeline import member_order
from storytrace.published import (
    MAX_YEAR,
    MIN_YEAR,
    check,
    is_published,
    order_key,
    parse_published,
    published_day,
    published_seconds,
    sort_key,
    which_first,
)
from storytrace.store import Store

# value -> the start of check()'s reason (None: a publication date), its UTC instant, its day as written
DATES: list[tuple[str, str | None, datetime | None, date | None]] = [
    ("2024", None, None, None),
    ("2024-06", None, None, None),
    ("2024-06-17", None, datetime(2024, 6, 17), date(2024, 6, 17)),
    ("20240617", None, datetime(2024, 6, 17), date(2024, 6, 17)),
    ("2024-06-17T09:30", None, datetime(2024, 6, 17, 9, 30), date(2024, 6, 17)),
    ("2024-06-17T09:30:00Z", None, datetime(2024, 6, 17, 9, 30), date(2024, 6, 17)),
    ("2024-06-17T23:30:00-05:00", None, datetime(2024, 6, 18, 4, 30), date(2024, 6, 17)),
    ("2024-06-17T01:00:00+05:30", None, datetime(2024, 6, 16, 19, 30), date(2024, 6, 17)),
    ("1000-01-01T00:00:00+05:00", None, datetime(999, 12, 31, 19), date(1000, 1, 1)),
    ("9000-12-31T23:59:00-23:59", None, datetime(9001, 1, 1, 23, 58), date(9000, 12, 31)),
    ("0001-01-01", "outside the years 1000-9000 ('0001-01-01')", None, None),
    ("9999-12-31T23:00:00-05:00", "outside the years 1000-9000", None, None),
    ("0001-01-01T03:00:00+05:00", "outside the years 1000-9000", None, None),
    ("0999-12-31", "outside the years", None, None),
    ("9001-01-01", "outside the years", None, None),
    ("0000", "outside the years 1000-9000 ('0000')", None, None),
    ("9999", "outside the years", None, None),
    ("2024-13", "not an ISO 8601 date or date-time ('2024-13': no month 13)", None, None),
    ("2024-00", "not an ISO 8601 date or date-time ('2024-00': no month 00)", None, None),
    ("2024-02-30", "not an ISO 8601 date or date-time ('2024-02-30': day is out of range for month)", None, None),
    ("0000-06-17", "outside the years 1000-9000 ('0000-06-17')", None, None),
    ("10000-01-01T04:00:00Z", "outside the years 1000-9000 ('10000-01-01T04:00:00Z')", None, None),
    ("10000-13-45", "outside the years", None, None),
    ("2024-06-1", "not an ISO 8601 date or date-time ('2024-06-1')", None, None),
    ("2024-06-17T24:00", "not an ISO 8601 date or date-time", None, None),
    ("yesterday", "not an ISO 8601 date or date-time ('yesterday')", None, None),
    ("٢٠٢٤", "not an ISO 8601", None, None),  # Arabic-Indic digits: \d would take them
    ("２０２４-06-17", "not an ISO 8601", None, None),
    (" 2024-06-17", "not an ISO 8601", None, None),
    ("", "not an ISO 8601 date or date-time ('')", None, None),
]


@pytest.mark.parametrize(("value", "problem", "instant", "day"), DATES)
def test_the_rule_and_the_parsers_agree(
    value: str, problem: str | None, instant: datetime | None, day: date | None
) -> None:
    found = check(value)
    assert (found is None) == (problem is None), found
    assert problem is None or (found is not None and found.startswith(problem)), found
    assert is_published(value) == (problem is None)
    assert parse_published(value) == instant
    assert published_day(value) == day
    seconds = published_seconds(value)
    assert math.isnan(seconds) if instant is None else seconds == (instant - datetime(1970, 1, 1)).total_seconds()


RELATIVE = (
    "The bridge was built 999 years ago and will stand in 999 years' time, the mayor said yesterday. "
    "It opened 999 months ago and closed 999 days ago; repairs start next week and end next year."
)


@pytest.mark.parametrize("published", [f"{MIN_YEAR}-01-01T00:00:00+14:00", f"{MAX_YEAR}-12-31T23:59:59-23:59"])
def test_the_range_leaves_room_for_relative_dates_and_offsets(published: str) -> None:
    # relative dates move the day by up to 999 years (three digits in a text); an offset moves it under a day
    found = date_mentions(RELATIVE, published)
    assert {m.rule for m in found} >= {
        "years_ago",
        "years_ahead",
        "months_ago",
        "days_ago",
        "relative_week",
        "relative_year",
    }
    assert all(date_interval(m) is not None for m in found)
    assert parse_published(published) is not None and not math.isnan(published_seconds(published))


def test_a_long_bad_value_is_cut_short_in_the_reason() -> None:
    reason = check("x" * 500)
    assert reason is not None and len(reason) < 120 and "…" in reason


def test_sort_key_puts_instants_first_then_other_values_then_none() -> None:
    values = [None, "2024", "0001-01-01", "2024-06-17T10:00:00+02:00", "", "2024-06-17T07:00:00Z"]
    ordered = sorted(values, key=sort_key)
    assert ordered[:2] == ["2024-06-17T07:00:00Z", "2024-06-17T10:00:00+02:00"]
    assert set(ordered[2:4]) == {"2024", "0001-01-01"} and set(ordered[4:]) == {None, ""}


# (a, b, which_first(a, b)): -1 a first, 1 b first, 0 neither known to be first, None no two days
WHICH_FIRST: list[tuple[str | None, str | None, int | None]] = [
    ("2031-03-14T09:00Z", "2031-03-14", 0),  # a time within a dated day: neither before nor after it
    ("2031-03-14", "2031-03-14T23:59:59Z", 0),
    ("2031-03-14T01:00+05:00", "2031-03-14", 0),  # the writer's day (13 March 20:00 in UTC)
    ("2031-03-14T23:00-05:00", "2031-03-14", 0),  # the writer's day (15 March 04:00 in UTC)
    ("2031-03-13T23:00Z", "2031-03-14", -1),
    ("2031-03-15T00:10Z", "2031-03-14", 1),
    ("2031-03-14T09:00Z", "2031-03-14T09:30Z", -1),  # two times: instants
    ("2031-03-14T09:00+02:00", "2031-03-14T08:00Z", -1),  # 07:00 UTC before 08:00 UTC
    ("2031-03-14T09:00Z", "2031-03-14T09:00:00+00:00", 0),
    ("2031-03-14", "20310315", -1),
    ("2031-03-14", "2031-03-14", 0),
    ("2031-03", "2031-03-14", None),  # a month gives no day
    (None, "2031-03-14", None),
    ("soon", "2031-03-14", None),
]


@pytest.mark.parametrize(("a", "b", "first"), WHICH_FIRST)
def test_which_first_reads_a_date_alone_as_a_day(a: str | None, b: str | None, first: int | None) -> None:
    assert which_first(a, b) == first
    assert which_first(b, a) == (None if first is None else -first)


def test_order_key_is_the_stored_value_undated_last() -> None:
    values = [None, "2031-03-14T09:00Z", "2031-03", "2031-03-14", None, "2031-03-13T23:00-05:00"]
    assert sorted(values, key=order_key) == [
        "2031-03", "2031-03-13T23:00-05:00", "2031-03-14", "2031-03-14T09:00Z", None, None
    ]  # fmt: skip


@given(st.one_of(st.text(), st.none(), st.integers(), st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:+Z-]{0,14}")))
def test_the_parsers_never_raise(value: object) -> None:
    instant = parse_published(value)
    day = published_day(value)
    sort_key(value if isinstance(value, str) else None)
    which_first(value if isinstance(value, str) else None, "2031-03-14")
    if isinstance(value, str):
        check(value)
    if instant is not None:
        assert is_published(value) and day is not None
        assert MIN_YEAR - 1 <= instant.year <= MAX_YEAR + 1


def test_the_store_replays_in_order_key_order(tmp_path: Path) -> None:
    dates = ["2031-03-14T09:00Z", None, "2031-03", "2031-03-14", "2031-03-13T23:00-05:00", "2031-03-14T08:00+02:00"]
    articles = [Article(id=f"a{k}", text=f"Fictional notice number {k}.", published=d) for k, d in enumerate(dates)]
    with Store(tmp_path / "order.db") as store:
        store.add(articles)
        replayed = store.ids_in_time_order()
    assert replayed == [a.id for a in sorted(articles, key=member_order)]
