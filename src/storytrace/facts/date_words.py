"""The vocabulary of date expressions: month, weekday and number words, and the compiled patterns of each rule.

What it does: names months ("June", "Sept."), weekdays and small numbers ("three"), lists the words that
tell a year from a count ("the 2000 troops") or a month from a person ("May"), and compiles once the
regular expression of every rule listed in :mod:`storytrace.facts.dates` (``P_ISO``, ``P_DATE_MD``,
``P_AGO``, ...). Patterns match capitalised month and weekday names, as news copy writes them.

Not here: what a match resolves to (``facts.date_absolute``, ``facts.date_relative``), the order the
rules run in and where they run (``facts.dates``), the words that give a clause its tense
(``facts.date_tense``). No state, no I/O.
"""

from __future__ import annotations

import re

# --- vocabulary ---------------------------------------------------------------------------

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS: dict[str, int] = {name: i for i, name in enumerate(_MONTH_NAMES, 1)}
MONTHS.update({"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8})
MONTHS.update({"Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12})
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS: dict[str, int] = {name: i for i, name in enumerate(_WEEKDAY_NAMES)}
SMALL_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
# Named days that are not "the Friday of this week".
NOT_WEEKDAY_BEFORE = frozenset(
    {"good", "black", "cyber", "super", "ash", "bloody", "holy", "maundy", "palm", "easter", "giving", "shrove"}
)

MAY_PREPOSITIONS = frozenset(
    {"in", "since", "until", "till", "during", "early", "late", "mid", "through", "throughout"}
)


# --- patterns -----------------------------------------------------------------------------

_MONTH_ALT = "(?:" + "|".join(_MONTH_NAMES) + r")\b|(?:Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b\.?"
_FULL_MONTH_ALT = "|".join(_MONTH_NAMES)
_WEEKDAY_ALT = "|".join(_WEEKDAY_NAMES)
_NUMBER_ALT = "|".join(sorted(SMALL_NUMBERS, key=len, reverse=True))


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

P_ISO = re.compile(r"(?<![\d-])(?P<y>[12]\d{3})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d-])")
P_XRANGE_MD = re.compile(rf"\b{_month('m1')}\s+{_day('d1')}{_RSEP}{_month('m2')}\s+{_day('d2')}{_year_opt('y')}")
P_XRANGE_DM = re.compile(
    rf"{_DAY_LB}{_day('d1')}\s+(?:of\s+)?{_month('m1')}{_RSEP}{_day('d2')}\s+(?:of\s+)?{_month('m2')}{_year_opt('y')}"
)
P_RANGE_MD = re.compile(rf"\b{_month('m1')}\s+{_day('d1')}{_RSEP}{_day('d2')}{_year_opt('y')}")
P_RANGE_DM = re.compile(rf"{_DAY_LB}{_day('d1')}{_RSEP}{_day('d2')}\s+(?:of\s+)?{_month('m1')}{_year_opt('y')}")
P_DATE_MD = re.compile(rf"{_WD_PREFIX}\b{_month('m1')}\s+{_day('d1')}{_year_opt('y')}")
P_DATE_DM = re.compile(rf"{_WD_PREFIX}{_DAY_LB}{_day('d1')}\s+(?:of\s+)?{_month('m1')}{_year_opt('y')}")
P_MONTH_YEAR = re.compile(rf"\b{_month('m1')}(?:\s+of)?,?\s+(?P<y>[12]\d{{3}})(?![\d%]|[.,]\d)")
_YEAR = r"(?:1[89]\d\d|20\d\d|2100)"
P_YEAR_RANGE_WORDS = re.compile(
    rf"\b(?:[Ff]rom|[Bb]etween)\s+(?P<y1>{_YEAR})\s+(?:to|and|until|till|through)\s+(?P<y2>{_YEAR})(?![\d%]|[.,]\d)"
)
P_YEAR_RANGE = re.compile(
    rf"(?<![\w$€£.,/-])(?P<y1>{_YEAR})\s*[-–—/]\s*(?P<y2>{_YEAR}|\d\d)(?![\w%-]|[.,]\d|\s*per\s?cent)"
)
# Not the end of a longer number: "10,000 years ago" is no "000 years ago", "1.5 years ago" no "5 years ago".
P_AGO = re.compile(
    rf"(?<!\d[.,])\b(?P<n>\d{{1,3}}|{_NUMBER_ALT})\s+(?P<u>year|month|week|day)s?\s+ago\b", re.IGNORECASE
)
P_IN_YEARS = re.compile(
    rf"\b[Ii]n\s+(?P<n>\d{{1,3}}|{_NUMBER_ALT})\s+years?(?P<time>['’]?\s+time)?\b(?![-–—]\w)", re.IGNORECASE
)
P_REL_MONTH = re.compile(rf"\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<m1>{_FULL_MONTH_ALT})\b")
P_REL_WEEKDAY = re.compile(rf"\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<wd>{_WEEKDAY_ALT})\b{_PART_OF_DAY}")
P_REL_PERIOD = re.compile(
    r"(?P<the>\bthe\s+)?\b(?P<mod>last|next|this)\s+(?P<u>week|weekend|month|quarter|year)\b(?!-)", re.IGNORECASE
)
P_MONTH_REL_YEAR = re.compile(rf"\b(?P<m1>{_FULL_MONTH_ALT})\s+(?P<mod>this|last|next)\s+year\b(?!-)")
P_HOLIDAY = re.compile(
    r"(?:\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his)\s+)?\b(?P<h>Thanksgiving(?:\s+Day)?|Christmas(?:\s+(?:Day|Eve))?|"
    r"New\s+Year['’]s\s+(?:Day|Eve)|Halloween|Valentine['’]s\s+Day|Election\s+Day|Labor\s+Day|Memorial\s+Day|"
    r"Fourth\s+of\s+July|July\s+Fourth)\b"
)
# A month name modifying a noun: "the March accession", "the October slaying" (not "May": a name).
P_MONTH_NOUN = re.compile(
    r"\b(?P<prep>[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\s+"
    rf"(?P<m1>(?!May\b)(?:{_FULL_MONTH_ALT}))\b(?=\s+[a-z])"
)
P_REL_DAY = re.compile(r"\b(?:today|tonight|yesterday|tomorrow)\b", re.IGNORECASE)
_WD_SEP = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*[-–—]\s*|\s+(?:to|through|until|till)\s+)"
P_WEEKDAYS = re.compile(rf"\b(?:{_WEEKDAY_ALT})\b{_PART_OF_DAY}(?:{_WD_SEP}\b(?:{_WEEKDAY_ALT})\b{_PART_OF_DAY})*")
P_WEEKDAY_NAME = re.compile(rf"(?:{_WEEKDAY_ALT})")
P_BARE_MONTH = re.compile(
    r"\b(?P<prep>[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Dd]uring|[Tt]hrough(?:out)?|[Bb]efore|[Aa]fter|"
    r"[Ee]arly|[Ll]ate|[Mm]id|[Oo]f|[Bb]etween|and|or|to)(?:\s+|-|\s+(?:early|late|mid)[\s-]+)"
    rf"(?P<m1>{_FULL_MONTH_ALT})\b(?!\s*\d)"
)
P_YEAR = re.compile(
    r"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Ff]rom|[Dd]uring|[Bb]efore|[Aa]fter|[Ee]arly|[Ll]ate|[Mm]id|"
    rf"[Aa]round|[Tt]hrough|[Tt]hroughout|[Oo]f|[Tt]o|[Ff]or)(?:\s+|-)(?P<y>{_YEAR})(?![\d%]|[.,]\d|['’]?s\b|\s*per\s?cent)"
)
# A year that modifies a noun ("the 1998 bombing", "a 1996 law", "post-1959 politics", "1988's
# results"); the word after it must not be a counted noun ("the 2000 troops").
P_YEAR_NOUN = re.compile(
    r"(?:\b(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Oo]ur|[Tt]his|[Tt]hat|[Pp]ost|[Pp]re)(?:\s+|-)|(?<![\w$€£.,/-]))"
    rf"(?P<y>{_YEAR})(?P<poss>['’]s)?(?=[\s-]+(?P<next>[A-Za-z]+))"
)
P_FISCAL = re.compile(rf"\b[Ff]iscal(?:\s+year)?\s+(?P<y>{_YEAR})(?![\d%]|[.,]\d)")
_QUARTER_ORD = r"(?P<q>[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|1st|2nd|3rd|4th)"
P_QUARTER_YEAR = re.compile(
    rf"\b{_QUARTER_ORD}[-\s]+(?:fiscal[-\s]+)?quarter\s+(?:of\s+)?(?:fiscal\s+)?(?P<y>{_YEAR})(?![\d%]|[.,]\d)"
    rf"|(?<![\w$€£.,/-])(?P<y2>{_YEAR})(?:['’]s)?\s+(?P<q2>[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth)[-\s]+quarter\b"
)
P_QUARTER = re.compile(rf"\b{_QUARTER_ORD}[-\s]+(?:fiscal[-\s]+)?quarter\b")
P_EARLIER = re.compile(rf"(?<!\d[.,])\b(?P<n>\d{{1,3}}|{_NUMBER_ALT})\s+(?P<u>year)s?\s+earlier\b", re.IGNORECASE)
# Counted nouns: "the 2000 troops" is a count, not a year.
COUNTED = frozenset(
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


ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
