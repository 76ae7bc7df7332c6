"""The ``facts`` object of ``stories.json`` and ``compare --json``, written from ``model_facts`` and read back.

``facts_to_json`` writes a story's ``StoryFacts`` (``entities``, ``quotes``,
``dates``, ``numbers``, ``agree``, ``differ``, ``unique``) or a pair's
``FactCheck`` (``agree``, ``differ``, ``unique``), key for key in the order
CONTRACT.md and README document. ``facts_from_json`` and ``check_from_json``
read them back: ``facts_from_json(facts_to_json(x)) == x``. Reading is
lenient, for documents older versions wrote: a missing key is empty, an
item of the wrong shape or of an unknown kind is left out, and two older
forms are read as today's (a ``differ`` item ``detail only in X`` is a row of
``unique`` for X; ``also`` without ``also_cites`` names the repeats' articles).

Not here: finding or comparing facts (``facts.story``), the rest of a story's JSON (``report.documents``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from storytrace.codec import read
from storytrace.model_facts import (
    AGREE_KINDS,
    DIFFER_KINDS,
    Agreement,
    Change,
    Cite,
    DateFact,
    Difference,
    EntityFact,
    FactCheck,
    NumberFact,
    QuoteFact,
    Said,
    Sides,
    StoryFacts,
    Unique,
    UniqueRow,
)

JSON = dict[str, Any]
# The kind of a one-sided detail in ``differ`` before details moved to ``unique`` (read, never written).
OLD_DETAIL = "detail only in "


# --- writing -----------------------------------------------------------------------------


def facts_to_json(facts: StoryFacts | FactCheck) -> JSON:
    """A story's ``facts`` object (``StoryFacts``), or a pair's (``FactCheck``)."""
    if isinstance(facts, FactCheck):
        return _check_json(facts)
    return {
        "entities": [_entity_json(e) for e in facts.entities],
        "quotes": [_quote_json(q) for q in facts.quotes],
        "dates": [_date_json(d) for d in facts.dates],
        "numbers": [_number_json(n) for n in facts.numbers],
        **_check_json(facts.check),
    }


def _check_json(check: FactCheck) -> JSON:
    """``agree``, ``differ`` and ``unique``."""
    return {
        "agree": [_agreement_json(a) for a in check.agree],
        "differ": [_difference_json(d) for d in check.differ],
        "unique": {u.article: [_unique_row_json(r) for r in u.rows] for u in check.unique},
    }


def _cite_json(c: Cite) -> JSON:
    return {"article": c.article, "span": list(c.span), "text": c.text}


def _said_json(s: Said) -> JSON:
    return {"span": list(s.span), "text": s.text}


def _entity_json(e: EntityFact) -> JSON:
    """One entity: name, label, variants, mentions per article, roles per article and cited mentions."""
    return {
        "name": e.name,
        "label": e.label,
        "variants": list(e.variants),
        "possible_variants": list(e.possible_variants),
        "articles": dict(e.articles),
        "roles": {article: list(roles) for article, roles in e.roles},
        "mentions": [_cite_json(m) for m in e.mentions],
    }


def _quote_json(q: QuoteFact) -> JSON:
    return {
        "article": q.article,
        "span": list(q.span),
        "text": q.text,
        "speaker": q.speaker,
        "speaker_span": list(q.speaker_span) if q.speaker_span else None,
        "role": q.role,
        "kind": q.kind,
    }


def _date_json(d: DateFact) -> JSON:
    return {
        "article": d.article,
        "span": list(d.span),
        "text": d.text,
        "start": d.start,
        "end": d.end,
        "granularity": d.granularity,
        "rule": d.rule,
    }


def _number_json(n: NumberFact) -> JSON:
    return {"article": n.article, "span": list(n.span), "text": n.text, "value": n.value, "unit": n.unit}


def _agreement_json(a: Agreement) -> JSON:
    out: JSON = {"kind": a.kind, "value": a.value, "cites": [_cite_json(c) for c in a.cites]}
    if a.reworded:
        out["reworded"] = True
    return out


def _sides_json(s: Sides) -> JSON:
    """``a``, ``b`` and, for each side whose words are known, its ``_span`` and ``_text``."""
    out: JSON = {"a": s.a, "b": s.b}
    for side, said in (("a", s.a_said), ("b", s.b_said)):
        if said is not None:
            out[f"{side}_span"], out[f"{side}_text"] = list(said.span), said.text
    return out


def _difference_json(d: Difference) -> JSON:
    out: JSON = {"kind": d.kind, "what": d.what, **_sides_json(d.sides)}
    if d.values is not None:
        out["a_value"], out["b_value"] = d.values
    if d.changes:
        out["changes"] = [_sides_json(Sides("", "", c.a, c.b)) for c in d.changes]
        for change in out["changes"]:
            del change["a"], change["b"]
    if d.repeats:
        out["also"] = [[r.a, r.b] for r in d.repeats]
        out["also_cites"] = [_sides_json(r) for r in d.repeats]
    return out


def _unique_row_json(r: UniqueRow) -> JSON:
    out: JSON = {"span": list(r.span), "text": r.text}
    if r.details:
        out["details"] = [_said_json(s) for s in r.details]
    return out


# --- reading -----------------------------------------------------------------------------


def facts_from_json(data: object) -> StoryFacts:
    """A story's ``facts`` object as ``StoryFacts`` (what is missing or malformed comes out empty)."""
    f = read.mapping(data)
    return StoryFacts(
        entities=tuple(_some(_entity_from_json, f.get("entities"))),
        quotes=tuple(_some(_quote_from_json, f.get("quotes"))),
        dates=tuple(_some(_date_from_json, f.get("dates"))),
        numbers=tuple(_some(_number_from_json, f.get("numbers"))),
        check=check_from_json(f),
    )


