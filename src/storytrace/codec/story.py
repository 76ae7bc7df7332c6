"""A story object of ``stories.json``, written from ``model.StoryResult`` and read back: the one place for both.

``story_to_json`` writes the keys in the order CONTRACT.md and the README document (``id``, ``title``,
``articles``, ``first_published``, ``alignments``, ``provenance``, ``facts``, ``brief``, ``pairs``, then
``problems`` when a stage failed); ``story_from_json`` reads one back, so that
``story_to_json(story_from_json(x)) == x`` for every story this module wrote (``tests/test_story_codec.py``
checks it on the demo and on 2,000 Reuters bodies). Reading is lenient, for documents older versions wrote:
a missing key is empty, an entry of the wrong shape is left out. The parts are each their own codec:
``codec.provenance``, ``codec.facts``, ``codec.brief``.

Not here: what goes into a story (``pipeline.story``), the document around the stories (``stories_json``),
the articles' objects (``report.documents``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storytrace.codec import read
from storytrace.codec.brief import brief_from_json, brief_to_json
from storytrace.codec.facts import facts_from_json, facts_to_json
from storytrace.codec.provenance import provenance_from_json, provenance_to_json, relation_of
from storytrace.model import (
    DERIVATIONS,
    Derivation,
    PairSummary,
    PassagePart,
    StageProblem,
    StoryPassage,
    StoryResult,
)

JSON = dict[str, Any]


# --- writing -----------------------------------------------------------------------------


def story_to_json(story: StoryResult) -> JSON:
    """The story object of ``stories.json``."""
    out: JSON = {
        "id": story.id,
        "title": story.title,
        "articles": list(story.articles),
        "first_published": story.first_published,
        "alignments": [passage_to_json(p) for p in story.alignments],
        "provenance": provenance_to_json(story.provenance),
        "facts": facts_to_json(story.facts),
        "brief": brief_to_json(story.brief),
        "pairs": [pair_to_json(p) for p in story.pairs],
    }
    if story.problems:
        out["problems"] = [p.as_json() for p in story.problems]
    return out


def passage_to_json(p: StoryPassage) -> JSON:
    """One aligned passage pair of a story, with its article ids and texts."""
    out: JSON = {
        "a": p.a,
        "b": p.b,
        "a_span": list(p.a_span),
        "b_span": list(p.b_span),
        "a_text": p.a_text,
        "b_text": p.b_text,
        "relation": p.relation,
        "score": p.score,
    }
    if p.parts:  # the evidence a passage was joined from: spans and relations, no texts
        out["parts"] = [
            {"a_span": list(u.a_span), "b_span": list(u.b_span), "relation": u.relation, "score": u.score}
            for u in p.parts
        ]
    return out


def pair_to_json(p: PairSummary) -> JSON:
    """The figures of one compared pair (an extension of the contract)."""
    return {
        "a": p.a,
        "b": p.b,
        "story_score": p.story_score,
        "a_covered_by_b": p.a_covered_by_b,
        "b_covered_by_a": p.b_covered_by_a,
        "b_from_a": p.b_from_a,
        "a_from_b": p.a_from_b,
    }


# --- reading -----------------------------------------------------------------------------


def story_from_json(data: object) -> StoryResult:
    """A story object of ``stories.json`` as ``StoryResult`` (what is missing or malformed comes out empty)."""
    s = read.mapping(data)
    return StoryResult(
        id=read.text(s.get("id")),
        title=read.text(s.get("title")),
        articles=read.strings(s.get("articles")),
        first_published=read.optional_text(s.get("first_published")),
        alignments=tuple(p for p in map(_passage, read.mappings(s.get("alignments"))) if p is not None),
        provenance=provenance_from_json(s.get("provenance")),
        facts=facts_from_json(s.get("facts")),
        brief=brief_from_json(s.get("brief")),
        pairs=tuple(_pair(p) for p in read.mappings(s.get("pairs"))),
        problems=problems_from_json(s.get("problems")),
    )


def problems_from_json(value: object) -> tuple[StageProblem, ...]:
    """A story's ``problems`` array (``StageProblem.as_json`` each), read leniently.

    The one reader of it: the report, the summary after ``analyze``, the web UI and Spark use it alike.
    """
    return tuple(map(_problem, read.mappings(value)))


def _problem(p: Mapping[str, Any]) -> StageProblem:
    """A ``problems`` entry; a null or malformed field reads as empty."""
    articles = tuple(read.text(a) for a in read.items(p.get("articles")) if a is not None)
    return StageProblem(read.text(p.get("stage")), articles, read.text(p.get("error")))


def _passage(p: Mapping[str, Any]) -> StoryPassage | None:
    a_span, b_span = read.span(p.get("a_span")), read.span(p.get("b_span"))
    if a_span is None or b_span is None:
        return None
    parts = tuple(u for u in map(_part, read.mappings(p.get("parts"))) if u is not None)
    return StoryPassage(
        a=read.text(p.get("a")),
        b=read.text(p.get("b")),
        a_span=a_span,
        b_span=b_span,
        a_text=read.text(p.get("a_text")),
        b_text=read.text(p.get("b_text")),
        relation=relation_of(p.get("relation")),
        score=read.number_or(p.get("score")),
        parts=parts,
    )


def _part(u: Mapping[str, Any]) -> PassagePart | None:
    a_span, b_span = read.span(u.get("a_span")), read.span(u.get("b_span"))
    if a_span is None or b_span is None:
        return None
    return PassagePart(a_span, b_span, relation_of(u.get("relation")), read.number_or(u.get("score")))


def _pair(p: Mapping[str, Any]) -> PairSummary:
    return PairSummary(
        a=read.text(p.get("a")),
        b=read.text(p.get("b")),
        story_score=read.number_or(p.get("story_score")),
        a_covered_by_b=read.number_or(p.get("a_covered_by_b")),
        b_covered_by_a=read.number_or(p.get("b_covered_by_a")),
        b_from_a=_derivation(p.get("b_from_a")),
        a_from_b=_derivation(p.get("a_from_b")),
    )


def _derivation(value: object) -> Derivation:
    return read.one_of(value, DERIVATIONS, "non_derived")
