"""Where a story's sources agree, differ, or stand alone: the fact comparison of a story.

Each article's cleaned content gives its facts (``dates``, ``numbers``,
``quotes``; ``entities`` across the story). They are compared across the
story's sources in two ways:

* by value, story-wide: a date interval (after resolution against each
  article's publication date) or a number with its unit that two or more
  sources state in the same context (their sentences name a common entity or
  content word) is an ``agree`` item; a date stated by one source that contains
  another's ("this week" and "June 18-19") agrees as ``within``;
* inside aligned passages (the same statement in two sources), sentence by
  sentence (each sentence with the other side's sentence that best matches it):
  ``differ`` holds only claims that cannot both be true. Words that differ
  inside a quote, case, punctuation and British/American spelling aside
  (``facts.wording``), are one ``quote wording`` item per quote ("Head of State
  Affairs" / "Chairman of State Affairs"); the same quote given to two speakers
  is ``speaker``; a number that counts the same thing with another value
  (``facts.quantity``: units converted, count kinds, the counted word up to
  its ending) is ``number``; another date for the same statement is ``date``.
  The same value in other words ("two cars" / "two automobiles") is an
  ``agree`` item marked ``reworded``. A count of one kind stated differently
  anywhere in the story ("14" / "41 injured") is a ``number`` too. The same
  two values again (reprints, "14" / "Fourteen") are one item, the repeats
  under ``also`` and ``also_cites``; a date pair that ``agree`` cites is never
  a difference. Values come first, then speakers, then wording.

``unique`` lists, per article, the sentences holding a date, number, quote or
named entity that no other source of the story aligns to, and the sentences of
aligned statements holding a date or number only that article gives (under
``details``) when no other source states that value: facts only that outlet
reports. Every item cites articles and ``[start, end)`` spans. The results are
typed (``model_facts``); ``codec.facts`` writes their JSON.

Not here: extracting the mentions (``dates``, ``numbers``, ``quotes``,
``entities``), alignment, provenance.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Generic, Literal, TypeVar

from storytrace.align.compare import Prepared
from storytrace.facts.date_compare import contains, date_interval, same_time
from storytrace.facts.dates import DateMention, date_mentions, date_spans
from storytrace.facts.entities import Mention, entity_mentions_many
from storytrace.facts.entity_merge import Entity, merge_entities
from storytrace.facts.entity_names import fold
from storytrace.facts.numbers import NumberMention, number_mentions
from storytrace.facts.quantity import base, same_quantity, same_value
from storytrace.facts.quotes import Quote, quotes
from storytrace.facts.wording import quote_words, spelling_key
from storytrace.model import Comparison, Sentence
from storytrace.model_facts import (
    AgreeKind,
    Agreement,
    Change,
    Cite,
    DateFact,
    Difference,
    DifferKind,
    EntityFact,
    FactCheck,
    NumberFact,
    QuoteFact,
    Said,
    Sides,
    StoryFacts,
    Unique,
    UniqueRow,
    differ_rank,
)
from storytrace.text.tokens import best_matches, content_stems

Span = tuple[int, int]
# Aligned passages of these relations state the same thing: their differences are discrepancies.
SAME_STATEMENT = frozenset({"verbatim", "near_verbatim", "paraphrase", "same_fact"})
# Two sentences are about the same thing when they share this many content stems (names count).
CONTEXT_MIN_SHARED = 2
# Words that say what a count counts, looked for this many words around it; the number's own
# unit word is replaced when it is one of these or says nothing ("people", or the next verb).
COUNT_WINDOW = 4
COUNT_KINDS = {
    **dict.fromkeys(("killed", "killing", "kills", "dead", "died", "deaths", "death", "toll"), "dead"),
    **dict.fromkeys(
        ("injured", "injuring", "injuries", "hurt", "wounded", "wounding", "hospital", "hospitalised", "hospitalized"),
        "injured",
    ),
    **dict.fromkeys(("missing",), "missing"),
    **dict.fromkeys(("crowd", "fans", "fan", "spectators", "spectator", "supporters", "attendance"), "attendance"),
}
GENERIC_UNITS = frozenset({"people", "person", "were", "was", "are", "have", "had"})
# Date mentions written as calendar dates (``dates`` rule names), not relative to publication.
CALENDAR_RULES = frozenset({"iso_date", "day_range", "date", "month_year", "year_range"})
# A quote's changed words are shown with up to this many unchanged words after them.
QUOTE_CONTEXT_WORDS = 3
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True)
class ArticleFacts:
    """The facts extracted from one article's content."""

    prepared: Prepared
    dates: tuple[DateMention, ...]
    numbers: tuple[NumberMention, ...]
    quotes: tuple[Quote, ...]

    @property
    def id(self) -> str:
        """The article's id."""
        return self.prepared.article.id


def article_facts(prepared: Prepared, published: str | None = None) -> ArticleFacts:
    """Dates (resolved against ``published`` or the article's own date), numbers and quotes of an article."""
    art = prepared.article
    content = list(prepared.clean.content)
    dates = date_mentions(art.text, published or art.published, content)
    numbers = [_counted(art.text, n) for n in number_mentions(art.text, content, exclude=date_spans(art.text, content))]
    return ArticleFacts(prepared, tuple(dates), tuple(numbers), tuple(quotes(art.text, content)))


