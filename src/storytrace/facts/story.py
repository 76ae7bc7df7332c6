"""Where a story's sources agree, differ, or stand alone: the fact comparison of a story.

Each article's cleaned content gives its facts (``dates``, ``numbers``,
``quotes``: ``facts.article_facts``; ``entities`` across the story, found and
merged here by :func:`story_entities`). They are compared across the story's
sources in two ways:

* by value, story-wide (``facts.agreement``): a date interval or a number with
  its unit that two or more sources state in the same context is an ``agree``
  item; a date that contains another's agrees as ``within``;
* inside aligned passages (the same statement in two sources), sentence by
  sentence (``facts.differ``, ``facts.quote_differences``): ``differ`` holds
  only claims that cannot both be true: ``quote wording``, ``speaker``,
  ``number``, ``date``. The same value in other words is an ``agree`` item
  marked ``reworded``. A count of one kind stated differently anywhere in the
  story is a ``number`` too; repeats are merged, a pair that ``agree`` cites is
  never a difference, and values come first, then speakers, then wording
  (``facts.contradictions``).

``unique`` lists, per article, the facts only that outlet reports
(``facts.unique``). Every item cites articles and ``[start, end)`` spans. The
results are typed (``model_facts``); ``codec.facts`` writes their JSON.

This module puts those together: :func:`story_facts` for a story,
:func:`pair_facts` for two articles (``compare --json``).

Not here: extracting the mentions (``dates``, ``numbers``, ``quotes``,
``entities``), alignment, provenance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storytrace.facts.agreement import agreements, reworded
from storytrace.facts.article_facts import ArticleFacts
from storytrace.facts.contradictions import contradictions_first, count_conflicts, merge_repeats, not_agreed
from storytrace.facts.differ import aligned_differences, entity_keys
from storytrace.facts.entities import Mention, entity_mentions_many
from storytrace.facts.entity_merge import merge_entities
from storytrace.facts.entity_naming import Entity
from storytrace.facts.fact_forms import date_fact, number_fact, quote_fact
from storytrace.facts.fact_spans import Contexts, by_id
from storytrace.facts.unique import unique_facts
from storytrace.model import Comparison
from storytrace.model_facts import Cite, EntityFact, FactCheck, StoryFacts


def story_facts(
    facts: Sequence[ArticleFacts],
    comparisons: Sequence[Comparison],
    entities: Sequence[EntityFact] = (),
) -> StoryFacts:
    """The facts of a story (``stories.json``)."""
    contexts = Contexts(facts)
    agree = agreements(facts, contexts)
    names = entity_keys(entities)
    found = [aligned_differences(c, by_id(facts), names) for c in comparisons]
    differ = [d for f in found for d in f.differ]
    differ += count_conflicts(facts, contexts, differ)
    agree += reworded(facts, [r for f in found for r in f.reworded], agree)
    check = FactCheck(
        agree=tuple(agree),
        differ=tuple(contradictions_first(merge_repeats(not_agreed(differ, agree)))),
        unique=unique_facts(facts, comparisons, entities, [d for f in found for d in f.details]),
    )
    return StoryFacts(
        entities=tuple(entities),
        quotes=tuple(quote_fact(f.id, q) for f in facts for q in f.quotes),
        dates=tuple(date_fact(f.id, d) for f in facts for d in f.dates),
        numbers=tuple(number_fact(f.id, n) for f in facts for n in f.numbers),
        check=check,
    )


def pair_facts(a: ArticleFacts, b: ArticleFacts, comparison: Comparison) -> FactCheck:
    """``agree``, ``differ`` and ``unique`` between two articles (``compare --json``)."""
    contexts = Contexts([a, b])
    agree = agreements([a, b], contexts)
    found = aligned_differences(comparison, by_id([a, b]))
    agree += reworded([a, b], found.reworded, agree)
    return FactCheck(
        agree=tuple(agree),
        differ=tuple(merge_repeats(not_agreed(found.differ, agree))),
        unique=unique_facts([a, b], [comparison], (), found.details),
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
