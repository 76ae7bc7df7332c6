"""Where a story's sources agree, differ, or stand alone: the fact comparison of a story.

Each article's cleaned content gives its facts (``dates``, ``numbers``,
``quotes``; ``entities`` across the story). They are compared across the
story's sources in two ways:

* by value, story-wide: a date interval (after resolution against each
  article's publication date) or a number with its unit that two or more
  sources state in the same context (their sentences name a common entity or
  content word) is an ``agree`` item; a date stated by one source that contains
  another's ("this week" and "June 18-19") agrees as ``within``;
* inside aligned passages (the same statement in two sources): words that
  differ inside a quote ("Head of State Affairs" / "Chairman of State Affairs")
  are a ``differ`` item of kind ``quote wording``; a number with the same unit
  and another value, or another date, is a ``differ`` of kind ``number`` or
  ``date``; a date or number only one side adds is ``detail only in`` that side;
  the same quote given to two different speakers is ``speaker``.

``unique`` lists, per article, the sentences holding a date, number, quote or
named entity that no other source of the story aligns to: facts only that
outlet reports. Every item cites articles and ``[start, end)`` spans.

Not here: extracting the mentions (``dates``, ``numbers``, ``quotes``,
``entities``), alignment, provenance.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from storytrace.align.compare import Prepared
from storytrace.facts.dates import DateMention, contains, date_mentions, same_time
from storytrace.facts.entities import Entity, Mention, entity_mentions_many, fold, merge_entities
from storytrace.facts.numbers import NumberMention, number_mentions
from storytrace.facts.quotes import Quote, quotes
from storytrace.model import Comparison, Sentence
from storytrace.text.tokens import content_stems

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
    numbers = [_counted(art.text, n) for n in number_mentions(art.text, content, exclude=[d.span for d in dates])]
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
    entities: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The ``facts`` object of a story in ``stories.json``."""
    contexts = _Contexts(facts)
    agree = _agreements(facts, contexts)
    names = _entity_keys(entities)
    differ = _merge_repeats([d for c in comparisons for d in _differences(c, _by_id(facts), names)])
    differ += _count_conflicts(facts, contexts, differ)
    return {
        "entities": list(entities),
        "quotes": [_quote_json(f.id, q, f.prepared.article.text) for f in facts for q in f.quotes],
        "dates": [_date_json(f.id, d) for f in facts for d in f.dates],
        "numbers": [_number_json(f.id, n) for f in facts for n in f.numbers],
        "agree": agree,
        "differ": differ,
        "unique": _unique(facts, comparisons, entities),
    }


def pair_facts(a: ArticleFacts, b: ArticleFacts, comparison: Comparison) -> dict[str, Any]:
    """``agree`` and ``differ`` between two articles (``compare --json``)."""
    contexts = _Contexts([a, b])
    return {"agree": _agreements([a, b], contexts), "differ": _differences(comparison, _by_id([a, b]))}


def story_entities(facts: Sequence[ArticleFacts]) -> list[dict[str, Any]]:
    """The story's entities (spaCy mentions in the cleaned content, merged across articles) as JSON."""
    items = [(f.id, f.prepared.article.text, list(f.prepared.clean.content)) for f in facts]
    mentions = [m for ms in entity_mentions_many(items) for m in ms]
    return [entity_json(e) for e in merge_entities(mentions)]


def entity_json(e: Entity) -> dict[str, Any]:
    """One entity of ``facts.entities``: name, label, variants, roles per article and cited mentions."""
    counts: dict[str, int] = {}
    for m in e.mentions:
        counts[m.article] = counts.get(m.article, 0) + 1
    return {
        "name": e.name,
        "label": e.label,
        "variants": list(e.variants),
        "possible_variants": list(e.possible_variants),
        "articles": counts,
        "roles": {article: list(roles) for article, roles in e.roles},
        "mentions": [{"article": m.article, "span": list(m.span), "text": m.text} for m in e.mentions],
    }


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