def _counted(text: str, n: NumberMention) -> NumberMention:
    """A count of a known kind gets the kind as unit, whichever word nearby carries it.

    "killing three people and injuring 14": the nearest kind word decides (a
    word just before the number wins a tie), so "three" is dead and "14" injured.
    """
    if n.unit in COUNT_KINDS:
        return replace(n, unit=COUNT_KINDS[n.unit])
    if n.unit and n.unit not in GENERIC_UNITS and not n.unit.endswith("ed"):  # "41 packed": a verb, not a unit
        return n
    before = _WORD.findall(text[max(0, n.span[0] - 40) : n.span[0]])[-COUNT_WINDOW:]
    after = _WORD.findall(text[n.span[1] : n.span[1] + 40])[:COUNT_WINDOW]
    near = sorted(
        [(len(before) - k, 0, w) for k, w in enumerate(before)] + [(k + 1, 1, w) for k, w in enumerate(after)]
    )
    for _, _, word in near:
        kind = COUNT_KINDS.get(word.lower())
        if kind:
            return replace(n, unit=kind)
    return n


def story_facts(
    facts: Sequence[ArticleFacts],
    comparisons: Sequence[Comparison],
    entities: Sequence[EntityFact] = (),
) -> StoryFacts:
    """The facts of a story (``stories.json``)."""
    contexts = _Contexts(facts)
    agree = _agreements(facts, contexts)
    names = _entity_keys(entities)
    found = [_differences(c, _by_id(facts), names) for c in comparisons]
    differ = [d for f in found for d in f.differ]
    differ += _count_conflicts(facts, contexts, differ)
    agree += _reworded(facts, [r for f in found for r in f.reworded], agree)
    check = FactCheck(
        agree=tuple(agree),
        differ=tuple(_contradictions_first(_merge_repeats(_not_agreed(differ, agree)))),
        unique=_unique(facts, comparisons, entities, [d for f in found for d in f.details]),
    )
    return StoryFacts(
        entities=tuple(entities),
        quotes=tuple(_quote_fact(f.id, q) for f in facts for q in f.quotes),
        dates=tuple(_date_fact(f.id, d) for f in facts for d in f.dates),
        numbers=tuple(_number_fact(f.id, n) for f in facts for n in f.numbers),
        check=check,
    )


def pair_facts(a: ArticleFacts, b: ArticleFacts, comparison: Comparison) -> FactCheck:
    """``agree``, ``differ`` and ``unique`` between two articles (``compare --json``)."""
    contexts = _Contexts([a, b])
    agree = _agreements([a, b], contexts)
    found = _differences(comparison, _by_id([a, b]))
    agree += _reworded([a, b], found.reworded, agree)
    return FactCheck(
        agree=tuple(agree),
        differ=tuple(_merge_repeats(_not_agreed(found.differ, agree))),
        unique=_unique([a, b], [comparison], (), found.details),
    )


def story_entities(
    facts: Sequence[ArticleFacts],
    known: Mapping[str, tuple[Mention, ...]] | None = None,
    found: dict[str, tuple[Mention, ...]] | None = None,
) -> list[EntityFact]:
    """The story's entities (spaCy mentions in the cleaned content, merged across articles).

    ``known``: mentions found before, by article id (an article's mentions depend on it alone, so those
    articles are not parsed again); ``found`` gets the mentions parsed here, by article id.
    """
    known = known or {}
    missing = [f for f in facts if f.id not in known]
    parsed = entity_mentions_many([(f.id, f.prepared.article.text, list(f.prepared.clean.content)) for f in missing])
    new = {f.id: tuple(ms) for f, ms in zip(missing, parsed, strict=True)}
    if found is not None:
        found.update(new)
    mentions = [m for f in facts for m in (known[f.id] if f.id in known else new[f.id])]
    return [entity_fact(e) for e in merge_entities(mentions)]


def entity_fact(e: Entity) -> EntityFact:
    """One entity of the story's facts: name, label, variants, mentions and roles per article, cited mentions."""
    counts: dict[str, int] = {}
    for m in e.mentions:
        counts[m.article] = counts.get(m.article, 0) + 1
    return EntityFact(
        name=e.name,
        label=e.label,
        variants=tuple(e.variants),
        possible_variants=tuple(e.possible_variants),
        articles=tuple(counts.items()),
        roles=tuple((article, tuple(roles)) for article, roles in e.roles),
        mentions=tuple(Cite(m.article, m.span, m.text) for m in e.mentions),
    )


# --- agreement by value ------------------------------------------------------------------


