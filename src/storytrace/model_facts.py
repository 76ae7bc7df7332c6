"""The facts of a story as typed values: what its sources state, and where they agree, differ or stand alone.

``facts.story`` builds these; ``codec.facts`` turns them into the ``facts``
object of ``stories.json`` and ``compare --json`` and back. A new kind of
fact is a new member of ``AgreeKind`` or ``DifferKind`` (or a new class
here): ``mypy --strict`` then points at every place that must handle it
(``differ_rank``, the codec's readers). Spans are ``[start, end)`` offsets in
code points into the article's text, as in ``model``.

Kept apart from ``model`` so that neither passes 500 lines; ``model`` holds
the pipeline's other values.

The story's brief (``Brief``) is here too: a few sentences taken from the
sources and the facts, each with its citations (``facts.brief`` builds it,
``codec.brief`` writes and reads it).

Not here: finding or comparing facts (``facts``), their JSON (``codec.facts``, ``codec.brief``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, assert_never, get_args

Span = tuple[int, int]

# What several sources state alike: one date, one number (``reworded``: in other words), a date within another.
AgreeKind = Literal["date", "number", "date within"]
# Claims of two sources that cannot both be true.
DifferKind = Literal["number", "date", "speaker", "quote wording"]
# The brief's three sections, in their order: what several outlets carry, where they differ, what one adds.
BriefKind = Literal["carried", "differ", "only"]
BRIEF_KINDS: tuple[BriefKind, ...] = get_args(BriefKind)
AGREE_KINDS: tuple[AgreeKind, ...] = get_args(AgreeKind)
DIFFER_KINDS: tuple[DifferKind, ...] = get_args(DifferKind)


def differ_rank(kind: DifferKind) -> int:
    """Where a difference of ``kind`` is listed: contradicting values first, then speakers, then wording."""
    match kind:
        case "number":
            return 0
        case "date":
            return 1
        case "speaker":
            return 2
        case "quote wording":
            return 3
        case _:
            assert_never(kind)


@dataclass(frozen=True)
class Said:
    """A stretch of an article's text: its span and its words."""

    span: Span
    text: str


@dataclass(frozen=True)
class Cite:
    """A stretch of a named article's text."""

    article: str
    span: Span
    text: str


# --- what each article states ------------------------------------------------------------


@dataclass(frozen=True)
class QuoteFact:
    """A quote of an article, with who said it (``facts.quotes``)."""

    article: str
    span: Span
    text: str
    speaker: str | None
    speaker_span: Span | None
    role: str | None
    kind: str  # as ``facts.quotes`` tells it: "direct" | "partial" | "indirect"


@dataclass(frozen=True)
class DateFact:
    """A time expression of an article and the interval it resolves to (``facts.dates``)."""

    article: str
    span: Span
    text: str
    start: str
    end: str
    granularity: str  # "day" | "week" | "month" | "year" | ...
    rule: str


@dataclass(frozen=True)
class NumberFact:
    """A quantity stated in an article (``facts.numbers``); ``unit`` "" when none."""

    article: str
    span: Span
    text: str
    value: float
    unit: str


@dataclass(frozen=True)
class EntityFact:
    """A person, organisation or place across the story's articles (``facts.entities``)."""

    name: str
    label: str
    variants: tuple[str, ...] = ()
    possible_variants: tuple[str, ...] = ()
    articles: tuple[tuple[str, int], ...] = ()  # (article, mentions there)
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (article, roles stated there)
    mentions: tuple[Cite, ...] = ()


# --- how the sources compare -------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """A value two or more sources state alike, with where each says it."""

    kind: AgreeKind
    value: str
    cites: tuple[Cite, ...]
    reworded: bool = False  # one quantity in other words ("two cars" / "two automobiles")


@dataclass(frozen=True)
class Sides:
    """Two articles and what each says (a side's words unknown when its ``said`` is None)."""

    a: str
    b: str
    a_said: Said | None = None
    b_said: Said | None = None


@dataclass(frozen=True)
class Change:
    """Words of one source's quote and the words the other source has in their place."""

    a: Said
    b: Said


@dataclass(frozen=True)
class Difference:
    """A claim two sources make that cannot both be true.

    ``values``: the two values compared (dates and numbers). ``changes``: a
    quote's further changed words after the first (in ``sides``).
    ``repeats``: the same difference between other articles (reprints).
    """

    kind: DifferKind
    what: str
    sides: Sides
    values: tuple[str, str] | None = None
    changes: tuple[Change, ...] = ()
    repeats: tuple[Sides, ...] = ()


@dataclass(frozen=True)
class UniqueRow:
    """A sentence holding a fact no other source gives; ``details``: the values in it only this source states."""

    span: Span
    text: str
    details: tuple[Said, ...] = ()


@dataclass(frozen=True)
class Unique:
    """The sentences of one article that hold facts only it reports."""

    article: str
    rows: tuple[UniqueRow, ...]


@dataclass(frozen=True)
class FactCheck:
    """Where sources agree, differ, or stand alone (the whole ``facts`` of ``compare --json``)."""

    agree: tuple[Agreement, ...] = ()
    differ: tuple[Difference, ...] = ()
    unique: tuple[Unique, ...] = ()


@dataclass(frozen=True)
class StoryFacts:
    """A story's facts: what its articles state, and how its sources compare (``stories.json``)."""

    entities: tuple[EntityFact, ...] = ()
    quotes: tuple[QuoteFact, ...] = ()
    dates: tuple[DateFact, ...] = ()
    numbers: tuple[NumberFact, ...] = ()
    check: FactCheck = FactCheck()


# --- the brief ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefLine:
    """One sentence of a story's brief: what it says, the outlets it speaks for, and where each source says it.

    ``text`` is words of the sources: a statement's earliest wording
    (``carried``), one outlet's sentence (``only``), or the two wordings that
    differ put side by side (``differ``). ``cites``: the sentences (or words)
    of each article it comes from, in the story's order.
    """

    kind: BriefKind
    text: str
    outlets: tuple[str, ...]
    cites: tuple[Cite, ...]


@dataclass(frozen=True)
class Brief:
    """A story's brief: its lines in order (``carried``, then ``differ``, then ``only``); empty when none."""

    lines: tuple[BriefLine, ...] = ()

    def section(self, kind: BriefKind) -> tuple[BriefLine, ...]:
        """The lines of one section, in order."""
        return tuple(line for line in self.lines if line.kind == kind)