def _agreements(facts: Sequence[ArticleFacts], contexts: _Contexts) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    dates = [(f.id, d) for f in facts for d in f.dates]
    out += _groups(
        dates,
        lambda x, y: same_time(x, y),
        lambda d: d.start if d.start == d.end else f"{d.start}..{d.end}",
        "date",
        contexts,
    )
    # A date one source states that contains another's ("this week" / "June 18-19").
    for i, (ai, a) in enumerate(dates):
        for bi, b in dates[i + 1 :]:
            if ai == bi or same_time(a, b):
                continue
            outer, inner = (a, b) if contains(a, b) else (b, a) if contains(b, a) else (None, None)
            if outer is None or inner is None:
                continue
            oid, iid = (ai, bi) if outer is a else (bi, ai)
            if contexts.related((oid, outer.span), (iid, inner.span)):
                out.append(
                    {
                        "kind": "date within",
                        "value": f"{inner.start}..{inner.end} within {outer.start}..{outer.end}",
                        "cites": [_cite(facts, iid, inner.span), _cite(facts, oid, outer.span)],
                    }
                )
    numbers = [(f.id, n) for f in facts for n in f.numbers if n.unit]
    out += _groups(numbers, lambda x, y: x.value == y.value and x.unit == y.unit, _number_value, "number", contexts)
    return out


def _groups(
    items: Sequence[tuple[str, Any]],
    same: Callable[[Any, Any], bool],
    value: Callable[[Any], str],
    kind: str,
    contexts: _Contexts,
) -> list[dict[str, Any]]:
    """Items of two or more articles with the same value in a related context, one agree item per group."""
    out: list[dict[str, Any]] = []
    used: set[int] = set()
    for i, (aid, a) in enumerate(items):
        if i in used:
            continue
        group = [(aid, a)]
        for j in range(i + 1, len(items)):
            bid, b = items[j]
            if j in used or not same(a, b):
                continue
            if any(contexts.related((gid, g.span), (bid, b.span)) for gid, g in group):
                group.append((bid, b))
                used.add(j)
        if len({g for g, _ in group}) >= 2:
            out.append({"kind": kind, "value": value(a), "cites": [_cite_text(g, m) for g, m in group]})
    return out


# --- differences inside aligned passages -------------------------------------------------