class _Contexts:
    """The content stems of the sentence around any offset of each article."""

    def __init__(self, facts: Sequence[ArticleFacts]) -> None:
        self.sentences = {f.id: f.prepared.sentences for f in facts}
        self.starts = {f.id: [s.start for s in f.prepared.sentences] for f in facts}
        self._cache: dict[tuple[str, Span], frozenset[str]] = {}

    def sentence(self, article: str, offset: int) -> Sentence | None:
        k = bisect_right(self.starts.get(article, []), offset) - 1
        if k < 0:
            return None
        s = self.sentences[article][k]
        return s if offset < s.end else None

    def stems(self, article: str, span: Span) -> frozenset[str]:
        key = (article, span)
        if key not in self._cache:
            s = self.sentence(article, span[0])
            # The mention's own words are not context: two dates always share "june".
            text = "" if s is None else s.text[: span[0] - s.start] + " " + s.text[span[1] - s.start :]
            self._cache[key] = frozenset(content_stems(text))
        return self._cache[key]

    def related(self, a: tuple[str, Span], b: tuple[str, Span]) -> bool:
        return len(self.stems(*a) & self.stems(*b)) >= CONTEXT_MIN_SHARED


def _agreements(facts: Sequence[ArticleFacts], contexts: _Contexts) -> list[Agreement]:
    out: list[Agreement] = []
    dates = [(f.id, d) for f in facts for d in f.dates]
    out += _groups(
        dates,
        _date_key,
        lambda d: d.start if d.start == d.end else f"{d.start}..{d.end}",
        "date",
        contexts,
    )
    out += _dates_within(facts, dates, contexts)
    numbers = [(f.id, n) for f in facts for n in f.numbers if n.unit]
    out += _groups(numbers, _number_key, _number_value, "number", contexts)
    return out


def _date_key(d: DateMention) -> object:
    """Equal for two dates exactly when ``same_time`` says so (its interval, else its bounds as written)."""
    return date_interval(d) or (d.start, d.end)


def _number_key(n: NumberMention) -> object:
    """Equal for two numbers with one value in one base unit ("140 years", "140-year-old"); a NaN equals nothing."""
    if n.value != n.value:
        return (id(n),)
    value, unit = base(n.value, n.unit)
    return (round(value, 6), unit)


M = TypeVar("M", DateMention, NumberMention)


def _by_key(items: Sequence[tuple[str, M]], key: Callable[[M], object]) -> list[list[int]]:
    """Positions of ``items`` with one key, in order, for keys found in two or more articles."""
    positions: dict[object, list[int]] = {}
    for k, (_, item) in enumerate(items):
        positions.setdefault(key(item), []).append(k)
    return [ks for ks in positions.values() if len({items[k][0] for k in ks}) >= 2]


def _groups(
    items: Sequence[tuple[str, M]],
    key: Callable[[M], object],
    value: Callable[[M], str],
    kind: AgreeKind,
    contexts: _Contexts,
) -> list[Agreement]:
    """Items of two or more articles with the same value in a related context, one agree item per group.

    Only items with one ``key`` (the same value) are compared, so the work grows with the square of a
    value's repeats in the story, not of all its dates or numbers.
    """
    found: list[tuple[int, Agreement]] = []
    for same in _by_key(items, key):
        used: set[int] = set()
        for x, i in enumerate(same):
            if i in used:
                continue
            group = [items[i]]
            for j in same[x + 1 :]:
                bid, b = items[j]
                if j in used:
                    continue
                if any(contexts.related((gid, g.span), (bid, b.span)) for gid, g in group):
                    group.append((bid, b))
                    used.add(j)
            if len({g for g, _ in group}) >= 2:
                cites = tuple(_cite_text(g, m) for g, m in group)
                found.append((i, Agreement(kind, value(items[i][1]), cites)))
    return [item for _, item in sorted(found, key=lambda f: f[0])]


def _dates_within(
    facts: Sequence[ArticleFacts], dates: Sequence[tuple[str, DateMention]], contexts: _Contexts
) -> list[Agreement]:
    """A date one source states that contains another's ("this week" / "June 18-19"), in related contexts.

    Dates are compared by their distinct intervals first: the mentions of two intervals, one inside the
    other, are then paired across articles.
    """
    by_interval: dict[object, list[int]] = {}
    for k, (_, d) in enumerate(dates):
        by_interval.setdefault(_date_key(d), []).append(k)
    groups = list(by_interval.values())
    found: list[tuple[int, int, Agreement]] = []
    for g, first in enumerate(groups):
        for second in groups[g + 1 :]:
            a0, b0 = dates[first[0]][1], dates[second[0]][1]
            if not (contains(a0, b0) or contains(b0, a0)):
                continue
            for x in first:
                for y in second:
                    i, j = min(x, y), max(x, y)
                    item = _date_within(facts, dates[i], dates[j], contexts)
                    if item is not None:
                        found.append((i, j, item))
    return [item for _, _, item in sorted(found, key=lambda f: (f[0], f[1]))]


