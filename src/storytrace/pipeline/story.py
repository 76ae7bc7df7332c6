"""Stages 5-7 for one story: align its articles, trace the reuse graph, compare the facts, write its object.

A stage that fails costs what it would have given (a pair's passages, the graph, an article's facts), never
the story (``isolation``).

Not here: which pairs are aligned and how (``align.policy``), many stories at once (``workers``).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from storytrace.ahead import AheadResults
from storytrace.align.compare import (
    DerivationMemo,
    Prepared,
    uncleaned,
)
from storytrace.align.policy import compare_story, fallback_pairs, mixed_sources
from storytrace.align.relation import RelationScorer
from storytrace.clean.title import display_title
from storytrace.codec.story import story_to_json
from storytrace.facts.article_facts import ArticleFacts, article_facts
from storytrace.facts.brief import brief_of
from storytrace.facts.entities import Mention
from storytrace.facts.story import story_entities, story_facts
from storytrace.isolation import attempt, debugging, error_text
from storytrace.model import (
    Alignment,
    Article,
    Cleaned,
    Comparison,
    PairSummary,
    PassagePart,
    Provenance,
    StageProblem,
    StoryPassage,
    StoryResult,
)
from storytrace.model_facts import Brief, EntityFact, StoryFacts
from storytrace.naming import outlet_name
from storytrace.pipeline.times import StageTimes
from storytrace.published import parse_published, sort_key
from storytrace.report.documents import article_meta
from storytrace.semantic import Embedder
from storytrace.stories_json import StoryText, story_text
from storytrace.trace.provenance import story_provenance

# What a story whose facts could not be compared holds (``problems`` says why).
NO_FACTS = StoryFacts()
NO_BRIEF = Brief()


NO_PROVENANCE = Provenance()


def analysed_text(
    story_id: str,
    members: Sequence[Prepared],
    scorer: RelationScorer,
    embedder: Embedder | None,
    times: StageTimes,
    memo: DerivationMemo,
    ahead: AheadResults,
) -> tuple[dict[str, Any], StoryText]:
    """``analyze_story``, and the story's JSON object and text as the document and the store take it.

    Timed as "document". Whatever ``analyze_story`` could not isolate still costs this story alone: it is
    written bare (``bare_story``), its articles listed, with the problem.
    """
    problems: list[StageProblem] = []
    ids = [p.article.id for p in members]

    def analysed() -> tuple[dict[str, Any], StoryText]:
        result = analyze_story(story_id, members, scorer, embedder, times, memo, ahead)
        with times.stage("document"):
            story = story_to_json(result)
            return story, story_text(story, [article_meta(p.article, p.clean) for p in members])

    def bare() -> tuple[dict[str, Any], StoryText]:
        story = story_to_json(bare_story(story_id, members, problems))
        return story, story_text(story, [article_meta(p.article, uncleaned(p.article)) for p in members])

    return attempt("story", ids, analysed, bare, problems)


def bare_story(story_id: str, members: Sequence[Prepared], problems: Sequence[StageProblem]) -> StoryResult:
    """The result of a story none of whose stages could be run: its articles, and why."""
    return StoryResult(
        id=story_id,
        title=_bare_title(members),
        articles=tuple(p.article.id for p in members),
        first_published=None,
        problems=tuple(problems),
    )


def story_result(
    story_id: str,
    articles: Sequence[Article],
    comparisons: Sequence[Comparison],
    provenance: Provenance,
    facts: StoryFacts,
    cleans: Mapping[str, Cleaned] | None = None,
    brief: Brief = NO_BRIEF,
) -> StoryResult:
    """One story's result from its stages' (its problems apart).

    ``provenance`` comes from ``trace.provenance.story_provenance``, ``facts`` from ``facts.story.story_facts``;
    ``cleans``, each article's clean stage by id, keeps bylines and datelines out of the title; ``brief`` from
    ``facts.brief.brief_of``. The title is the first dated article's (else the first one's).
    """
    dated = [a for a in articles if parse_published(a.published) is not None]
    first = min(dated, key=lambda a: sort_key(a.published)) if dated else articles[0]
    return StoryResult(
        id=story_id,
        title=display_title(first, (cleans or {}).get(first.id) or uncleaned(first)),
        articles=tuple(a.id for a in articles),
        first_published=first.published if dated else None,
        alignments=tuple(story_passage(al, c.a, c.b) for c in comparisons for al in c.alignments),
        provenance=provenance,
        facts=facts,
        brief=brief,
        pairs=tuple(pair_summary(c) for c in comparisons),
    )


def story_passage(al: Alignment, a: Article, b: Article) -> StoryPassage:
    """One aligned passage pair of a story, with its articles' ids and the texts of its spans."""
    return StoryPassage(
        a=a.id,
        b=b.id,
        a_span=al.a_span,
        b_span=al.b_span,
        a_text=a.text[al.a_span[0] : al.a_span[1]],
        b_text=b.text[al.b_span[0] : al.b_span[1]],
        relation=al.relation,
        score=al.score,
        parts=tuple(PassagePart(u.a_span, u.b_span, u.relation, u.score) for u in al.parts),
    )


def pair_summary(c: Comparison) -> PairSummary:
    """The figures of one compared pair kept in a story."""
    return PairSummary(c.a.id, c.b.id, c.story_score, c.a_covered_by_b, c.b_covered_by_a, c.b_from_a, c.a_from_b)


def _bare_title(members: Sequence[Prepared]) -> str:
    """The first headline of the members (else the first one's lead), bylines and datelines left out."""
    shown = [p for p in members if p.article.title] or list(members[:1])
    return display_title(shown[0].article, shown[0].clean) if shown else "(not analysed)"


