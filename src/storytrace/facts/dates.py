"""Date expressions in article text, resolved to calendar intervals against the publication date.

What it does: finds the time expressions a news article uses ("June 18-19", "19 June 2024",
"July 2000", "in 2019", "will visit ... on Tuesday and Wednesday", "said on Monday", "this
week", "last September", "24 years ago", "for the first time in 24 years") and resolves each
to an interval of days, a week, a month, a quarter or a year, so that two sources that word the same
time differently can be compared (:func:`same_time`, :func:`contains`, :func:`date_interval`).
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

Tense (weekdays, dates, months and quarters without a year, "in N years") is the tense of the
event's own clause: the stretch of the sentence between punctuation and clause words ("that",
"which", "when", "and", ...) around the expression, its nearest cue before or after it. An
infinitive between a cue and the expression hides the cue ("subpoenaed him to testify on Feb.
10": the testimony's date), except an intent right before its "to" ("planned to leave on
Thursday": future). When the clause has no cue, the sentence decides as before: the nearest
cue before the expression, else after it. Future cues: will, shall, 'll, won't, would,
should, must, might, may (not before "have"), next (not "next to"), upcoming, scheduled,
planned and planning (before the expression), expected, tomorrow; "be" after "to" or a modal;
"due" after a form of "be"; plan(s), intend(s), aim(s), going, set, ready, likely, and verbs
of intent (decided, agreed, promised, vowed, hoped, wanted, ...) before "to" when they precede
the expression. Past cues: said, was, were, had, did, been, told, ago, yesterday, earlier,
previously, last, common irregular past forms (met, held, took, ...) and lower-case words
ending in "-ed" (a short list of non-verbs like "hundred", "indeed" excepted). A participle
right after a form of "be" ("will be held", "was held") or a verb of state ("would remain
closed") defers to that auxiliary. Present
tense decides nothing. Sentences end at every line break, and at . ! ? … followed by a
capital or digit except after an initial ("U.S."), a title (Mr, Dr, Sen, Gen, ...), "vs" or a
month abbreviation.

Weekdays: future when the tense is future, or after "as soon as", or after "until" with a verb
of putting off ("postponed until Tuesday"); a possessive ("Wednesday's ruling") is past unless
"ahead of" or "upcoming" precedes it; otherwise past (the most recent such day up to
published, the usual reading in news reports).

Year of a date, month, quarter or holiday written without a year: candidates are the
published year and the years either side. With a cue in the expression's own clause, the
nearest candidate on the right side of publication wins (past: not after published, future:
not before; a day's slack for time zones and next-day papers). With only the sentence's tense
(often a reporting verb's), or when the expression modifies a noun ("the Aug. 7 blasts", "the
Jan. 14 deadline": the noun's time, not the verb's), the published year stands unless it puts
the date on the wrong side of publication and the year next to it is within 240 days.
Without any tense, the candidate nearest to publication wins (an article of January 7
mentioning "Nov. 25" means the previous November).

Without a usable publication date (None or not ISO), only absolute expressions resolve (dates
and months with a year, year ranges, "in 2019"); the others are found but not returned.

Deliberately not here: times of day, numeric dates other than ISO ("18/06/2024" is ambiguous
between day-first and month-first), seasons ("last summer"), halves ("the first half"), decades
("the 1990s", "two decades ago"), expressions anchored on another event ("the day after his
death", "later that year", "four months after he was elected"), other vague phrases ("in recent
months"), approximate counts ("more than 20 years ago"), Easter and other movable feasts,
holidays of other countries, time zones, and any language other than English. Expressions are matched on
capitalised month and weekday names ("June", "Tuesday"), as news copy writes them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from storytrace.published import published_day
from storytrace.text.tokens import word_key

__all__ = ["DateMention", "contains", "date_interval", "date_mentions", "date_spans", "same_time"]


@dataclass(frozen=True)
class DateMention:
    """One time expression found in a text and the interval it resolves to."""

    span: tuple[int, int]  # [start, end) code-point offsets into the text given
    text: str  # text[span[0]:span[1]]
    start: str  # resolved ISO: "2024-06-18", or "2024-06" (month), or "2000" (year)
    end: str  # same granularity (a week: its Monday and Sunday); == start for a single day/month/year
    granularity: str  # "day" | "week" | "month" | "year"
    rule: str  # which rule resolved it


# --- vocabulary ---------------------------------------------------------------------------

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTHS: dict[str, int] = {name: i for i, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS.update({"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8})
_MONTHS.update({"Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12})
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS: dict[str, int] = {name: i for i, name in enumerate(_WEEKDAY_NAMES)}
_SMALL_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
# Named days that are not "the Friday of this week".
_NOT_WEEKDAY_BEFORE = frozenset(
    {"good", "black", "cyber", "super", "ash", "bloody", "holy", "maundy", "palm", "easter", "giving", "shrove"}
)

_FUTURE_CUES = frozenset(
    {
        "will", "shall", "won't", "won’t", "would", "next", "upcoming", "due", "scheduled", "planned",
        "planning", "slated", "expected", "tomorrow", "should", "must", "might",
    }
)  # fmt: skip
# Future only before "to" ("plans to visit", "decided to admit", "going to"): the event is the
# infinitive's, still ahead of the verb; "the plan", "has been going" are not future.
_FUTURE_BEFORE_TO = frozenset(
    {
        "going", "plan", "plans", "intend", "intends", "intended", "aim", "aims", "set", "decided", "decide",
        "decides", "agreed", "agree", "agrees", "promised", "promise", "promises", "pledged", "vowed", "vow",
        "threatened", "threaten", "hope", "hopes", "hoped", "want", "wants", "wanted", "proposed", "offered",
        "ready", "prepared", "preparing", "likely",
    }
)  # fmt: skip
_PLAIN_FUTURE = frozenset({"going", "set", "plan", "plans", "intend", "intends", "aim", "aims", "ready", "likely"})
# Future before the expression ("planned a rally on Saturday"), a participle after it ("a hastily planned trip").
_INTENT_FUTURE = frozenset({"planned", "planning"})
_NOT_INFINITIVE = frozenset(
    {
        "the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "this", "that", "these", "those",
        "him", "them", "us", "me", "it", "some", "all", "each", "every", "about", "around", "more", "less",
    }
)  # fmt: skip
# "be" is future only after these ("to be held", "will be"); "could be located" is not.
_BEFORE_FUTURE_BE = frozenset({"to", "will", "shall", "would", "should", "must", "might", "may"})
# Modals that are future unless followed by "have" ("might come", not "might have come").
_MODALS = frozenset({"should", "must", "might", "may"})
_PAST_CUES = frozenset(
    {
        "said", "was", "were", "had", "did", "been", "told", "ago", "yesterday", "earlier", "previously",
        "last", "met", "went", "came", "took", "gave", "made", "held", "left", "won", "lost", "saw",
        "began", "fell", "rose", "spoke", "wrote", "sent", "found", "struck", "broke", "ran", "shot",
        "led", "brought", "bought", "thought", "fought", "caught", "taught", "sought", "kept", "felt",
        "paid", "sold", "stood", "became", "got", "drove", "flew", "grew", "knew", "threw", "withdrew",
        "chose", "froze", "stole", "woke", "wore", "tore", "arose", "hung", "meant", "heard", "built",
        "spent", "lent", "slept", "fled", "fed", "shook", "stuck", "swung", "dug", "sank", "swore",
        "overtook", "undertook", "forgot", "hid", "ate", "drank", "sang", "rang", "didn't", "didn’t",
        "wasn't", "wasn’t", "weren't", "weren’t", "hadn't", "hadn’t",
    }
)  # fmt: skip
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "our", "this", "that", "'s", "’s"})
_MAY_PREPOSITIONS = frozenset(
    {"in", "since", "until", "till", "during", "early", "late", "mid", "through", "throughout"}
)
_PASSIVE_AUX = frozenset({"be", "been", "being", "is", "are", "am", "was", "were"})
# Verbs that, like "be", take a participle as a state ("would remain closed until April 20"): the state is no past
# event, so the cue is the verb's own tense or a modal before it.
_STATE_VERBS = frozenset({"remain", "remains", "stay", "stays", "seem", "seems", "become", "becomes", "look", "looks"})
_NOT_ED_VERBS = frozenset(
    {
        "need", "indeed", "speed", "seed", "feed", "breed", "greed", "creed", "weed", "deed", "heed",
        "proceed", "exceed", "succeed", "steed", "reed", "tweed", "bleed", "bed", "red", "shed", "wed",
        "hundred", "sacred", "naked", "wicked", "embed", "shred", "sled", "kindred", "rugged",
    }
)  # fmt: skip
_LOOK_BACK = frozenset(
    {"first", "last", "time", "ever", "since", "not", "never", "no", "nothing", "none", "most", "least"}
)
_SUPERLATIVES = frozenset(
    {
        "highest", "lowest", "biggest", "largest", "smallest", "worst", "best", "strongest", "weakest",
        "fastest", "slowest", "hottest", "coldest", "warmest", "longest", "shortest", "greatest",
        "oldest", "latest", "deepest", "widest", "sharpest", "steepest", "closest", "toughest",
    }
)  # fmt: skip

# --- patterns -----------------------------------------------------------------------------

_MONTH_ALT = "(?:" + "|".join(_MONTH_NAMES) + r")\b|(?:Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b\.?"
_FULL_MONTH_ALT = "|".join(_MONTH_NAMES)
_WEEKDAY_ALT = "|".join(_WEEKDAY_NAMES)
_NUMBER_ALT = "|".join(sorted(_SMALL_NUMBERS, key=len, reverse=True))


def _month(name: str) -> str:
    return rf"(?P<{name}>{_MONTH_ALT})"


def _day(name: str) -> str:
    return rf"(?P<{name}>[0-3]?\d)(?!\d|[:.]\d)(?:st|nd|rd|th)?(?![A-Za-z])"


def _year_opt(name: str) -> str:
    return rf"(?:,?\s+(?P<{name}>[12]\d{{3}})(?![\d%]|[.,]\d))?"


_RSEP = r"(?:\s*[-–—]\s*|\s+(?:to|through|thru|until|till|and)\s+)"
_DAY_LB = r"(?<![\w.,$€£:/-])"
_WD_PREFIX = rf"(?:\b(?:{_WEEKDAY_ALT}),?\s+)?"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"

_P_ISO = re.compile(r"(?<![\d-])(?P<y>[12]\d{3})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d-])")
_P_XRANGE_MD = re.compile(rf"\b{_month('m1')}\s+{_day('d1')}{_RSEP}{_month('m2')}\s+{_day('d2')}{_year_opt('y')}")
_P_XRANGE_DM = re.compile(
    rf"{_DAY_LB}{_day('d1')}\s+(?:of\s+)?{_month('m1')}{_RSEP}{_day('d2')}\s+(?:of\s+)?{_month('m2')}{_year_opt('y')}"
)
_P_RANGE_MD = re.compile(rf"\b{_month('m1')}\s+{_day('d1')}{_RSEP}{_day('d2')}{_year_opt('y')}")
_P_RANGE_DM = re.compile(rf"{_DAY_LB}{_day('d1')}{_RSEP}{_day('d2')}\s+(?:of\s+)?{_month('m1')}{_year_opt('y')}")
_P_DATE_MD = re.compile(rf"{_WD_PREFIX}\b{_month('m1')}\s+{_day('d1')}{_year_opt('y')}")
_P_DATE_DM = re.compile(rf"{_WD_PREFIX}{_DAY_LB}{_day('d1')}\s+(?:of\s+)?{_month('m1')}{_year_opt('y')}")
_P_MONTH_YEAR = re.compile(rf"\b{_month('m1')}(?:\s+of)?,?\s+(?P<y>[12]\d{{3}})(?![\d%]|[.,]\d)")
_YEAR = r"(?:1[89]\d\d|20\d\d|2100)"
_P_YEAR_RANGE_WORDS = re.compile(
    rf"\b(?:[Ff]rom|[Bb]etween)\s+(?P<y1>{_YEAR})\s+(?:to|and|until|till|through)\s+(?P<y2>{_YEAR})(?![\d%]|[.,]\d)"
)
_P_YEAR_RANGE = re.compile(
    rf"(?<![\w$€£.,/-])(?P<y1>{_YEAR})\s*[-–—/]\s*(?P<y2>{_YEAR}|\d\d)(?![\w%-]|[.,]\d|\s*per\s?cent)"
)
# Not the end of a longer number: "10,000 years ago" is no "000 years ago", "1.5 years ago" no "5 years ago".
_P_AGO = re.compile(
    rf"(?<!\d[.,])\b(?P<n>\d{{1,3}}|{_NUMBER_ALT})\s+(?P<u>year|month|week|day)s?\s+ago\b", re.IGNORECASE
)
_P_IN_YEARS = re.compile(
    rf"\b[Ii]n\s+(?P<n>\d{{1,3}}|{_NUMBER_ALT})\s+years?(?P<time>['’]?\s+time)?\b(?![-–—]\w)", re.IGNORECASE
)
_P_REL_MONTH = re.compile(rf"\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<m1>{_FULL_MONTH_ALT})\b")
_P_REL_WEEKDAY = re.compile(rf"\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<wd>{_WEEKDAY_ALT})\b{_PART_OF_DAY}")
_P_REL_PERIOD = re.compile(
    r"(?P<the>\bthe\s+)?\b(?P<mod>last|next|this)\s+(?P<u>week|weekend|month|quarter|year)\b(?!-)", re.IGNORECASE
)
_P_MONTH_REL_YEAR = re.compile(rf"\b(?P<m1>{_FULL_MONTH_ALT})\s+(?P<mod>this|last|next)\s+year\b(?!-)")
_P_HOLIDAY = re.compile(
    r"(?:\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his)\s+)?\b(?P<h>Thanksgiving(?:\s+Day)?|Christmas(?:\s+(?:Day|Eve))?|"
    r"New\s+Year['’]s\s+(?:Day|Eve)|Halloween|Valentine['’]s\s+Day|Election\s+Day|Labor\s+Day|Memorial\s+Day|"
    r"Fourth\s+of\s+July|July\s+Fourth)\b"
)
# A month name modifying a noun: "the March accession", "the October slaying" (not "May": a name).
_P_MONTH_NOUN = re.compile(
    r"\b(?P<prep>[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\s+"
    rf"(?P<m1>(?!May\b)(?:{_FULL_MONTH_ALT}))\b(?=\s+[a-z])"
)
_P_REL_DAY = re.compile(r"\b(?:today|tonight|yesterday|tomorrow)\b", re.IGNORECASE)
_WD_SEP = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*[-–—]\s*|\s+(?:to|through|until|till)\s+)"
_P_WEEKDAYS = re.compile(rf"\b(?:{_WEEKDAY_ALT})\b{_PART_OF_DAY}(?:{_WD_SEP}\b(?:{_WEEKDAY_ALT})\b{_PART_OF_DAY})*")
_P_WEEKDAY_NAME = re.compile(rf"(?:{_WEEKDAY_ALT})")
_P_BARE_MONTH = re.compile(
    r"\b(?P<prep>[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Dd]uring|[Tt]hrough(?:out)?|[Bb]efore|[Aa]fter|"
    r"[Ee]arly|[Ll]ate|[Mm]id|[Oo]f|[Bb]etween|and|or|to)(?:\s+|-|\s+(?:early|late|mid)[\s-]+)"
    rf"(?P<m1>{_FULL_MONTH_ALT})\b(?!\s*\d)"
)
_P_YEAR = re.compile(
    r"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Ff]rom|[Dd]uring|[Bb]efore|[Aa]fter|[Ee]arly|[Ll]ate|[Mm]id|"
    rf"[Aa]round|[Tt]hrough|[Tt]hroughout|[Oo]f|[Tt]o|[Ff]or)(?:\s+|-)(?P<y>{_YEAR})(?![\d%]|[.,]\d|['’]?s\b|\s*per\s?cent)"
)
# A year that modifies a noun ("the 1998 bombing", "a 1996 law", "post-1959 politics", "1988's
# results"); the word after it must not be a counted noun ("the 2000 troops").
_P_YEAR_NOUN = re.compile(
    r"(?:\b(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Oo]ur|[Tt]his|[Tt]hat|[Pp]ost|[Pp]re)(?:\s+|-)|(?<![\w$€£.,/-]))"
    rf"(?P<y>{_YEAR})(?P<poss>['’]s)?(?=[\s-]+(?P<next>[A-Za-z]+))"
)
_P_FISCAL = re.compile(rf"\b[Ff]iscal(?:\s+year)?\s+(?P<y>{_YEAR})(?![\d%]|[.,]\d)")
_QUARTER_ORD = r"(?P<q>[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|1st|2nd|3rd|4th)"
_P_QUARTER_YEAR = re.compile(
    rf"\b{_QUARTER_ORD}[-\s]+(?:fiscal[-\s]+)?quarter\s+(?:of\s+)?(?:fiscal\s+)?(?P<y>{_YEAR})(?![\d%]|[.,]\d)"
    rf"|(?<![\w$€£.,/-])(?P<y2>{_YEAR})(?:['’]s)?\s+(?P<q2>[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth)[-\s]+quarter\b"
)
_P_QUARTER = re.compile(rf"\b{_QUARTER_ORD}[-\s]+(?:fiscal[-\s]+)?quarter\b")
_P_EARLIER = re.compile(rf"(?<!\d[.,])\b(?P<n>\d{{1,3}}|{_NUMBER_ALT})\s+(?P<u>year)s?\s+earlier\b", re.IGNORECASE)
# Counted nouns: "the 2000 troops" is a count, not a year.
_COUNTED = frozenset(
    {
        "people", "persons", "troops", "soldiers", "residents", "workers", "employees", "members", "students",
        "children", "men", "women", "refugees", "voters", "votes", "cases", "deaths", "dead", "units", "shares",
        "barrels", "tons", "tonnes", "meters", "metres", "feet", "miles", "kilometers", "kilometres", "km", "acres",
        "hectares", "dollars", "euros", "pounds", "yuan", "yen", "calories", "cars", "homes", "houses", "jobs",
        "points", "copies", "pages", "words", "rounds", "hours", "minutes", "seconds", "days", "weeks", "months",
        "years", "times", "percent", "police", "officers", "delegates", "protesters", "guests", "fans", "visitors",
        "of", "to", "and", "or", "in", "per", "a", "an", "the",
    }
)  # fmt: skip

# Starts with its character class (no leading look-behind) so the engine can skip ahead fast.
_SENTENCE_END = re.compile(
    r"[.!?…](?<!\b[A-Z].)(?<!\b(?:Mr|Ms|Dr|St|vs|Lt|Mt|Ft|Jr|Sr|No)\.)"
    r"(?<!\b(?:Mrs|Gen|Sen|Rep|Gov|Col|Sgt|Rev|Jan|Feb|Mar|Apr|Aug|Sep|Oct|Nov|Dec)\.)(?<!\b(?:Capt|Prof|Sept)\.)"
    r"[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+"
)
_P_PUT_OFF = re.compile(r"\b(?:postpone|delay|adjourn|defer|suspend|extend|recess|put off)[a-z]*\b")
_P_NOUN_AFTER = re.compile(r"\s+[a-z]")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_CLAUSE_BREAK = re.compile(
    r"[,;:()\[\]\"“”—–]|``|''|\s-\s|\b(?:that|which|who|whom|whose|where|when|while|because|although|though|"
    r"whereas|unless|if|but|and|or)\b"
)

# --- context ------------------------------------------------------------------------------

_Resolved = tuple[str, str, str, str]  # start, end, granularity, rule


class _Context:
    """The text being scanned, the publication date and lazily found sentence ends."""

    __slots__ = ("text", "pub", "_ends")

    def __init__(self, text: str, pub: date | None) -> None:
        self.text = text
        self.pub = pub
        self._ends: list[int] | None = None

    def sentence(self, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
        """Bounds of the sentence around [start, end), kept inside the region [lo, hi)."""
        if self._ends is None:
            self._ends = [m.end() for m in _SENTENCE_END.finditer(self.text)]
        ends = self._ends
        i = bisect_right(ends, start)
        s = ends[i - 1] if i else 0
        j = bisect_left(ends, end)
        e = ends[j] if j < len(ends) else len(self.text)
        return max(s, lo), min(e, hi)

    def tense(self, start: int, end: int, lo: int, hi: int) -> str | None:
        """'future', 'past' or None, from the nearest tense cue in the sentence around [start, end)."""
        s, e = self.sentence(start, end, lo, hi)
        before = _WORD.findall(self.text, s, start)
        for i in range(len(before) - 1, -1, -1):
            t = _word_tense(before, i)
            if t is not None:
                return t
        after = _WORD.findall(self.text, end, e)
        for i in range(len(after)):
            t = _word_tense(after, i, intent=False)
            if t is not None:
                return t
        return None

    def event_tense(self, start: int, end: int, lo: int, hi: int) -> tuple[str | None, bool]:
        """The tense of the clause holding [start, end) and True when a cue is in that clause.

        The clause is the stretch of the sentence between punctuation and clause words
        ("that", "which", "when", "and", ...) around the expression; its nearest cue, before
        or after, wins (before on a tie). Without a cue there, the sentence decides
        (:meth:`tense`) and the second value is False: the tense is then likely a reporting
        verb's ("said it will redeem the notes on Oct. 31"), not the event's.
        """
        s, e = self.sentence(start, end, lo, hi)
        cs = s
        for m in _CLAUSE_BREAK.finditer(self.text, s, start):
            cs = m.end()
        br = _CLAUSE_BREAK.search(self.text, end, e)
        ce = br.start() if br else e
        before = _WORD.findall(self.text, cs, start)
        after = _WORD.findall(self.text, end, ce)
        near_before = _cue_before(before)
        near_after = next(((k, t) for k in range(len(after)) if (t := _word_tense(after, k, intent=False))), None)
        if near_before and (near_after is None or near_before[0] <= near_after[0]):
            return near_before[1], True
        if near_after:
            return near_after[1], True
        return self.tense(start, end, lo, hi), False

    def looks_back(self, start: int, lo: int, hi: int) -> bool:
        """Whether a "first"/superlative/negation cue precedes ``start`` in its sentence."""
        s, _ = self.sentence(start, start, lo, hi)
        for w in _WORD.findall(self.text, s, start)[-8:]:
            low = w.lower()
            if low in _LOOK_BACK or low in _SUPERLATIVES or low.endswith(("iest", "n't", "n’t")):
                return True
        return False


def _cue_before(words: list[str]) -> tuple[int, str] | None:
    """The nearest tense cue in ``words`` (which end where the expression starts) and its distance.

    An infinitive in between ("subpoenaed him to testify on Feb. 10") hides the cues before
    it, the date being the infinitive's, except a cue of intent right before its "to"
    ("planned to leave on Thursday": future).
    """
    for k in range(len(words) - 1, -1, -1):
        if words[k].lower() == "to" and k + 1 < len(words) and _infinitive(words[k + 1]):
            return (len(words) - k, "future") if k > 0 and _word_tense(words, k - 1) == "future" else None
        if (t := _word_tense(words, k)) is not None:
            return len(words) - 1 - k, t
    return None


def _infinitive(word: str) -> bool:
    return word.islower() and word not in _NOT_INFINITIVE


def _word_tense(words: list[str], i: int, *, intent: bool = True) -> str | None:
    """The tense word ``i`` of ``words`` signals; ``intent``: "plans to", "vowed to" count as future."""
    word = words[i]
    low = word.lower()
    nxt = words[i + 1].lower() if i + 1 < len(words) else ""
    if low in _FUTURE_BEFORE_TO and (intent or low in _PLAIN_FUTURE):
        return "future" if nxt == "to" else None
    if low == "due":  # "is due to", not "cancelled due to rain"
        return "future" if i > 0 and words[i - 1].lower() in ("is", "are", "am", "be", "was", "were") else None
    if low == "be":
        return "future" if i > 0 and words[i - 1].lower() in _BEFORE_FUTURE_BE else None
    if low == "next" and nxt == "to":  # "next to the embassy": a place
        return None
    if low in _MODALS:
        return None if nxt == "have" or word == "May" else "future"
    if (low in _FUTURE_CUES and (intent or low not in _INTENT_FUTURE)) or low.endswith(("'ll", "’ll")):
        return "future"
    participle = low in _PAST_CUES or (
        word.islower() and len(low) > 3 and low.endswith("ed") and low not in _NOT_ED_VERBS
    )
    if not participle:
        return None
    if low not in _PASSIVE_AUX and i > 0 and words[i - 1].lower() in _PASSIVE_AUX | _STATE_VERBS:
        return None  # "will be held", "was held", "would remain closed": the auxiliary decides
    return "past"


# --- calendar -----------------------------------------------------------------------------


def _month_number(name: str) -> int:
    return _MONTHS[name.rstrip(".")]


def _ymd(d: date) -> str:
    return d.isoformat()


def _ym(y: int, m: int) -> str:
    if not 1 <= y <= 9999:
        raise ValueError("year out of range")
    return f"{y:04d}-{m:02d}"


def _y(y: int) -> str:
    if not 1 <= y <= 9999:
        raise ValueError("year out of range")
    return f"{y:04d}"


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


_SLACK = timedelta(days=1)  # a date a day off publication keeps its tense (time zones, next-day papers)
_NEAR = 240  # days: how far across a new year a yearless date goes when only its sentence has a tense


def _infer_year(pub: date, interval: Callable[[int], tuple[date, date] | None], tense: tuple[str | None, bool]) -> int:
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


def _day_interval(m: int, d: int) -> Callable[[int], tuple[date, date] | None]:
    def interval(y: int) -> tuple[date, date] | None:
        day = _safe_date(y, m, d)
        return None if day is None else (day, day)

    return interval


def _quarter_interval(q: int) -> Callable[[int], tuple[date, date] | None]:
    def interval(y: int) -> tuple[date, date] | None:
        ny, nm = _add_months(y, 3 * q, 1)
        return date(y, 3 * q - 2, 1), date(ny, nm, 1) - timedelta(days=1)

    return interval


def _month_interval(m: int) -> Callable[[int], tuple[date, date] | None]:
    def interval(y: int) -> tuple[date, date] | None:
        ny, nm = _add_months(y, m, 1)
        return date(y, m, 1), date(ny, nm, 1) - timedelta(days=1)

    return interval


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _number(s: str) -> int:
    low = word_key(s)
    return _SMALL_NUMBERS[low] if low in _SMALL_NUMBERS else int(s)


# --- rules --------------------------------------------------------------------------------
# Each handler gets the match, the context and the region [lo, hi); it returns None when the
# match is not a date expression after all, else the span it claims and its resolution (None
# when it cannot be resolved, e.g. without a publication date).

_Hit = tuple[tuple[int, int], _Resolved | None]


def _day_span(y: int, m1: int, d1: int, m2: int, d2: int, rule: str) -> _Resolved | None:
    first = _safe_date(y, m1, d1)
    if first is None:
        return None
    last = _safe_date(y + (1 if m2 < m1 else 0), m2, d2)
    if last is None or last < first:
        return None
    return _ymd(first), _ymd(last), "day", rule


def _absolute_days(ctx: _Context, m: re.Match[str], lo: int, hi: int, rule: str) -> _Hit | None:
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
    y = _infer_year(ctx.pub, _day_interval(m1, d1), _attributive(ctx, span, lo, hi))
    return span, _day_span(y, m1, d1, m2, d2, rule)


def _attributive(ctx: _Context, span: tuple[int, int], lo: int, hi: int) -> tuple[str | None, bool]:
    """The event tense of an expression; never its clause's own when it modifies a noun.

    "the Aug. 7 blasts killed", "the Jan. 14 deadline", "the March accession": the date
    belongs to the noun, not to the clause's verb.
    """
    tense = ctx.event_tense(span[0], span[1], lo, hi)
    before = ctx.text[max(lo, span[0] - 6) : span[0]].lower().split()
    if before and before[-1] in _DETERMINERS and _P_NOUN_AFTER.match(ctx.text, span[1], hi):
        return tense[0], False
    return tense


def _h_iso(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if d is None:
        return None
    return m.span(), (_ymd(d), _ymd(d), "day", "iso_date")


def _h_range(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    return _absolute_days(ctx, m, lo, hi, "day_range")


def _h_date(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    return _absolute_days(ctx, m, lo, hi, "date")


def _h_month_year(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    ym = _ym(int(m["y"]), _month_number(m["m1"]))
    return m.span(), (ym, ym, "month", "month_year")


def _h_year_range(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    y1 = int(m["y1"])
    raw = m["y2"]
    y2 = int(raw) if len(raw) == 4 else y1 // 100 * 100 + int(raw)
    if y2 <= y1 or y2 - y1 > 100:
        return None
    return m.span(), (_y(y1), _y(y2), "year", "year_range")


def _h_ago(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    n = _number(m["n"])
    unit = word_key(m["u"])
    pub = ctx.pub
    if pub is None:
        return m.span(), None
    if unit == "year":
        rule = "years_earlier" if word_key(m[0]).endswith("earlier") else "years_ago"
        res: _Resolved = (_y(pub.year - n), _y(pub.year - n), "year", rule)
    elif unit == "month":
        ym = _ym(*_add_months(pub.year, pub.month, -n))
        res = (ym, ym, "month", "months_ago")
    elif unit == "week":
        monday = _monday(pub - timedelta(weeks=n))
        res = (_ymd(monday), _ymd(monday + timedelta(days=6)), "week", "weeks_ago")
    else:
        d = pub - timedelta(days=n)
        res = (_ymd(d), _ymd(d), "day", "days_ago")
    return m.span(), res


def _h_in_years(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
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
        y = _y(ctx.pub.year + n)
        return span, (y, y, "year", "years_ahead")
    y = _y(ctx.pub.year - n)
    return span, (y, y, "year", "years_ago")


def _h_rel_month(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    pub = ctx.pub
    if pub is None:
        return m.span(), None
    month = _MONTHS[m["m1"]]
    mod = m["mod"].lower()
    if mod == "last":
        y = pub.year if month < pub.month else pub.year - 1
    elif mod == "next":
        y = pub.year if month > pub.month else pub.year + 1
    else:
        y = pub.year
    ym = _ym(y, month)
    return m.span(), (ym, ym, "month", "month_relative")


def _preceded_by_holiday_word(text: str, start: int) -> bool:
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    return j < i and text[j:i].lower() in _NOT_WEEKDAY_BEFORE


def _h_rel_weekday(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    pub = ctx.pub
    if pub is None:
        return m.span(), None
    wd = _WEEKDAYS[m["wd"]]
    mod = m["mod"].lower()
    if mod == "last":
        d = pub - timedelta(days=(pub.weekday() - wd) % 7 or 7)
    elif mod == "next":
        d = pub + timedelta(days=(wd - pub.weekday()) % 7 or 7)
    else:
        d = _monday(pub) + timedelta(days=wd)
    return m.span(), (_ymd(d), _ymd(d), "day", "weekday_relative")


def _h_rel_period(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    if m["the"]:
        return None  # "the last year", "the next week": a rolling period
    span = m.span("mod")[0], m.end()
    pub = ctx.pub
    if pub is None:
        return span, None
    step = {"last": -1, "next": 1, "this": 0}[word_key(m["mod"])]
    unit = word_key(m["u"])
    if unit in ("week", "weekend"):
        monday = _monday(pub) + timedelta(weeks=step)
        if unit == "week":
            return span, (_ymd(monday), _ymd(monday + timedelta(days=6)), "week", "relative_week")
        sat = monday + timedelta(days=5)
        return span, (_ymd(sat), _ymd(sat + timedelta(days=1)), "day", "relative_weekend")
    if unit == "month":
        ym = _ym(*_add_months(pub.year, pub.month, step))
        return span, (ym, ym, "month", "relative_month")
    if unit == "quarter":
        qy, first = _add_months(pub.year, (pub.month - 1) // 3 * 3 + 1, 3 * step)
        return span, _quarter(qy, (first + 2) // 3, "relative_quarter")
    y = _y(pub.year + step)
    return span, (y, y, "year", "relative_year")


def _h_rel_day(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    pub = ctx.pub
    if pub is None:
        return m.span(), None
    word = word_key(m[0])
    d = pub + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(word, 0))
    return m.span(), (_ymd(d), _ymd(d), "day", "relative_day")


def _h_weekdays(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    if _preceded_by_holiday_word(ctx.text, m.start()):
        return None
    span = m.span()
    pub = ctx.pub
    if pub is None:
        return span, None
    days = [_WEEKDAYS[w] for w in _P_WEEKDAY_NAME.findall(m[0])]
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
    return span, (_ymd(first), _ymd(last), "day", rule)


def _weekday_ahead(ctx: _Context, span: tuple[int, int], lo: int, hi: int) -> bool:
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


def _h_month(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    if m["m1"] == "May" and (m["prep"].lower() not in _MAY_PREPOSITIONS or ctx.text.startswith(("'s", "’s"), m.end())):
        return None  # "criticised by May", "after May resigned", "in May's cabinet": a person
    span = m.span("m1")
    pub = ctx.pub
    if pub is None:
        return span, None
    month = _MONTHS[m["m1"]]
    ym = _ym(_infer_year(pub, _month_interval(month), _attributive(ctx, span, lo, hi)), month)
    return span, (ym, ym, "month", "month")


def _h_year(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    y = m["y"]
    return m.span("y"), (y, y, "year", "year")


def _h_year_noun(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    if not m["poss"] and m["next"].lower() in _COUNTED:
        return None
    y = m["y"]
    return m.span("y"), (y, y, "year", "year")


def _h_fiscal(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    y = m["y"]
    return m.span(), (y, y, "year", "fiscal_year")


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}


def _quarter(y: int, q: int, rule: str) -> _Resolved:
    return _ym(y, 3 * q - 2), _ym(y, 3 * q), "quarter", rule


def _h_quarter_year(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    q = _ORDINALS[(m["q"] or m["q2"]).lower()]
    return m.span(), _quarter(int(m["y"] or m["y2"]), q, "quarter")


def _h_quarter(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    span = m.span()
    if ctx.pub is None:
        return span, None
    q = _ORDINALS[m["q"].lower()]
    y = _infer_year(ctx.pub, _quarter_interval(q), ctx.event_tense(span[0], span[1], lo, hi))
    return span, _quarter(y, q, "quarter_relative")


def _h_month_rel_year(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    if ctx.pub is None:
        return m.span(), None
    ym = _ym(ctx.pub.year + {"last": -1, "next": 1, "this": 0}[m["mod"]], _MONTHS[m["m1"]])
    return m.span(), (ym, ym, "month", "month_relative")


def _nth_weekday(y: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` of ``month`` (n = -1: the last one)."""
    if n < 0:
        ny, nm = _add_months(y, month, 1)
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