def _date_within(
    facts: Sequence[ArticleFacts],
    first: tuple[str, DateMention],
    second: tuple[str, DateMention],
    contexts: _Contexts,
) -> Agreement | None:
    (ai, a), (bi, b) = first, second
    if ai == bi or same_time(a, b):
        return None
    outer, inner = (a, b) if contains(a, b) else (b, a) if contains(b, a) else (None, None)
    if outer is None or inner is None:
        return None
    oid, iid = (ai, bi) if outer is a else (bi, ai)
    if not contexts.related((oid, outer.span), (iid, inner.span)):
        return None
    value = f"{inner.start}..{inner.end} within {outer.start}..{outer.end}"
    return Agreement("date within", value, (_cite(facts, iid, inner.span), _cite(facts, oid, outer.span)))


# --- differences inside aligned passages -------------------------------------------------


def _entity_keys(entities: Sequence[EntityFact]) -> dict[str, int]:
    """Each entity variant (folded) to its entity's number: "DPRK" and the full name are one."""
    keys: dict[str, int] = {}
    for k, e in enumerate(entities):
        for v in [e.name, *e.variants]:
            keys[fold(v)] = k
    return keys


@dataclass(frozen=True)
class _Found:
    """What comparing aligned statements finds: contradictions, and details only one side of a pair gives."""

    differ: list[Difference]
    details: list[tuple[str, DateMention | NumberMention]]  # (article id, date or number mention)
    reworded: list[tuple[tuple[str, NumberMention], tuple[str, NumberMention]]]  # one quantity in other words


def _differences(c: Comparison, facts: dict[str, ArticleFacts], names: dict[str, int] | None = None) -> _Found:
    found = _Found([], [], [])
    fa, fb = facts.get(c.a.id), facts.get(c.b.id)
    if fa is None or fb is None:
        return found
    ia, ib = _indexed(fa), _indexed(fb)
    for al in (u for passage in c.alignments for u in passage.units):  # statement by statement
        if al.relation not in SAME_STATEMENT:
            continue
        found.differ.extend(_quote_differences(c, ia, ib, al.a_span, al.b_span, names or {}))
        for ra, rb in _sentence_pairs(fa, fb, al.a_span, al.b_span):
            _date_differences(found, c, ia, ib, ra, rb, al.relation)
            _number_differences(found, c, ia, ib, ra, rb)
    return found


def _sentence_pairs(fa: ArticleFacts, fb: ArticleFacts, sa: Span, sb: Span) -> list[tuple[Span, Span]]:
    """The regions of two aligned passages that state one thing: their sentences paired, each with its best match.

    A passage of several sentences holds several statements ("will visit on
    Tuesday and Wednesday" ... "the Kremlin said on Monday"): a date or number
    is compared only with those of the sentence that best matches its own (by
    shared content words, each the other's best), so two moments of one story
    are not taken for one.
    """
    xs, ys = _regions(fa, sa), _regions(fb, sb)
    if len(xs) <= 1 or len(ys) <= 1:
        return [(x, y) for x in xs for y in ys]
    sx = [frozenset(content_stems(fa.prepared.article.text[a:b])) for a, b in xs]
    sy = [frozenset(content_stems(fb.prepared.article.text[a:b])) for a, b in ys]
    return [(xs[i], ys[j]) for i, j in best_matches(sx, sy)]


def _regions(f: ArticleFacts, span: Span) -> list[Span]:
    """The parts of ``span`` in each of the article's sentences it overlaps (the span itself if none)."""
    out = [
        (max(s.start, span[0]), min(s.end, span[1])) for s in f.prepared.sentences if _overlap((s.start, s.end), span)
    ]
    return out or [span]


S = TypeVar("S", Quote, DateMention, NumberMention)


class _Spans(Generic[S]):
    """Items with a span, found by where they lie: a question reads the items near the region only."""

    def __init__(self, items: Sequence[S]) -> None:
        self.items: Sequence[S] = items
        self.order = sorted(range(len(items)), key=lambda k: items[k].span[0])
        self.starts = [items[k].span[0] for k in self.order]
        self.reach = list(itertools.accumulate((items[k].span[1] for k in self.order), max))  # furthest end yet

    def overlapping(self, region: Span) -> list[S]:
        """The items whose span overlaps ``region``, in the order given."""
        lo, hi = bisect_right(self.reach, region[0]), bisect_left(self.starts, region[1])
        return self._in_order(k for k in self.order[lo:hi] if _overlap(self.items[k].span, region))

    def inside(self, region: Span) -> list[S]:
        """The items whose span lies inside ``region``, in the order given."""
        lo, hi = bisect_left(self.starts, region[0]), bisect_right(self.starts, region[1])
        return self._in_order(k for k in self.order[lo:hi] if _inside(self.items[k].span, region))

    def _in_order(self, found: Iterable[int]) -> list[S]:
        return [self.items[k] for k in sorted(found)]


@dataclass(frozen=True)
class _Indexed:
    """An article's facts, each kind indexed by span."""

    facts: ArticleFacts
    quotes: _Spans[Quote]
    dates: _Spans[DateMention]
    numbers: _Spans[NumberMention]


def _indexed(f: ArticleFacts) -> _Indexed:
    return _Indexed(f, _Spans(f.quotes), _Spans(f.dates), _Spans(f.numbers))


