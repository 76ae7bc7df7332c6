"""Tests of date mentions resolved against the publication date (fictional sentences, plus the seeds)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.facts.date_compare import contains, date_interval, same_time
from storytrace.facts.dates import DateMention, _scan, date_mentions, date_spans
from storytrace.published import published_day
from support.paths import SEEDS

MONDAY = "2024-06-17"  # a Monday


def resolved(text: str, published: str | None = MONDAY) -> list[tuple[str, str, str, str, str]]:
    """(text, start, end, granularity, rule) of every mention, checking the span invariant."""
    out = []
    for m in date_mentions(text, published):
        assert text[m.span[0] : m.span[1]] == m.text
        out.append((m.text, m.start, m.end, m.granularity, m.rule))
    return out


def one(text: str, published: str | None = MONDAY) -> tuple[str, str, str, str, str]:
    found = resolved(text, published)
    assert len(found) == 1, found
    return found[0]


def mention(text: str, start: str, end: str, granularity: str = "day") -> DateMention:
    return DateMention((0, len(text)), text, start, end, granularity, "test")


# --- weekdays and tense -------------------------------------------------------------------


def test_weekday_pair_in_the_future_is_one_range() -> None:
    assert one("The minister will visit Eskerby on Tuesday and Wednesday.") == (
        "Tuesday and Wednesday", "2024-06-18", "2024-06-19", "day", "weekday_future",
    )  # fmt: skip


def test_future_cue_before_wins_over_said_after() -> None:
    text = "The minister will visit Eskerby on Tuesday and Wednesday, the Kestrian palace said."
    assert one(text)[1:3] == ("2024-06-18", "2024-06-19")


def test_weekday_list_with_commas() -> None:
    text = "The Kestria fair will open on Friday, Saturday and Sunday."
    assert one(text)[1:3] == ("2024-06-21", "2024-06-23")


def test_weekday_range_with_to_in_the_past() -> None:
    assert one("The Eskerby strike lasted from Tuesday to Thursday.")[1:] == (
        "2024-06-11", "2024-06-13", "day", "weekday_past",
    )  # fmt: skip


def test_said_on_the_published_weekday_is_the_published_day() -> None:
    assert one("The Eskerby council said on Monday that the road would reopen.")[1:] == (
        "2024-06-17", "2024-06-17", "day", "weekday_past",
    )  # fmt: skip


def test_call_on_friday_in_the_past() -> None:
    text = "The Kestrian envoy discussed the plan in a phone call with Mara Quill on Friday."
    assert one(text)[1:3] == ("2024-06-14", "2024-06-14")


def test_past_cue_after_when_none_before() -> None:
    text = "During a call with the Eskerby mayor on Friday, the envoy raised concerns."
    assert one(text)[1:3] == ("2024-06-14", "2024-06-14")


def test_future_cue_after_when_none_before() -> None:
    assert one("On Friday, the Eskerby council will vote.")[1:3] == ("2024-06-21", "2024-06-21")


def test_future_on_the_published_weekday_is_next_week() -> None:
    assert one("The Eskerby council will vote on Monday.")[1:3] == ("2024-06-24", "2024-06-24")


def test_passive_defers_to_its_auxiliary() -> None:
    assert one("The Kestria games will be held on Thursday.")[1:4] == ("2024-06-20", "2024-06-20", "day")
    assert one("The Kestria games were held on Thursday.")[1:4] == ("2024-06-13", "2024-06-13", "day")


def test_other_future_cues() -> None:
    assert one("The Eskerby ferry is due to sail on Wednesday.")[1] == "2024-06-19"
    assert one("Mara Quill plans to visit Eskerby on Wednesday.")[1] == "2024-06-19"
    assert one("The Eskerby vote is expected on Wednesday.")[1] == "2024-06-19"


def test_due_to_meaning_because_of_is_not_future() -> None:
    assert one("The Eskerby match was cancelled due to rain on Saturday.")[1] == "2024-06-15"


def test_weekday_without_tense_cue_defaults_to_past() -> None:
    assert one("The Eskerby vote is on Thursday.")[1:] == ("2024-06-13", "2024-06-13", "day", "weekday_past")


def test_weekday_with_part_of_day() -> None:
    assert one("A storm struck Eskerby on Sunday night.") == (
        "Sunday night", "2024-06-16", "2024-06-16", "day", "weekday_past",
    )  # fmt: skip


def test_named_days_are_not_weekdays() -> None:
    assert resolved("Crowds gathered in Eskerby on Good Friday and Super Tuesday.") == []


def test_last_next_this_weekday() -> None:
    text = "Mara Quill met the envoy last Friday and will meet him next Friday and this Sunday."
    assert resolved(text) == [
        ("last Friday", "2024-06-14", "2024-06-14", "day", "weekday_relative"),
        ("next Friday", "2024-06-21", "2024-06-21", "day", "weekday_relative"),
        ("this Sunday", "2024-06-23", "2024-06-23", "day", "weekday_relative"),
    ]


def test_tense_is_read_in_the_same_sentence_only() -> None:
    text = "The Eskerby mayor will resign. The vote took place on Friday."
    assert one(text)[1] == "2024-06-14"
    text = "The Eskerby vote was close. The mayor will resign on Friday."
    assert one(text)[1] == "2024-06-21"


# --- absolute dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Kestria fair runs June 18-19.", ("June 18-19", "2024-06-18", "2024-06-19")),
        ("The Kestria fair runs June 18–19.", ("June 18–19", "2024-06-18", "2024-06-19")),
        ("The Kestria fair runs June 18 to 19.", ("June 18 to 19", "2024-06-18", "2024-06-19")),
        ("The Kestria fair runs 18-19 June.", ("18-19 June", "2024-06-18", "2024-06-19")),
        ("The Kestria fair runs June 30-July 2.", ("June 30-July 2", "2024-06-30", "2024-07-02")),
        ("The fair runs 30 June to 2 July 2025.", ("30 June to 2 July 2025", "2025-06-30", "2025-07-02")),
        ("The fair ran Dec. 30-Jan. 2, 2024.", ("Dec. 30-Jan. 2, 2024", "2023-12-30", "2024-01-02")),
    ],
)
def test_day_ranges(text: str, expected: tuple[str, str, str]) -> None:
    assert one(text) == (*expected, "day", "day_range")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Eskerby talks are on June 19.", ("June 19", "2024-06-19")),
        ("The Eskerby treaty was signed on 19 June 2024.", ("19 June 2024", "2024-06-19")),
        ("The Eskerby treaty was signed on June 19, 2024 at noon.", ("June 19, 2024", "2024-06-19")),
        ("The Eskerby treaty was signed on Jun. 19, 2024.", ("Jun. 19, 2024", "2024-06-19")),
        ("The Eskerby fair opens on Tuesday, June 18.", ("Tuesday, June 18", "2024-06-18")),
        ("The Eskerby fair opens on the 18th of June.", ("18th of June", "2024-06-18")),
        ("The Eskerby fair opened on 2023-06-18.", ("2023-06-18", "2023-06-18")),
    ],
)
def test_single_dates(text: str, expected: tuple[str, str]) -> None:
    found = one(text)
    assert found[:3] == (expected[0], expected[1], expected[1])
    assert found[3] == "day"
    assert found[4] in ("date", "iso_date")


def test_year_inference_past_moves_back_a_year() -> None:
    assert one("Mara Quill said the flood struck Eskerby on June 20.")[1] == "2023-06-20"


def test_year_inference_future_moves_forward_a_year() -> None:
    assert one("The Eskerby bridge will open on January 5.")[1] == "2025-01-05"


def test_year_inference_without_cue_keeps_published_year() -> None:
    assert one("The Eskerby talks are on January 5.")[1] == "2024-01-05"
    assert one("The Eskerby talks are on June 20.")[1] == "2024-06-20"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Protesters planned a march in Eskerby on Saturday.", "2024-06-22"),  # planned: an event ahead
        ("The Eskerby team planned to leave on Thursday.", "2024-06-20"),
        ("Mara Quill vowed on Saturday to rebuild the bridge.", "2024-06-15"),  # the vow is past, not the rebuilding
        ("On Friday, a hastily planned trip to Eskerby was cancelled.", "2024-06-14"),
        ("The ferry docked next to the Eskerby pier on Friday.", "2024-06-14"),  # "next to": a place
        ("The Eskerby officials could not be reached on Friday.", "2024-06-14"),  # "could be": not future
        ("The relatives of Mara Quill will contest Wednesday's ruling.", "2024-06-12"),  # a possessive: past
        ("The Eskerby hearing was postponed until Tuesday.", "2024-06-18"),
        ("The Kestrian envoy could arrive in Eskerby as soon as Thursday.", "2024-06-20"),
        ("President Mara Quill Saturday vowed to find the culprits.", "2024-06-15"),
    ],
)
def test_weekday_follows_the_event_not_the_reporting_verb(text: str, expected: str) -> None:
    assert one(text)[1] == expected


@pytest.mark.parametrize(
    ("published", "text", "expected"),
    [
        ("2024-01-05", "Mara Quill was rescued on Dec. 28 by fishermen.", "2023-12-28"),
        ("2024-01-05", "Eskerby still counts the cost of the Dec. 28 storm.", "2023-12-28"),  # nearest without tense
        # the reporting clause is past, the ceremony is not: the published year stands
        ("2024-02-16", "The mayor invited the envoys to a ceremony in Eskerby, Kestria, on March 12.", "2024-03-12"),
        ("2024-08-18", "Aid for towns where the Aug. 7 floods killed 20 people would help.", "2024-08-07"),
        ("2024-10-25", "The Gazette said in an editorial on Saturday, Oct. 26 that it was wrong.", "2024-10-26"),
        ("2024-10-27", "Kestria Bank said it will redeem all of its outstanding notes on Oct. 31.", "2024-10-31"),
        ("2024-02-10", "The alliance has decided to admit Kestria in early March, an official said.", "2024-03"),
        ("2024-12-05", "Kestria can take part in planning for the Eskerby summit in April.", "2025-04"),
        ("2024-03-29", "The relatives may lose when the case is heard in May, Mara Quill said.", "2024-05"),
        ("2024-05-06", "Police have been searching for him since the Oct. 23 attack in Eskerby.", "2023-10-23"),
        ("2024-10-25", "In January, a week after the Kestria vs. Eskerby final, Mara Quill resigned.", "2024-01"),
        # a participle after a verb of state is a state, not a past event: the modal decides
        ("2026-03-02", "Officials said the pier would remain closed until April 20, when repairs end.", "2026-04-20"),
    ],
)
def test_year_of_a_yearless_date_follows_its_own_clause(published: str, text: str, expected: str) -> None:
    assert one(text, published)[1] == expected


@pytest.mark.parametrize(
    ("published", "text", "expected"),
    [
        # quarters: the quarter of the published year unless it is still ahead and the clause is past
        (
            "2024-10-27",
            "Kestria Mills posted a third-quarter loss.",
            ("third-quarter", "2024-07", "2024-09", "quarter"),
        ),
        (
            "2024-10-27",
            "Kestria Mills expects a profit in the fourth quarter.",
            ("fourth quarter", "2024-10", "2024-12"),
        ),
        ("2024-02-01", "Kestria Mills earned less in the fourth quarter.", ("fourth quarter", "2023-10", "2023-12")),
        ("2024-02-01", "Kestria Mills will cut jobs in the second quarter.", ("second quarter", "2024-04", "2024-06")),
        ("2024-06-17", "Sales fell in the first quarter of 2022.", ("first quarter of 2022", "2022-01", "2022-03")),
        ("2024-06-17", "Sales fell in 2022's third quarter.", ("2022's third quarter", "2022-07", "2022-09")),
        ("2024-06-17", "Sales fell last quarter.", ("last quarter", "2024-01", "2024-03")),
        ("2024-01-10", "Sales fell last quarter.", ("last quarter", "2023-10", "2023-12")),
        # fiscal and bare years, years earlier
        ("2024-06-17", "Kestria Mills lost money in fiscal 2023.", ("fiscal 2023", "2023", "2023", "year")),
        ("2024-06-17", "Survivors of the 1998 bombing met in Eskerby.", ("1998", "1998", "1998", "year")),
        ("2024-06-17", "A 1996 law named for Mara Quill still stands.", ("1996", "1996", "1996", "year")),
        ("2024-06-17", "The post-1959 politics of Kestria split families.", ("1959", "1959", "1959", "year")),
        ("2024-06-17", "Kestria's 2019 census counted the towns.", ("2019", "2019", "2019", "year")),
        ("2024-06-17", "Profit rose from 4 million a year earlier.", ("a year earlier", "2023", "2023", "year")),
        ("2024-06-17", "Eskerby has been quiet since the end of 2019.", ("2019", "2019", "2019", "year")),
        # months modifying a noun, months with a relative year
        ("2024-02-10", "The March accession will let Kestria vote.", ("March", "2024-03", "2024-03", "month")),
        ("2024-06-17", "Kestria joins the league in April next year.", ("April next year", "2025-04", "2025-04")),
        # holidays
        (
            "2024-01-07",
            "Mara Quill was found on Thanksgiving Day clinging to a raft.",
            ("Thanksgiving Day", "2023-11-23"),
        ),
        ("2024-02-10", "Mara Quill was found last Thanksgiving.", ("last Thanksgiving", "2023-11-23")),
        ("2024-10-26", "The campaign runs from now to Election Day.", ("Election Day", "2024-11-05")),
    ],
)
def test_quarters_years_and_holidays(published: str, text: str, expected: tuple[str, ...]) -> None:
    found = one(text, published)
    assert found[: len(expected)] == expected


@pytest.mark.parametrize(
    "text", ["The 2000 troops left Eskerby.", "Eskerby went Christmas shopping.", "The May cabinet met."]
)
def test_year_holiday_and_month_look_alikes(text: str) -> None:
    assert resolved(text) == []  # a count, a holiday word that is no day, "May" the name


def test_month_year() -> None:
    assert one("Kestria last hosted the games in July 2000.") == (
        "July 2000", "2000-07", "2000-07", "month", "month_year",
    )  # fmt: skip
    assert one("Kestria last hosted the games in July of 2000.")[1:3] == ("2000-07", "2000-07")


def test_years_after_prepositions() -> None:
    assert resolved("Eskerby has grown since 2019 and will double by 2030.") == [
        ("2019", "2019", "2019", "year", "year"),
        ("2030", "2030", "2030", "year", "year"),
    ]
    assert resolved("Eskerby grew in mid-2019.") == [("2019", "2019", "2019", "year", "year")]


def test_year_ranges() -> None:
    assert resolved("Output grew 2019-2021, then from 2010 to 2012, and in 2019/20.") == [
        ("2019-2021", "2019", "2021", "year", "year_range"),
        ("from 2010 to 2012", "2010", "2012", "year", "year_range"),
        ("2019/20", "2019", "2020", "year", "year_range"),
    ]


def test_invalid_calendar_dates_are_dropped() -> None:
    assert resolved("Neither June 31 nor 32 June nor 2023-02-30 exists.") == []


def test_not_dates() -> None:
    assert resolved("Eskerby counted 2019 votes. Kestria may vote. The 1990s were calm.") == []
    assert resolved("The plan was criticised by May and backed after May spoke.") == []


# --- relative expressions -----------------------------------------------------------------


def test_this_last_next_week() -> None:
    assert resolved("Eskerby hosts talks this week, after last week's storm and before next week's vote.") == [
        ("this week", "2024-06-17", "2024-06-23", "week", "relative_week"),
        ("last week", "2024-06-10", "2024-06-16", "week", "relative_week"),
        ("next week", "2024-06-24", "2024-06-30", "week", "relative_week"),
    ]


def test_week_of_a_sunday_publication() -> None:
    assert one("Eskerby hosts talks this week.", "2024-06-23")[1:3] == ("2024-06-17", "2024-06-23")


def test_weekends() -> None:
    assert resolved("Eskerby flooded last weekend and dries out this weekend.") == [
        ("last weekend", "2024-06-15", "2024-06-16", "day", "relative_weekend"),
        ("this weekend", "2024-06-22", "2024-06-23", "day", "relative_weekend"),
    ]


def test_today_yesterday_tomorrow_tonight() -> None:
    assert resolved("Yesterday it rained; today it shines; tomorrow and tonight it snows.") == [
        ("Yesterday", "2024-06-16", "2024-06-16", "day", "relative_day"),
        ("today", "2024-06-17", "2024-06-17", "day", "relative_day"),
        ("tomorrow", "2024-06-18", "2024-06-18", "day", "relative_day"),
        ("tonight", "2024-06-17", "2024-06-17", "day", "relative_day"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # letters a case-blind pattern takes for i, s and k: dotless and dotted i (Turkish keyboards), the long s
        ("It rained yeſterday.", ("yeſterday", "2024-06-16", "2024-06-16", "day", "relative_day")),  # was today
        ("The vote was held thıs week.", ("thıs week", "2024-06-17", "2024-06-23", "week", "relative_week")),
        ("Trade rose laſt month.", ("laſt month", "2024-05", "2024-05", "month", "relative_month")),
        ("Eskerby flooded fıve years ago.", ("fıve years ago", "2019", "2019", "year", "years_ago")),
        ("Eskerby flooded sıx days ago.", ("sıx days ago", "2024-06-11", "2024-06-11", "day", "days_ago")),
        ("It snows tonıght.", ("tonıght", "2024-06-17", "2024-06-17", "day", "relative_day")),
        ("THİS WEEK the vote was held.", ("THİS WEEK", "2024-06-17", "2024-06-23", "week", "relative_week")),
    ],
)
def test_letters_that_case_blind_patterns_read_as_ascii(text: str, expected: tuple[str, ...]) -> None:
    assert one(text) == expected


def test_months_and_years_relative() -> None:
    assert resolved("Trade rose last month, grows this month and next month; this year, last year, next year.") == [
        ("last month", "2024-05", "2024-05", "month", "relative_month"),
        ("this month", "2024-06", "2024-06", "month", "relative_month"),
        ("next month", "2024-07", "2024-07", "month", "relative_month"),
        ("this year", "2024", "2024", "year", "relative_year"),
        ("last year", "2023", "2023", "year", "relative_year"),
        ("next year", "2025", "2025", "year", "relative_year"),
    ]


def test_last_month_across_new_year() -> None:
    assert one("Trade rose last month.", "2024-01-10")[1] == "2023-12"


def test_rolling_periods_are_skipped() -> None:
    assert resolved("Trade rose over the last year and the next week looks calm.") == []


def test_last_next_this_named_month() -> None:
    assert resolved("Kestria voted last September and last January, votes next March and this September.") == [
        ("last September", "2023-09", "2023-09", "month", "month_relative"),
        ("last January", "2024-01", "2024-01", "month", "month_relative"),
        ("next March", "2025-03", "2025-03", "month", "month_relative"),
        ("this September", "2024-09", "2024-09", "month", "month_relative"),
    ]


def test_last_june_in_june_is_a_year_back() -> None:
    assert one("Kestria voted last June.")[1] == "2023-06"


def test_bare_month_follows_tense() -> None:
    assert one("Mara Quill visited Eskerby in September.") == ("September", "2023-09", "2023-09", "month", "month")
    assert one("Mara Quill will visit Eskerby in September.")[1] == "2024-09"
    assert one("Mara Quill will visit Eskerby in March.")[1] == "2025-03"
    assert one("Eskerby is busy in March.")[1] == "2024-03"
    assert one("Eskerby was flooded in mid-March.")[1] == "2024-03"


@pytest.mark.parametrize(
    "text", ["The ice age ended 10,000 years ago.", "The mine closed 1.5 years ago.", "It began 2,500 days ago."]
)
def test_ago_after_a_longer_number_is_not_its_last_digits(text: str) -> None:
    assert resolved(text) == []  # was "000 years ago" (the publication year), "5 years ago", "500 days ago"


def test_years_ago_and_first_time_in_years() -> None:
    assert one("Mara Quill visited Eskerby 24 years ago.") == ("24 years ago", "2000", "2000", "year", "years_ago")
    text = "Mara Quill will visit Eskerby this week for the first time in 24 years."
    assert resolved(text)[1] == ("in 24 years", "2000", "2000", "year", "years_ago")
    assert one("Eskerby prices hit the highest level in ten years.")[1:] == ("2014", "2014", "year", "years_ago")
    assert one("No Kestrian leader has visited in 5 years.")[1] == "2019"


def test_in_years_ahead() -> None:
    assert one("The Eskerby tunnel will be finished in five years.")[1:] == ("2029", "2029", "year", "years_ahead")
    assert one("The Eskerby tunnel opens in two years' time.")[1] == "2026"


def test_other_units_ago() -> None:
    assert resolved("Prices fell three months ago, two weeks ago, 5 days ago and a year ago.") == [
        ("three months ago", "2024-03", "2024-03", "month", "months_ago"),
        ("two weeks ago", "2024-06-03", "2024-06-09", "week", "weeks_ago"),
        ("5 days ago", "2024-06-12", "2024-06-12", "day", "days_ago"),
        ("a year ago", "2023", "2023", "year", "years_ago"),
    ]


def test_vague_phrases_are_skipped() -> None:
    assert resolved("Eskerby last flooded two decades ago, and in recent months it was dry.") == []


# --- publication date, odd input, spans --------------------------------------------------


def test_without_published_only_absolute_expressions_resolve() -> None:
    text = "The fair ran June 18-19, on Friday, this week, in 2019, from 2010 to 2012 and in July 2000."
    expected = [
        ("2019", "2019", "2019", "year", "year"),
        ("from 2010 to 2012", "2010", "2012", "year", "year_range"),
        ("July 2000", "2000-07", "2000-07", "month", "month_year"),
    ]
    assert resolved(text, None) == expected
    assert resolved(text, "not a date") == expected
    assert resolved(text, "2024-13-45") == expected


@pytest.mark.parametrize(
    "published", ["2024-06-17", "2024-06-17T23:30:00Z", "2024-06-17 08:00", "2024-06-17T08:00+02:00"]
)
def test_published_formats(published: str) -> None:
    assert one("Eskerby voted today.", published)[1] == "2024-06-17"


def test_parse_published_rejects_junk() -> None:
    assert published_day(None) is None
    assert published_day("") is None
    assert published_day("yesterday") is None
    assert published_day(20240617) is None


def test_empty_and_odd_text() -> None:
    assert date_mentions("", MONDAY) == []
    assert date_mentions("   \n\n", None) == []
    assert date_mentions("İstanbul voted on Friday.", MONDAY)[0].text == "Friday"


def test_spans_restrict_and_keep_offsets() -> None:
    text = "Header June 19. Body: the Eskerby vote was on Friday. Footer 2024-01-01."
    body = (text.index("Body"), text.index(" Footer"))
    found = date_mentions(text, MONDAY, [body])
    assert [(m.text, m.span, m.start) for m in found] == [
        ("Friday", (text.index("Friday"), text.index("Friday") + 6), "2024-06-14")
    ]
    assert date_mentions(text, MONDAY, []) == []
    assert date_mentions(text, MONDAY, [(-5, 3), (60, 10_000)])[0].text == "2024-01-01"


def test_date_spans_include_unresolvable_expressions() -> None:
    text = "The fair ran June 18-19 and today, 24 years ago."
    assert [text[s:e] for s, e in date_spans(text)] == ["June 18-19", "today", "24 years ago"]


# --- comparison ---------------------------------------------------------------------------


def test_same_time() -> None:
    visit = date_mentions("Mara Quill will visit Eskerby on Tuesday and Wednesday.", MONDAY)[0]
    quoted = date_mentions("Mara Quill will visit Eskerby on June 18-19.", MONDAY)[0]
    assert same_time(visit, quoted)
    assert same_time(mention("July 2000", "2000-07", "2000-07", "month"), mention("x", "2000-07-01", "2000-07-31"))
    assert not same_time(visit, mention("June 19-20", "2024-06-19", "2024-06-20"))
    assert not same_time(mention("2000", "2000", "2000", "year"), mention("July 2000", "2000-07", "2000-07", "month"))


def test_contains_and_interval() -> None:
    week = date_mentions("Mara Quill will visit Eskerby this week.", MONDAY)[0]
    days = date_mentions("Mara Quill will visit Eskerby on June 18-19.", MONDAY)[0]
    assert contains(week, days) and not contains(days, week)
    assert contains(mention("2000", "2000", "2000", "year"), mention("July 2000", "2000-07", "2000-07", "month"))
    from datetime import date

    assert date_interval(mention("Feb 2024", "2024-02", "2024-02", "month")) == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_interval(mention("junk", "soon", "later")) is None
    assert not same_time(mention("junk", "soon", "later"), days)


# --- properties ---------------------------------------------------------------------------

PIECES = [
    "June 18-19", "the minister will visit on Tuesday and Wednesday", "said on Monday", "in 2019", "24 years ago",
    "for the first time in 24 years", "last September", "this week", "the last year", "from 2010 to 2012",
    "2024-06-18", "Tuesday, June 18, 2024", "30 June to 2 July", "in mid-June", "Good Friday", " ", "\n", ". ",
    ", ", "and", "3 people", "x" * 45, "Eskerby", "tomorrow", "a year ago", "next Friday", "in five years' time",
    "July 2000", "İ", "—", "May", "in May", "Dec. 30-Jan. 2", "third-quarter loss", "the 1998 bombing",
    "fiscal 1989", "a year earlier", "on Thanksgiving Day", "the March vote", "April next year", "last quarter",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25), st.sampled_from([MONDAY, None, "2024-01-01", "bad"]))
def test_spans_hold_and_windows_change_nothing(pieces: list[str], published: str | None) -> None:
    text = " ".join(pieces)
    found = date_mentions(text, published)
    for m in found:
        assert text[m.span[0] : m.span[1]] == m.text
        assert m.granularity in ("day", "week", "month", "quarter", "year")
        assert date_interval(m) is not None
    assert all(a.span[1] <= b.span[0] for a, b in zip(found, found[1:], strict=False))
    pub = published_day(published)
    assert _scan(text, pub, None, windowed=True) == _scan(text, pub, None, windowed=False)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.lists(st.tuples(st.integers(-10, 250), st.integers(-10, 250)), max_size=3))
def test_arbitrary_text_never_raises(text: str, spans: list[tuple[int, int]]) -> None:
    for m in date_mentions(text, MONDAY, spans):
        assert text[m.span[0] : m.span[1]] == m.text


# --- the seeds ----------------------------------------------------------------------------


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip("../shared/seeds is absent")
    return path.read_text(encoding="utf-8")


def _intervals(text: str) -> dict[str, tuple[str, str]]:
    return {m.text: (m.start, m.end) for m in date_mentions(text, "2024-06-17")}


def test_seed_a_gold_agreements() -> None:
    found = _intervals(_seed("000_14e98fc3686cf210.txt"))
    assert found["Tuesday and Wednesday"] == ("2024-06-18", "2024-06-19")
    assert found["June 18-19"] == ("2024-06-18", "2024-06-19")
    assert found["June 19-20"] == ("2024-06-19", "2024-06-20")
    assert found["July 2000"] == ("2000-07", "2000-07")
    assert found["last September"] == ("2023-09", "2023-09")


def test_seed_b_gold_agreements() -> None:
    text = _seed("002_fb04e2e8c0c1a0bd.txt")
    found = _intervals(text)
    assert found["June 18-19"] == ("2024-06-18", "2024-06-19")
    assert found["this week"] == ("2024-06-17", "2024-06-23")
    assert found["Wednesday and Thursday"] == ("2024-06-19", "2024-06-20")
    assert found["July 2000"] == ("2000-07", "2000-07")
    assert found["in 24 years"] == ("2000", "2000")
    assert found["September"] == ("2023-09", "2023-09")
    assert found["Monday"] == ("2024-06-17", "2024-06-17")


def test_seed_pairs_agree_after_resolution() -> None:
    a = date_mentions(_seed("000_14e98fc3686cf210.txt"), "2024-06-17")
    b = date_mentions(_seed("002_fb04e2e8c0c1a0bd.txt"), "2024-06-17")
    by_a = {m.text: m for m in a}
    by_b = {m.text: m for m in b}
    assert same_time(by_a["Tuesday and Wednesday"], by_b["June 18-19"])
    assert contains(by_b["this week"], by_a["Tuesday and Wednesday"])
    assert same_time(by_a["June 19-20"], by_b["Wednesday and Thursday"])
    assert same_time(by_a["July 2000"], by_b["July 2000"])
    assert contains(by_b["in 24 years"], by_a["July 2000"])
    assert same_time(by_a["last September"], by_b["September"])