def story_outlets(members: Sequence[Prepared]) -> set[str]:
    """The outlets of a story's articles (``naming.outlet_name``)."""
    return {outlet_name(p.article) for p in members}


def analyze_story(
    story_id: str,
    members: Sequence[Prepared],
    scorer: RelationScorer,
    embedder: Embedder | None = None,
    times: StageTimes | None = None,
    memo: DerivationMemo | None = None,
    ahead: AheadResults | None = None,
) -> StoryResult:
    """Stages 5-7 for one story's prepared members (in publication order): its result.

    ``ahead``: facts of members computed beforehand (``ahead.Ahead``). A stage
    that fails costs what it would have given (a pair's passages, the graph,
    an article's facts), never the story: the story is written with what
    succeeded and a ``problems`` list naming each failed stage, its articles
    and the error (``isolation``).
    """
    times = times or StageTimes()
    start = time.process_time()
    arts = [p.article for p in members]
    ids = [a.id for a in arts]
    problems = [problem for p in members for problem in p.problems]
    cleans = {p.article.id: p.clean for p in members}
    with times.stage("align"):
        comparisons = aligned_story(members, scorer, embedder, memo, problems)
    with times.stage("trace"):
        provenance = attempt("trace", ids, lambda: story_provenance(comparisons, arts), lambda: NO_PROVENANCE,
                             problems)  # fmt: skip
    with times.stage("facts"):
        facts = compare_facts(members, comparisons, ahead, problems)
        brief = attempt("brief", ids, lambda: brief_of(members, comparisons, facts), Brief, problems)
    with times.stage("document"):
        story = attempt(
            "document", ids, lambda: story_result(story_id, arts, comparisons, provenance, facts, cleans, brief),
            lambda: story_result(story_id, arts, [], NO_PROVENANCE, NO_FACTS, cleans), problems,
        )  # fmt: skip
    times.stories.append((len(arts), len(comparisons), time.process_time() - start))
    return replace(story, problems=tuple(problems)) if problems else story


def aligned_story(
    members: Sequence[Prepared],
    scorer: RelationScorer,
    embedder: Embedder | None,
    memo: DerivationMemo | None,
    problems: list[StageProblem],
) -> list[Comparison]:
    """``compare_story``; if the story fails as a whole, its pairs one by one, each failing alone.

    The pairs aligned alone get a sentence space of their own two articles
    (IDF from the pair, not the story): close, not identical, to what the story
    would have given. Each pair that fails again is a problem; if none does,
    the story's own failure is.
    """
    try:
        return compare_story(members, scorer, embedder, memo)
    except Exception as error:  # noqa: BLE001 - isolated: the pairs are tried one by one below
        if debugging():
            raise
        story_failure = StageProblem("align", tuple(p.article.id for p in members), error_text(error))
    failed: list[StageProblem] = []
    comparisons: list[Comparison] = []
    for i, j in fallback_pairs(len(members)):
        pair = [members[i], members[j]]
        ids = [p.article.id for p in pair]
        work = functools.partial(compare_story, pair, scorer, embedder, memo)
        comparisons.extend(attempt("align", ids, work, _no_comparisons, failed))
    problems.extend(failed or [story_failure])
    return mixed_sources(comparisons)


def _no_comparisons() -> list[Comparison]:
    return []


def compare_facts(
    members: Sequence[Prepared],
    comparisons: Sequence[Comparison],
    ahead: AheadResults | None = None,
    problems: list[StageProblem] | None = None,
) -> StoryFacts:
    """Stage 6b: the story's facts (dates, numbers, quotes; entities where two or more outlets meet) compared.

    Entities (spaCy, the costly part) are looked for only in stories that two
    or more outlets report: their point is the spelling variants and roles
    across sources. A story told by one outlet alone (updates of one wire
    story) still has its dates, numbers and quotes compared. ``ahead``: members' facts computed
    beforehand (``ahead.Ahead``), used for the very articles they were computed on. With ``problems``, a
    failure costs one article's facts (or the story's entities, or its comparison) and is recorded there.
    """
    if problems is None:
        facts = [ahead.facts_of(p) if ahead is not None else article_facts(p) for p in members]
        entities = _story_entities(facts, ahead) if len(story_outlets(members)) > 1 else []
        return story_facts(facts, comparisons, entities)
    failed = problems
    ids = [p.article.id for p in members]
    facts = [
        attempt("facts", [p.article.id], functools.partial(compare_facts_of, p, ahead), _no_facts(p), failed)
        for p in members
    ]
    found: list[EntityFact] = []
    if len(story_outlets(members)) > 1:
        found = attempt("entities", ids, lambda: _story_entities(facts, ahead), list, failed)
    return attempt("facts", ids, lambda: story_facts(facts, comparisons, found), lambda: NO_FACTS, failed)


def _story_entities(facts: Sequence[ArticleFacts], ahead: AheadResults | None) -> list[EntityFact]:
    """``story_entities``, parsing only the articles whose mentions ``ahead`` does not know (and telling it those)."""
    if ahead is None:
        return story_entities(facts)
    found: dict[str, tuple[Mention, ...]] = {}
    entities = story_entities(facts, ahead.known_mentions(facts), found)
    ahead.add_mentions(facts, found)
    return entities


def compare_facts_of(prepared: Prepared, ahead: AheadResults | None) -> ArticleFacts:
    """One article's facts: the helper's (``ahead``) when it computed them for this very article, else computed."""
    return ahead.facts_of(prepared) if ahead is not None else article_facts(prepared)


def _no_facts(prepared: Prepared) -> Callable[[], ArticleFacts]:
    return lambda: ArticleFacts(prepared, (), (), ())