def _one_entity(x: str, y: str, names: dict[str, int]) -> bool:
    """True when ``x`` and ``y`` name one entity: both known as one, or merged by the entity rules alone."""
    if fold(x) in names and names.get(fold(x)) == names.get(fold(y)):
        return True
    if not (x[:1].isupper() and y[:1].isupper()):
        return False
    pair = [Mention("x", (0, len(x)), x, "ORG"), Mention("y", (0, len(y)), y, "ORG")]
    return len(merge_entities(pair)) == 1


def _inside(span: Span, region: Span) -> bool:
    return region[0] <= span[0] and span[1] <= region[1]


def _overlap(span: Span, region: Span) -> bool:
    return span[0] < region[1] and region[0] < span[1]


def _quote_differences(
    c: Comparison, fa: _Indexed, fb: _Indexed, sa: Span, sb: Span, names: dict[str, int]
) -> list[Difference]:
    """One item per quote two sources give differently: other words (case, punctuation, spelling aside), or speaker."""
    out: list[Difference] = []
    qa, qb = fa.quotes.overlapping(sa), fb.quotes.overlapping(sb)
    for a, b in _maybe_same_quotes(qa, qb):
        words_a, words_b = quote_words(a.text), quote_words(b.text)
        matcher = difflib.SequenceMatcher(
            a=[spelling_key(w) for w, _ in words_a], b=[spelling_key(w) for w, _ in words_b], autojunk=False
        )
        if matcher.ratio() < 0.5:
            continue  # not the same quote
        if _other_speakers(a, b):
            out.append(
                _differ("speaker", "the same quote given to different speakers", c, a.speaker_span, b.speaker_span)
            )
        changes = list(_changed_words(a, b, words_a, words_b, matcher.get_opcodes(), names))
        if changes:
            item = _differ(
                "quote wording", f"wording of a quote ({a.speaker or b.speaker or 'unattributed'})", c, *changes[0]
            )
            more = tuple(Change(_said(c.a.text, sa), _said(c.b.text, sb)) for sa, sb in changes[1:])
            out.append(replace(item, changes=more))
    return out


def _changed_words(
    a: Quote,
    b: Quote,
    words_a: Sequence[tuple[str, Span]],
    words_b: Sequence[tuple[str, Span]],
    opcodes: Sequence[tuple[str, int, int, int, int]],
    names: dict[str, int],
) -> Iterator[tuple[Span, Span]]:
    """The spans of the words one quote replaces in the other, each with the few unchanged words after it."""
    for k, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op != "replace":
            continue  # an added or dropped word is an edit, a replaced one changes what was said
        said_a = a.text[words_a[i1][1][0] : words_a[i2 - 1][1][1]]
        said_b = b.text[words_b[j1][1][0] : words_b[j2 - 1][1][1]]
        if _one_entity(said_a, said_b, names):
            continue  # two names of one entity ("DPRK" for the full name)
        after = min(QUOTE_CONTEXT_WORDS, opcodes[k + 1][2] - opcodes[k + 1][1]) if k + 1 < len(opcodes) else 0
        if k + 1 < len(opcodes) and opcodes[k + 1][0] != "equal":
            after = 0
        yield (
            (a.span[0] + words_a[i1][1][0], a.span[0] + words_a[i2 - 1 + after][1][1]),
            (b.span[0] + words_b[j1][1][0], b.span[0] + words_b[j2 - 1 + after][1][1]),
        )


def _maybe_same_quotes(qa: Sequence[Quote], qb: Sequence[Quote]) -> Iterator[tuple[Quote, Quote]]:
    """The pairs of a quote of ``qa`` and one of ``qb`` that can be the same quote, in the order of both lists.

    ``_quote_differences`` takes two quotes for one when difflib's ratio of
    their words, 2M / (|a| + |b|), reaches 0.5 (M: words matched). With M at
    most |b| that needs |b| >= |a| / 3, so M >= |a| / 3: any |a| - ceil(|a| / 3)
    + 1 words of ``a`` hold a matched one. Only the quotes of ``qb`` holding
    one of ``a``'s that many rarest words are compared, not every quote of a
    long passage with every other.
    """
    words_b = [_lower_words(q.text) for q in qb]
    holders: dict[str, list[int]] = {}
    for k, words in enumerate(words_b):
        for w in words:
            holders.setdefault(w, []).append(k)
    without_words = [k for k, words in enumerate(words_b) if not words]
    for a in qa:
        words_a = [w.lower() for w, _ in _words(a.text)]
        if not words_a:
            found: Iterable[int] = without_words  # two quotes without words have a ratio of 1
        else:
            keep = len(words_a) - math.ceil(len(words_a) / 3) + 1
            rarest = sorted(words_a, key=lambda w: len(holders.get(w, ())))[:keep]
            found = sorted({k for w in rarest for k in holders.get(w, ())})
        for k in found:
            yield a, qb[k]