def check_from_json(data: object) -> FactCheck:
    """``agree``, ``differ`` and ``unique`` of a ``facts`` object (a story's or a pair's)."""
    f = read.mapping(data)
    differ = read.mappings(f.get("differ"))
    fresh = [d for d in differ if not read.text(d.get("kind")).startswith(OLD_DETAIL)]
    old_details = [d for d in differ if read.text(d.get("kind")).startswith(OLD_DETAIL)]
    return FactCheck(
        agree=tuple(_some(_agreement_from_json, f.get("agree"))),
        differ=tuple(_some(_difference_from_json, fresh)),
        unique=_with_old_details(tuple(_uniques(f.get("unique"))), old_details),
    )


T = TypeVar("T")


def _some(reader: Callable[[Mapping[str, Any]], T | None], value: object) -> Iterator[T]:
    """What ``reader`` makes of each object of the array ``value`` (None: left out)."""
    for item in read.mappings(value):
        found = reader(item)
        if found is not None:
            yield found


def _cite_from_json(c: Mapping[str, Any]) -> Cite | None:
    span = read.span(c.get("span"))
    if span is None or c.get("article") is None:
        return None
    return Cite(read.text(c.get("article")), span, read.text(c.get("text")))


def _said_from_json(s: Mapping[str, Any], prefix: str = "") -> Said | None:
    span = read.span(s.get(f"{prefix}span"))
    return None if span is None else Said(span, read.text(s.get(f"{prefix}text")))


def _entity_from_json(e: Mapping[str, Any]) -> EntityFact | None:
    if not read.text(e.get("name")):
        return None
    counts = read.mapping(e.get("articles"))
    return EntityFact(
        name=read.text(e.get("name")),
        label=read.text(e.get("label")),
        variants=read.strings(e.get("variants")),
        possible_variants=read.strings(e.get("possible_variants")),
        articles=tuple((str(a), n) for a, n in counts.items() if type(n) is int),
        roles=tuple((str(a), read.strings(r)) for a, r in read.mapping(e.get("roles")).items()),
        mentions=tuple(_some(_cite_from_json, e.get("mentions"))),
    )