def _h_holiday(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
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
        y = _infer_year(pub, lambda y: (day_of(y), day_of(y)), ctx.event_tense(m.start(), m.end(), lo, hi))
    d = day_of(y)
    return m.span(), (_ymd(d), _ymd(d), "day", "holiday")


def _h_month_noun(ctx: _Context, m: re.Match[str], lo: int, hi: int) -> _Hit | None:
    span = m.span("m1")
    if ctx.pub is None:
        return span, None
    month = _MONTHS[m["m1"]]
    ym = _ym(_infer_year(ctx.pub, _month_interval(month), _attributive(ctx, span, lo, hi)), month)
    return span, (ym, ym, "month", "month")


_Handler = Callable[[_Context, re.Match[str], int, int], _Hit | None]

# Which anchors (see _ANCHORS below) each rule needs: a month name, a digit, "day" (weekdays),
# or a relative word (week, month, year, ago, today, tonight, tomorrow...).
_M, _D, _W, _R, _H = 1, 2, 4, 8, 16

_RULES: tuple[tuple[re.Pattern[str], _Handler, int], ...] = (
    (_P_ISO, _h_iso, _D),
    (_P_XRANGE_MD, _h_range, _M),
    (_P_XRANGE_DM, _h_range, _M),
    (_P_RANGE_MD, _h_range, _M),
    (_P_RANGE_DM, _h_range, _M),
    (_P_DATE_MD, _h_date, _M),
    (_P_DATE_DM, _h_date, _M),
    (_P_MONTH_YEAR, _h_month_year, _M),
    (_P_YEAR_RANGE_WORDS, _h_year_range, _D),
    (_P_YEAR_RANGE, _h_year_range, _D),
    (_P_QUARTER_YEAR, _h_quarter_year, _R),
    (_P_FISCAL, _h_fiscal, _D),
    (_P_AGO, _h_ago, _R),
    (_P_EARLIER, _h_ago, _R),
    (_P_IN_YEARS, _h_in_years, _R),
    (_P_MONTH_REL_YEAR, _h_month_rel_year, _M),
    (_P_REL_MONTH, _h_rel_month, _M),
    (_P_REL_WEEKDAY, _h_rel_weekday, _W),
    (_P_REL_PERIOD, _h_rel_period, _R),
    (_P_REL_DAY, _h_rel_day, _R),
    (_P_WEEKDAYS, _h_weekdays, _W),
    (_P_QUARTER, _h_quarter, _R),
    (_P_HOLIDAY, _h_holiday, _H),
    (_P_BARE_MONTH, _h_month, _M),
    (_P_MONTH_NOUN, _h_month_noun, _M),
    (_P_YEAR, _h_year, _D),
    (_P_YEAR_NOUN, _h_year_noun, _D),
)

# --- scanning -----------------------------------------------------------------------------


def search_regions(n: int, spans: Sequence[tuple[int, int]] | None) -> list[tuple[int, int]]:
    """The regions to search, clamped to [0, n), sorted and merged."""
    if spans is None:
        return [(0, n)] if n else []
    clean: list[tuple[int, int]] = []
    for pair in spans:
        try:
            s, e = pair
            clean.append((max(0, int(s)), min(n, int(e))))
        except (TypeError, ValueError):
            continue
    clean.sort()
    out: list[tuple[int, int]] = []
    for s, e in clean:
        if s >= e:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


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
_Window = tuple[int, int, int, int, int]  # window start, end, region start, end, anchor kinds


def _windows(text: str, regions: list[tuple[int, int]]) -> list[_Window]:
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


def windows_in_regions(marks: list[tuple[int, int, int]], n: int, regions: list[tuple[int, int]]) -> list[_Window]:
    """Windows ``(start, end, kinds)`` around anchors, merged where they touch and cut to ``regions``.

    Each result is ``(start, end, region start, region end, kinds)``: a window never
    crosses two regions, and ``kinds`` is the OR of the kinds merged into it. Shared
    with ``facts.numbers``, which looks for its own anchors the same way.
    """
    if not marks:
        return []
    merged: list[list[int]] = []
    for s, e, kind in sorted(marks):
        if merged and s <= merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], min(n, e))
            last[2] |= kind
        else:
            merged.append([max(0, s), min(n, e), kind])
    out: list[_Window] = []
    j = 0
    for lo, hi in regions:
        while j < len(merged) and merged[j][1] <= lo:
            j += 1
        k = j
        while k < len(merged) and merged[k][0] < hi:
            s, e = max(lo, merged[k][0]), min(hi, merged[k][1])
            if s < e:
                out.append((s, e, lo, hi, merged[k][2]))
            k += 1
    return out


def _scan(text: str, pub: date | None, spans: Sequence[tuple[int, int]] | None, *, windowed: bool = True) -> list[_Hit]:
    """Every date expression in ``text`` (inside ``spans``), without overlaps, by position."""
    if not isinstance(text, str) or not text:
        return []
    ctx = _Context(text, pub)
    claimed_starts: list[int] = []
    claimed: list[_Hit] = []
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


# --- comparison ---------------------------------------------------------------------------


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
        ny, nm = _add_months(y, m, 1)
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