def _date_differences(
    found: _Found, c: Comparison, fa: _Indexed, fb: _Indexed, ra: Span, rb: Span, relation: str
) -> None:
    """Dates of one statement that changed; in independently told ones (``same_fact``) calendar dates only.

    Two reports of one event name other days for other moments of it ("rose on
    Monday" / "could rise again on Wednesday"); a calendar date given for the
    same thing ("reopens April 20" / "from May 11") is a real discrepancy.
    """
    calendar_only = relation == "same_fact"
    da = [d for d in fa.dates.inside(ra) if not calendar_only or d.rule in CALENDAR_RULES]
    db = [d for d in fb.dates.inside(rb) if not calendar_only or d.rule in CALENDAR_RULES]
    _compare_values(found, c, da, db, _Rules(_same_date, lambda x, y: x.granularity == y.granularity, "date"))


def _same_date(x: DateMention, y: DateMention) -> bool:
    """The same date after resolution, one within the other, or the very same words (resolved apart by tense)."""
    return same_time(x, y) or contains(x, y) or contains(y, x) or x.text.lower() == y.text.lower()


def _number_differences(found: _Found, c: Comparison, fa: _Indexed, fb: _Indexed, ra: Span, rb: Span) -> None:
    rules: _Rules[NumberMention] = _Rules(
        lambda x, y: same_value((x.value, x.unit), (y.value, y.unit)),
        lambda x, y: same_quantity((x.value, x.unit), (y.value, y.unit)),
        "number",
    )
    _compare_values(found, c, fa.numbers.inside(ra), fb.numbers.inside(rb), rules)


V = TypeVar("V", DateMention, NumberMention)


@dataclass(frozen=True)
class _Rules(Generic[V]):
    """How values of one kind compare: ``same`` value, or ``comparable`` (one thing, so other values contradict)."""

    same: Callable[[V, V], bool]
    comparable: Callable[[V, V], bool]
    kind: Literal["number", "date"]


def _compare_values(found: _Found, c: Comparison, xs: Sequence[V], ys: Sequence[V], rules: _Rules[V]) -> None:
    """Values of one statement in two sources: the same, a contradiction, or a detail one side adds.

    A value with no equal on the other side contradicts the one value there
    that states the same thing; with several candidates which differs from
    which is not clear, and nothing is said.
    """
    for x in xs:
        for y in ys:
            if isinstance(x, NumberMention) and isinstance(y, NumberMention) and rules.same(x, y) and x.unit != y.unit:
                found.reworded.append(((c.a.id, x), (c.b.id, y)))
    left = [x for x in xs if not any(rules.same(x, y) for y in ys)]
    right = [y for y in ys if not any(rules.same(x, y) for x in xs)]
    paired: set[int] = set()
    for x in left:
        matches = [k for k, y in enumerate(right) if rules.comparable(x, y)]
        rivals = [o for o in left if o is not x and any(rules.comparable(o, right[k]) for k in matches)]
        if not matches:
            found.details.append((c.a.id, x))
            continue
        if len(matches) > 1 or rivals or matches[0] in paired:
            paired.update(matches)  # several candidates: which differs from which is not clear, say nothing
            continue
        paired.add(matches[0])
        y = right[matches[0]]
        item = _differ(rules.kind, _what(x), c, x.span, y.span)
        found.differ.append(replace(item, values=(_value(x), _value(y))))
    found.details.extend((c.b.id, y) for k, y in enumerate(right) if k not in paired)


def _what(x: DateMention | NumberMention) -> str:
    if isinstance(x, NumberMention):
        return f"number of {x.unit}" if x.unit.isalpha() else "number"
    return "date"


def _value(x: DateMention | NumberMention) -> str:
    """A date's resolved interval or a number's value and unit, as written in ``agree`` items."""
    if isinstance(x, NumberMention):
        return _number_value(x)
    return x.start if x.start == x.end else f"{x.start}..{x.end}"


def _differ(kind: DifferKind, what: str, c: Comparison, a_span: Span | None, b_span: Span | None) -> Difference:
    a_said = None if a_span is None else _said(c.a.text, a_span)
    b_said = None if b_span is None else _said(c.b.text, b_span)
    return Difference(kind, what, Sides(c.a.id, c.b.id, a_said, b_said))


def _said(text: str, span: Span) -> Said:
    return Said(span, text[span[0] : span[1]])


def _merge_repeats(items: Sequence[Difference]) -> list[Difference]:
    """One item per discrepancy: the same values (or quoted words) again go under ``also`` and ``also_cites``.

    Reprints of one source repeat its discrepancies with a third article, and
    two sources may state one count in other words ("14", "Fourteen people"):
    the first (earliest) pair is kept, the others cited under it.
    """
    kept: dict[tuple[str, ...], Difference] = {}
    for d in items:
        key = _repeat_key(d)
        first = kept.get(key)
        kept[key] = d if first is None else replace(first, repeats=(*first.repeats, d.sides))
    return list(kept.values())


def _repeat_key(d: Difference) -> tuple[str, ...]:
    """Two values, in either order, for dates and numbers; the words on both sides for quotes and speakers."""
    if d.values is not None:
        return (d.kind, d.what, *sorted(d.values))
    return (d.kind, *(s.text.lower() if s else "" for s in (d.sides.a_said, d.sides.b_said)))