def _quote_from_json(q: Mapping[str, Any]) -> QuoteFact | None:
    cite = _cite_from_json(q)
    if cite is None:
        return None
    speaker, role = read.optional_text(q.get("speaker")), read.optional_text(q.get("role"))
    return QuoteFact(*_cited(cite), speaker, read.span(q.get("speaker_span")), role, read.text(q.get("kind")))


def _date_from_json(d: Mapping[str, Any]) -> DateFact | None:
    cite = _cite_from_json(d)
    if cite is None:
        return None
    fields = (read.text(d.get(k)) for k in ("start", "end", "granularity", "rule"))
    return DateFact(*_cited(cite), *fields)


def _number_from_json(n: Mapping[str, Any]) -> NumberFact | None:
    cite, value = _cite_from_json(n), read.number(n.get("value"))
    if cite is None or value is None:
        return None
    return NumberFact(*_cited(cite), value, read.text(n.get("unit")))


def _cited(c: Cite) -> tuple[str, tuple[int, int], str]:
    return c.article, c.span, c.text


def _agreement_from_json(a: Mapping[str, Any]) -> Agreement | None:
    kind = read.one_of(a.get("kind"), AGREE_KINDS, None)
    if kind is None:
        return None
    value = a.get("value")
    shown = read.text(value) if isinstance(value, str) or value is None else json.dumps(value, ensure_ascii=False)
    cites = tuple(_some(_cite_from_json, a.get("cites")))
    return Agreement(kind, shown, cites, reworded=a.get("reworded") is True)


def _sides_from_json(s: Mapping[str, Any]) -> Sides:
    return Sides(read.text(s.get("a")), read.text(s.get("b")), _said_from_json(s, "a_"), _said_from_json(s, "b_"))


def _difference_from_json(d: Mapping[str, Any]) -> Difference | None:
    kind = read.one_of(d.get("kind"), DIFFER_KINDS, None)
    if kind is None:
        return None
    values = None
    if "a_value" in d and "b_value" in d:
        values = (read.text(d["a_value"]), read.text(d["b_value"]))
    return Difference(kind, read.text(d.get("what")), _sides_from_json(d), values, _changes(d), _repeats(d))


def _changes(d: Mapping[str, Any]) -> tuple[Change, ...]:
    found = (_sides_from_json(c) for c in read.mappings(d.get("changes")))
    return tuple(Change(s.a_said, s.b_said) for s in found if s.a_said is not None and s.b_said is not None)


def _repeats(d: Mapping[str, Any]) -> tuple[Sides, ...]:
    """``also_cites``; from older versions, which wrote ``also`` alone, the repeats' articles."""
    if "also_cites" in d:
        return tuple(_sides_from_json(c) for c in read.mappings(d.get("also_cites")))
    pairs = [read.strings(p) for p in read.items(d.get("also"))]
    return tuple(Sides(*p) for p in pairs if len(p) == 2)


def _uniques(value: object) -> Iterator[Unique]:
    for article, rows in read.mapping(value).items():
        found = tuple(r for r in (_unique_row_from_json(x) for x in read.mappings(rows)) if r is not None)
        if found:
            yield Unique(str(article), found)


def _unique_row_from_json(r: Mapping[str, Any]) -> UniqueRow | None:
    said = _said_from_json(r)
    if said is None:
        return None
    details = tuple(s for s in (_said_from_json(x) for x in read.mappings(r.get("details"))) if s is not None)
    return UniqueRow(said.span, said.text, details)


def _with_old_details(unique: tuple[Unique, ...], old: list[Mapping[str, Any]]) -> tuple[Unique, ...]:
    """``unique`` with the one-sided details older versions listed in ``differ`` (``detail only in X``)."""
    rows = {u.article: list(u.rows) for u in unique}
    for d in old:
        article = read.text(d.get("kind"))[len(OLD_DETAIL) :]
        said = _said_from_json(d, "a_") if read.text(d.get("a")) == article else _said_from_json(d, "b_")
        if said is not None and article:
            rows.setdefault(article, []).append(UniqueRow(said.span, said.text))
    return tuple(Unique(article, tuple(found)) for article, found in rows.items())
