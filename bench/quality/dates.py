"""Date resolution on TempEval-3 AQUAINT: storytrace's date mentions against gold TIMEX3 values.

    PYTHONPATH=src .venv/bin/python bench/quality/dates.py [--data ../shared/data] [--show N]

Each document's text goes through ``storytrace.facts.dates.date_mentions`` with the
document's creation time (``dct``) as ``published``, exactly as storytrace resolves an
article against its publication date.

What is scored (one definition, used for every figure):

- A *calendar date* is a gold TIMEX3 of type DATE whose value is a calendar value: a year
  (``1998``), a quarter (``1998-Q3``), a month (``1998-08``), an ISO week (``1998-W32``) or a
  day (``1998-08-07``). References (``PRESENT_REF``, ``PAST_REF``, ``FUTURE_REF``), durations,
  sets, times of day (``1998-08-07TNI``), seasons (``1998-FA``), decades (``199X``) and values
  with unknowns (``1998-XX``, ``1998-10-XX``) are not calendar dates.
- *found*: a storytrace mention overlaps the gold span.
- *value right* (of those found): the overlapping mention (the one with the largest overlap)
  resolves to the gold value at the gold granularity: its first or last day (a range
  "June 18-19" holds two) cut to the gold's day, ISO week, month, quarter or year. A mention
  coarser than the gold (a month for a day) is wrong.
- *precision*: the share of storytrace mentions that overlap any gold TIMEX3 (of any type).

Baseline: ``dateparser`` (a dependency of trafilatura/htmldate, so already installed),
handed each gold span's text with ``RELATIVE_BASE`` = the dct and otherwise its default
settings; its value is the parsed date cut to the period it reports (day, week, month,
year). It is scored on the spans storytrace found (the same spans) and on all calendar
dates. The corpus is small (73 documents), so every figure is also printed for the
odd-numbered and the even-numbered documents (file order) apart, to show over-fitting.

Deterministic; no network. Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, read_jsonl
from storytrace.facts.date_compare import date_interval
from storytrace.facts.dates import DateMention, date_mentions

DATA_FILE = Path("tempeval3-aquaint") / "documents.jsonl"
CALENDAR = re.compile(r"^(?P<y>\d{4})(?:-(?:Q(?P<q>[1-4])|W(?P<w>\d{1,2})|(?P<m>\d{2})(?:-(?P<d>\d{2}))?))?$")
_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}


@dataclass(frozen=True)
class Gold:
    """One calendar date of the gold standard."""

    doc: str
    text: str
    span: tuple[int, int]
    value: str
    granularity: str


def calendar_granularity(timex: dict[str, Any]) -> str | None:
    """The granularity of a gold timex that is a calendar date (see the module docstring), else None."""
    if timex.get("type") != "DATE":
        return None
    m = CALENDAR.match(str(timex.get("value", "")))
    if m is None:
        return None
    for group, name in (("d", "day"), ("m", "month"), ("w", "week"), ("q", "quarter")):
        if m[group]:
            return name
    return "year"


def normal(value: str, granularity: str) -> str:
    """A gold value written the one way :func:`cut` writes it ("2000-W2" -> "2000-W02")."""
    if granularity == "week":
        y, w = value.split("-W")
        return f"{y}-W{int(w):02d}"
    return value


def cut(day: date, granularity: str) -> str:
    """``day`` at a granularity: "1998-08-07", "1998-W32", "1998-08", "1998-Q3", "1998"."""
    if granularity == "day":
        return day.isoformat()
    if granularity == "week":
        y, w, _ = day.isocalendar()
        return f"{y}-W{w:02d}"
    if granularity == "month":
        return f"{day.year}-{day.month:02d}"
    if granularity == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def mention_right(m: DateMention, g: Gold) -> bool:
    """Whether ``m`` gives the gold value at the gold granularity (see the module docstring)."""
    span = date_interval(m)
    if span is None or _RANK.get(m.granularity, 9) > _RANK[g.granularity]:
        return False
    return g.value in (cut(span[0], g.granularity), cut(span[1], g.granularity))


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


class Baseline:
    """dateparser handed a gold span, RELATIVE_BASE = the dct."""

    def __init__(self) -> None:
        warnings.simplefilter("ignore")  # dateparser's deprecation chatter on stderr
        from dateparser.date import DateDataParser

        self.parsers: dict[str, Any] = {}
        self.factory = DateDataParser

    def value(self, text: str, dct: datetime, granularity: str) -> str | None:
        """None when dateparser finds no date in ``text``, else its value at ``granularity`` ("" if coarser)."""
        key = dct.isoformat()
        if key not in self.parsers:
            self.parsers[key] = self.factory(languages=["en"], settings={"RELATIVE_BASE": dct})
        try:
            data = self.parsers[key].get_date_data(text)
        except Exception:  # noqa: BLE001 - a baseline that fails on a span simply found nothing
            return None
        if data.date_obj is None:
            return None
        if _RANK.get(data.period or "day", 0) > _RANK[granularity]:
            return ""
        return cut(data.date_obj.date(), granularity)


def documents(path: Path) -> Iterator[dict[str, Any]]:
    yield from read_jsonl(path)


def dct_day(dct: str) -> datetime:
    return datetime.fromisoformat(dct[:10])


@dataclass
class Tally:
    """Counts for one slice of the documents."""

    gold: int = 0
    found: int = 0
    right: int = 0
    mentions: int = 0
    precise: int = 0
    dp_parsed: int = 0
    dp_right_all: int = 0
    dp_right_same: int = 0

    def add(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def score_document(doc: dict[str, Any], baseline: Baseline, misses: list[str]) -> Tally:
    """The tally of one document; each miss or wrong value appended to ``misses`` as one line."""
    tally = Tally()
    text, dct = doc["text"], doc["dct"]
    mentions = date_mentions(text, dct)
    timexes = doc.get("timexes", [])
    spans = [tuple(t["span"]) for t in timexes]
    tally.mentions = len(mentions)
    tally.precise = sum(1 for m in mentions if any(overlap(m.span, s) > 0 for s in spans))
    base = dct_day(dct)
    for t in timexes:
        gran = calendar_granularity(t)
        if gran is None:
            continue
        g = Gold(doc["id"], t["text"], (t["span"][0], t["span"][1]), normal(t["value"], gran), gran)
        tally.gold += 1
        dp = baseline.value(g.text, base, gran)
        dp_ok = dp == g.value
        tally.dp_parsed += dp is not None
        tally.dp_right_all += dp_ok
        over = [m for m in mentions if overlap(m.span, g.span) > 0]
        if not over:
            misses.append(f"MISS  {g.doc} dct={dct} {g.text!r} gold={g.value} ctx={_context(text, g.span)!r}")
            continue
        tally.found += 1
        tally.dp_right_same += dp_ok
        best = max(over, key=lambda m: overlap(m.span, g.span))
        if mention_right(best, g):
            tally.right += 1
        else:
            got = f"{best.start}..{best.end}/{best.granularity}/{best.rule}"
            misses.append(f"WRONG {g.doc} dct={dct} {g.text!r} gold={g.value} got={got} ctx={_context(text, g.span)!r}")
    return tally


def _context(text: str, span: tuple[int, int]) -> str:
    return " ".join(text[max(0, span[0] - 70) : span[1] + 50].split())


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def print_tally(name: str, t: Tally) -> None:
    print(
        f"{name:<10} calendar dates {t.gold:4d}  found {_ratio(t.found, t.gold)} ({t.found})"
        f"  value right {_ratio(t.right, t.found)} ({t.right})"
        f"  | dateparser, same spans: value right {_ratio(t.dp_right_same, t.found)}"
        f"  | dateparser, all spans: parsed {_ratio(t.dp_parsed, t.gold)}, value right {_ratio(t.dp_right_all, t.gold)}"
        f"  | precision {_ratio(t.precise, t.mentions)} ({t.precise}/{t.mentions} mentions)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show", type=int, default=0, help="print up to N misses and wrong values")
    args = parser.parse_args(argv)
    path = args.data / DATA_FILE
    if not path.is_file():
        print(f"bench/quality/dates.py: {path} not found; nothing to score.")
        return 0
    try:
        baseline = Baseline()
    except ImportError:
        print("bench/quality/dates.py: dateparser is not installed; the baseline column is empty.", file=sys.stderr)
        raise
    halves = [Tally(), Tally()]
    misses: list[str] = []
    for i, doc in enumerate(documents(path)):
        halves[i % 2].add(score_document(doc, baseline, misses))
    total = Tally()
    for half in halves:
        total.add(half)
    print_tally("all", total)
    print_tally("odd docs", halves[0])
    print_tally("even docs", halves[1])
    for line in misses[: args.show]:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