def _texts(d: Difference) -> tuple[str | None, str | None]:
    a, b = d.sides.a_said, d.sides.b_said
    return (a.text if a else None, b.text if b else None)


def _count_conflicts(
    facts: Sequence[ArticleFacts], contexts: _Contexts, found: Sequence[Difference]
) -> list[Difference]:
    """Two sources giving the same kind of count (dead, injured, crowd) differently, wherever they say it."""
    seen = {_texts(d) for d in found}
    counts = [(f, n) for f in facts for n in f.numbers if n.unit in set(COUNT_KINDS.values())]
    stated = {f.id: {(n.unit, n.value) for n in f.numbers} for f in facts}
    by_unit: dict[str, list[int]] = {}
    for k, (_, n) in enumerate(counts):
        by_unit.setdefault(n.unit, []).append(k)
    pairs = sorted(
        (i, j)
        for same in by_unit.values()
        for x, i in enumerate(same)
        for j in same[x + 1 :]
        if counts[i][0].id != counts[j][0].id
    )
    out: list[Difference] = []
    for i, j in pairs:  # two articles' counts of one unit, in the order of all pairs
        (fa, a), (fb, b) = counts[i], counts[j]
        if a.value == b.value or (a.text, b.text) in seen:
            continue
        if (a.unit, b.value) in stated[fa.id]:
            continue  # the first source states the other count too (a toll that rose)
        if (b.unit, a.value) in stated[fb.id]:
            continue
        if not contexts.stems(fa.id, a.span) & contexts.stems(fb.id, b.span):
            continue  # a count of the same kind in the same story: one shared word is context enough
        seen.add((a.text, b.text))
        sides = Sides(fa.id, fb.id, Said(a.span, a.text), Said(b.span, b.text))
        out.append(Difference("number", f"number of {a.unit}", sides, (_number_value(a), _number_value(b))))
    return out


def _reworded(
    facts: Sequence[ArticleFacts],
    pairs: Sequence[tuple[tuple[str, NumberMention], tuple[str, NumberMention]]],
    agree: Sequence[Agreement],
) -> list[Agreement]:
    """One quantity in two wordings of one statement ("two cars" / "two automobiles"): an agreement.

    Pairs already cited together by an ``agree`` item are not repeated; pairs sharing a mention are one item.
    """
    together = _cited_together(agree)
    groups: list[dict[tuple[str, Span], NumberMention]] = []
    for (aid, x), (bid, y) in pairs:
        keys = ((aid, x.span), (bid, y.span))
        if any(keys[0] in g and keys[1] in g for g in together):
            continue
        joined = [g for g in groups if keys[0] in g or keys[1] in g]
        group = {keys[0]: x, keys[1]: y}
        for g in joined:
            group.update(g)
            groups.remove(g)
        groups.append(group)
    out = []
    for g in groups:
        ordered = sorted(g.items(), key=lambda kv: kv[0])
        first = ordered[0][1]
        cites = tuple(_cite_text(article, m) for (article, _), m in ordered)
        out.append(Agreement("number", _number_value(first), cites, reworded=True))
    return out


def _cited_together(agree: Sequence[Agreement]) -> list[set[tuple[str, Span]]]:
    """The mentions each ``agree`` item cites, as (article, span)."""
    return [{(c.article, c.span) for c in item.cites} for item in agree]


def _not_agreed(differ: Sequence[Difference], agree: Sequence[Agreement]) -> list[Difference]:
    """The differences whose two mentions no ``agree`` item cites together (a date is never both)."""
    together = _cited_together(agree)
    out = []
    for d in differ:
        a, b = d.sides.a_said, d.sides.b_said
        if a is not None and b is not None:
            ka, kb = (d.sides.a, a.span), (d.sides.b, b.span)
            if any(ka in g and kb in g for g in together):
                continue
        out.append(d)
    return out


def _contradictions_first(differ: Sequence[Difference]) -> list[Difference]:
    """Contradictions of values come first, then who said a quote, then how it was worded."""
    return sorted(differ, key=lambda d: differ_rank(d.kind))


# --- facts only one source reports -------------------------------------------------------


Mentioned = DateMention | NumberMention


def _unique(
    facts: Sequence[ArticleFacts],
    comparisons: Sequence[Comparison],
    entities: Sequence[EntityFact],
    details: Sequence[tuple[str, Mentioned]] = (),
) -> tuple[Unique, ...]:
    """Per article, the sentences holding a fact no other source of the story gives.

    Sentences no other source aligns to, holding a date, number, quote or name;
    and, in aligned statements, the sentence of a date or number only one side
    gives (``details``) when no other source states that value anywhere: the
    row lists those values under ``details``.
    """
    if len(facts) < 2:
        return ()
    out = _unaligned_rows(facts, comparisons, entities)
    for article, mention in _lone_details(facts, details):
        s = _Contexts([_by_id(facts)[article]]).sentence(article, mention.span[0])
        if s is not None:
            _add_detail(
                out.setdefault(article, []), UniqueRow((s.start, s.end), s.text), Said(mention.span, mention.text)
            )
    return tuple(Unique(article, tuple(sorted(rows, key=lambda r: r.span))) for article, rows in out.items())