def _entity_keys(entities: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Each entity variant (folded) to its entity's number: "DPRK" and the full name are one."""
    keys: dict[str, int] = {}
    for k, e in enumerate(entities):
        for v in [e.get("name", ""), *e.get("variants", ())]:
            keys[fold(str(v))] = k
    return keys


def _differences(
    c: Comparison, facts: dict[str, ArticleFacts], names: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    fa, fb = facts.get(c.a.id), facts.get(c.b.id)
    if fa is None or fb is None:
        return []
    out: list[dict[str, Any]] = []
    for al in (u for passage in c.alignments for u in passage.units):  # statement by statement
        if al.relation not in SAME_STATEMENT:
            continue
        out += _quote_differences(c, fa, fb, al.a_span, al.b_span, names or {})
        out += _date_differences(c, fa, fb, al.a_span, al.b_span, al.relation)
        out += _number_differences(c, fa, fb, al.a_span, al.b_span)
    return out


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
    c: Comparison, fa: ArticleFacts, fb: ArticleFacts, sa: Span, sb: Span, names: dict[str, int]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    qa = [q for q in fa.quotes if _overlap(q.span, sa)]
    qb = [q for q in fb.quotes if _overlap(q.span, sb)]
    for a in qa:
        for b in qb:
            words_a, words_b = _words(a.text), _words(b.text)
            matcher = difflib.SequenceMatcher(a=[w.lower() for w, _ in words_a], b=[w.lower() for w, _ in words_b])
            if matcher.ratio() < 0.5:
                continue  # not the same quote
            if a.speaker and b.speaker and _speaker_key(a.speaker) != _speaker_key(b.speaker):
                out.append(
                    _differ("speaker", "the same quote given to different speakers", c, a.speaker_span, b.speaker_span)
                )
            opcodes = matcher.get_opcodes()
            for k, (op, i1, i2, j1, j2) in enumerate(opcodes):
                if op != "replace":
                    continue  # an added or dropped word is an edit, a replaced one changes what was said
                said_a = a.text[words_a[i1][1][0] : words_a[i2 - 1][1][1]]
                said_b = b.text[words_b[j1][1][0] : words_b[j2 - 1][1][1]]
                if _one_entity(said_a, said_b, names):
                    continue  # two names of one entity ("DPRK" for the full name)
                # Show the changed words with the few words that follow them on both sides.
                after = min(QUOTE_CONTEXT_WORDS, opcodes[k + 1][2] - opcodes[k + 1][1]) if k + 1 < len(opcodes) else 0
                if k + 1 < len(opcodes) and opcodes[k + 1][0] != "equal":
                    after = 0
                span_a = (a.span[0] + words_a[i1][1][0], a.span[0] + words_a[i2 - 1 + after][1][1])
                span_b = (b.span[0] + words_b[j1][1][0], b.span[0] + words_b[j2 - 1 + after][1][1])
                what = f"wording of a quote ({a.speaker or b.speaker or 'unattributed'})"
                out.append(_differ("quote wording", what, c, span_a, span_b))
    return out


def _date_differences(
    c: Comparison, fa: ArticleFacts, fb: ArticleFacts, sa: Span, sb: Span, relation: str
) -> list[dict[str, Any]]:
    """Dates of a copied passage that changed; in independently told ones (``same_fact``) calendar dates only.

    Two reports of one event name other days for other moments of it ("rose on
    Monday" / "could rise again on Wednesday"); a calendar date given for the
    same thing ("reopens April 20" / "from May 11") is a real discrepancy.
    """
    calendar_only = relation == "same_fact"
    da = [d for d in fa.dates if _inside(d.span, sa) and (not calendar_only or d.rule in CALENDAR_RULES)]
    db = [d for d in fb.dates if _inside(d.span, sb) and (not calendar_only or d.rule in CALENDAR_RULES)]
    return _one_sided_or_different(c, da, db, _same_date, "date")


def _same_date(x: DateMention, y: DateMention) -> bool:
    """The same date after resolution, one within the other, or the very same words (resolved apart by tense)."""
    return same_time(x, y) or contains(x, y) or contains(y, x) or x.text.lower() == y.text.lower()


def _number_differences(c: Comparison, fa: ArticleFacts, fb: ArticleFacts, sa: Span, sb: Span) -> list[dict[str, Any]]:
    na = [n for n in fa.numbers if _inside(n.span, sa)]
    nb = [n for n in fb.numbers if _inside(n.span, sb)]
    return _one_sided_or_different(c, na, nb, lambda x, y: x.value == y.value and x.unit == y.unit, "number")


def _one_sided_or_different(
    c: Comparison, xs: Sequence[Any], ys: Sequence[Any], same: Callable[[Any, Any], bool], kind: str
) -> list[dict[str, Any]]:
    """Mentions of one side with no equal on the other: a different value (same unit), or a detail one side adds."""
    out: list[dict[str, Any]] = []
    left = [x for x in xs if not any(same(x, y) for y in ys)]
    right = [y for y in ys if not any(same(x, y) for x in xs)]
    paired: set[int] = set()
    for x in left:
        matches = [k for k, y in enumerate(right) if _comparable(x, y, kind)]
        rivals = [o for o in left if o is not x and any(_comparable(o, right[k], kind) for k in matches)]
        if len(matches) > 1 or rivals:
            paired.update(matches)  # several candidates: which differs from which is not clear, say nothing
            continue
        k = matches[0] if matches and matches[0] not in paired else None
        if k is None:
            out.append(_differ(f"detail only in {c.a.id}", f"a {kind} only one source gives here", c, x.span, None))
        else:
            paired.add(k)
            out.append(_differ(kind, _what(x, kind), c, x.span, right[k].span))
    for k, y in enumerate(right):
        if k not in paired:
            out.append(_differ(f"detail only in {c.b.id}", f"a {kind} only one source gives here", c, None, y.span))
    return out


def _comparable(x: Any, y: Any, kind: str) -> bool:
    if kind == "number":
        return bool(x.unit) and x.unit == y.unit
    return bool(x.granularity == y.granularity)


def _what(x: Any, kind: str) -> str:
    if kind == "number":
        return f"number of {x.unit}" if x.unit.isalpha() else "number"
    return "date"


def _differ(kind: str, what: str, c: Comparison, a_span: Span | None, b_span: Span | None) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": kind, "what": what, "a": c.a.id, "b": c.b.id}
    if a_span is not None:
        item.update(a_span=list(a_span), a_text=c.a.text[a_span[0] : a_span[1]])
    if b_span is not None:
        item.update(b_span=list(b_span), b_text=c.b.text[b_span[0] : b_span[1]])
    return item


def _merge_repeats(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per discrepancy; the same words against the same words again go under ``also``.

    Reprints of one source repeat its discrepancies with a third article: the
    first (earliest) pair is kept.
    """
    kept: dict[tuple[str, str, str], dict[str, Any]] = {}
    for d in items:
        key = (d["kind"].split(" in ")[0], d.get("a_text", "").lower(), d.get("b_text", "").lower())
        first = kept.get(key)
        if first is None:
            kept[key] = d
        else:
            first.setdefault("also", []).append([d["a"], d["b"]])
    return list(kept.values())


def _count_conflicts(
    facts: Sequence[ArticleFacts], contexts: _Contexts, found: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Two sources giving the same kind of count (dead, injured, crowd) differently, wherever they say it."""
    seen = {(d.get("a_text"), d.get("b_text")) for d in found}
    counts = [(f, n) for f in facts for n in f.numbers if n.unit in set(COUNT_KINDS.values())]
    out: list[dict[str, Any]] = []
    for i, (fa, a) in enumerate(counts):
        for fb, b in counts[i + 1 :]:
            if fa.id == fb.id or a.unit != b.unit or a.value == b.value or (a.text, b.text) in seen:
                continue
            if any(n.unit == a.unit and n.value == b.value for n in fa.numbers):
                continue  # the first source states the other count too (a toll that rose)
            if any(n.unit == b.unit and n.value == a.value for n in fb.numbers):
                continue
            if not contexts.stems(fa.id, a.span) & contexts.stems(fb.id, b.span):
                continue  # a count of the same kind in the same story: one shared word is context enough
            seen.add((a.text, b.text))
            out.append(
                {
                    "kind": "number",
                    "what": f"number {a.unit}",
                    "a": fa.id,
                    "b": fb.id,
                    "a_span": list(a.span),
                    "a_text": a.text,
                    "b_span": list(b.span),
                    "b_text": b.text,
                }
            )
    return out


# --- facts only one source reports -------------------------------------------------------


def _unique(
    facts: Sequence[ArticleFacts], comparisons: Sequence[Comparison], entities: Sequence[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    if len(facts) < 2:
        return {}
    aligned: dict[str, list[Span]] = {f.id: [] for f in facts}
    for c in comparisons:
        for al in c.alignments:
            if al.relation == "related":
                continue
            aligned.setdefault(c.a.id, []).append(al.a_span)
            aligned.setdefault(c.b.id, []).append(al.b_span)
    named: dict[str, list[Span]] = {}
    for e in entities:
        for m in e.get("mentions", ()):
            named.setdefault(m["article"], []).append(tuple(m["span"]))
    out: dict[str, list[dict[str, Any]]] = {}
    for f in facts:
        marks: list[Span] = [d.span for d in f.dates] + [n.span for n in f.numbers] + [q.span for q in f.quotes]
        marks += named.get(f.id, [])
        rows = []
        for s in f.prepared.sentences:
            span = (s.start, s.end)
            if any(_overlap(span, a) for a in aligned.get(f.id, ())):
                continue
            if any(_overlap(m, span) for m in marks):
                rows.append({"span": [s.start, s.end], "text": s.text})
        if rows:
            out[f.id] = rows
    return out


# --- JSON shapes -------------------------------------------------------------------------


def _by_id(facts: Iterable[ArticleFacts]) -> dict[str, ArticleFacts]:
    return {f.id: f for f in facts}


def _words(text: str) -> list[tuple[str, Span]]:
    return [(m.group(0), (m.start(), m.end())) for m in _WORD.finditer(text)]


def _speaker_key(name: str) -> str:
    return " ".join(w.lower() for w, _ in _words(name))


def _number_value(n: NumberMention) -> str:
    value = int(n.value) if float(n.value).is_integer() else n.value
    return f"{value} {n.unit}".strip()


def _cite_text(article: str, mention: Any) -> dict[str, Any]:
    return {"article": article, "span": list(mention.span), "text": mention.text}


def _cite(facts: Sequence[ArticleFacts], article: str, span: Span) -> dict[str, Any]:
    text = _by_id(facts)[article].prepared.article.text
    return {"article": article, "span": list(span), "text": text[span[0] : span[1]]}


def _quote_json(article: str, q: Quote, text: str) -> dict[str, Any]:
    return {
        "article": article,
        "span": list(q.span),
        "text": q.text,
        "speaker": q.speaker,
        "speaker_span": list(q.speaker_span) if q.speaker_span else None,
        "role": q.role,
        "kind": q.kind,
    }


def _date_json(article: str, d: DateMention) -> dict[str, Any]:
    return {
        "article": article,
        "span": list(d.span),
        "text": d.text,
        "start": d.start,
        "end": d.end,
        "granularity": d.granularity,
        "rule": d.rule,
    }


def _number_json(article: str, n: NumberMention) -> dict[str, Any]:
    return {"article": article, "span": list(n.span), "text": n.text, "value": n.value, "unit": n.unit}