def _add_detail(rows: list[UniqueRow], sentence: UniqueRow, detail: Said) -> None:
    """``detail`` under the row of its sentence in ``rows`` (the row added when there is none)."""
    k = next((k for k, r in enumerate(rows) if r.span == sentence.span), None)
    if k is None:
        k = len(rows)
        rows.append(sentence)
    if detail not in rows[k].details:
        rows[k] = replace(rows[k], details=(*rows[k].details, detail))


def _lone_details(
    facts: Sequence[ArticleFacts], details: Sequence[tuple[str, Mentioned]]
) -> list[tuple[str, Mentioned]]:
    """The details whose value no other article of the story states (a date: the same time, or one within)."""
    out: list[tuple[str, Mentioned]] = []
    numbers = {f.id: {_number_key(n) for n in f.numbers} for f in facts}
    for article, m in details:
        others = [f for f in facts if f.id != article]
        if isinstance(m, NumberMention):
            stated = any(_number_key(m) in numbers[f.id] for f in others)
        else:
            stated = any(_same_date(m, d) for f in others for d in f.dates)
        if not stated and (article, m) not in out:
            out.append((article, m))
    return out


def _unaligned_rows(
    facts: Sequence[ArticleFacts], comparisons: Sequence[Comparison], entities: Sequence[EntityFact]
) -> dict[str, list[UniqueRow]]:
    aligned: dict[str, list[Span]] = {f.id: [] for f in facts}
    for c in comparisons:
        for al in c.alignments:
            if al.relation == "related":
                continue
            aligned.setdefault(c.a.id, []).append(al.a_span)
            aligned.setdefault(c.b.id, []).append(al.b_span)
    named: dict[str, list[Span]] = {}
    for e in entities:
        for m in e.mentions:
            named.setdefault(m.article, []).append(m.span)
    out: dict[str, list[UniqueRow]] = {}
    for f in facts:
        marks: list[Span] = [d.span for d in f.dates] + [n.span for n in f.numbers] + [q.span for q in f.quotes]
        marks += named.get(f.id, [])
        in_aligned, marked = _any_overlap(aligned.get(f.id, [])), _any_overlap(marks)
        rows = [
            UniqueRow((s.start, s.end), s.text)
            for s in f.prepared.sentences
            if not in_aligned((s.start, s.end)) and marked((s.start, s.end))
        ]
        if rows:
            out[f.id] = rows
    return out


def _any_overlap(spans: Sequence[Span]) -> Callable[[Span], bool]:
    """Whether a region overlaps any of ``spans``: a bisect over them sorted, not a look at each."""
    ordered = sorted(spans)
    starts = [a for a, _ in ordered]
    reach = list(itertools.accumulate((b for _, b in ordered), max))  # the furthest end so far

    def overlaps(region: Span) -> bool:
        k = bisect_left(starts, region[1])  # the spans starting before the region ends
        return bool(k) and reach[k - 1] > region[0]

    return overlaps


# --- citations and mentions -------------------------------------------------------------------------


def _by_id(facts: Iterable[ArticleFacts]) -> dict[str, ArticleFacts]:
    return {f.id: f for f in facts}


def _words(text: str) -> list[tuple[str, Span]]:
    return [(m.group(0), (m.start(), m.end())) for m in _WORD.finditer(text)]


def _lower_words(text: str) -> set[str]:
    """The distinct words of ``text``, lower-cased."""
    return {w.lower() for w, _ in _words(text)}


def _other_speakers(a: Quote, b: Quote) -> bool:
    """Whether two sources name two different people for one quote.

    A description ("a State Department official") may describe the named person, and a short form ("Kim")
    names the full name it is part of ("Kim Jong Un"), so neither contradicts a name.
    """
    if not a.speaker or not b.speaker or a.described or b.described:
        return False
    words_a, words_b = _lower_words(a.speaker), _lower_words(b.speaker)
    return not (words_a <= words_b or words_b <= words_a)


def _number_value(n: NumberMention) -> str:
    value = int(n.value) if float(n.value).is_integer() else n.value
    return f"{value} {n.unit}".strip()


def _cite_text(article: str, mention: DateMention | NumberMention) -> Cite:
    return Cite(article, mention.span, mention.text)


def _cite(facts: Sequence[ArticleFacts], article: str, span: Span) -> Cite:
    text = _by_id(facts)[article].prepared.article.text
    return Cite(article, span, text[span[0] : span[1]])


def _quote_fact(article: str, q: Quote) -> QuoteFact:
    return QuoteFact(article, q.span, q.text, q.speaker, q.speaker_span, q.role, q.kind)


def _date_fact(article: str, d: DateMention) -> DateFact:
    return DateFact(article, d.span, d.text, d.start, d.end, d.granularity, d.rule)


def _number_fact(article: str, n: NumberMention) -> NumberFact:
    return NumberFact(article, n.span, n.text, n.value, n.unit)
