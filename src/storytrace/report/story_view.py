"""Everything shown for one story (``StoryView``), built from its ``model.StoryResult``.

What it does: gather the story's article views in publication order, its pairs, provenance
edges and graph, facts, outlets' originality and problems, each built by the module that
knows that part (``articles``, ``pairs``, ``provenance``, ``graph``, ``fact_tables``) from
the story's typed parts; the articles' objects (``meta``) alone are JSON mappings, read
leniently. The report and the web UI both show this view.

What it does not do: read a story's JSON (``codec.story.story_from_json``, called where a
document comes in: ``site``, ``pipeline``, ``web.views``), render it (``render``), or compute
anything the document does not hold (but the fallback reuse share of a pair without a
``pairs`` entry, in ``pairs``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from storytrace.model import StageProblem, StoryResult
from storytrace.naming import count_passages
from storytrace.report.articles import article_viewer, by_publication, story_ids
from storytrace.report.fact_tables import facts_view
from storytrace.report.graph import layout_graph
from storytrace.report.pairs import pair_views
from storytrace.report.provenance import edge_views, outlet_views
from storytrace.report.views import StoryView


def report_story_view(
    story: StoryResult,
    number: str,
    meta: Mapping[str, Mapping[str, Any]],
    texts: Mapping[str, str],
    counter: Iterator[str],
    story_id: str | None = None,
) -> StoryView:
    """Everything shown for one story; ``number`` makes its anchor unique, ``counter`` numbers its pairs.

    ``story_id`` stands for the story's id (``render_story`` gives a placeholder).
    """
    prov = story.provenance
    view = article_viewer(meta, texts, prov)
    articles = by_publication([view(aid) for aid in dict.fromkeys(story_ids(story, meta))])
    pairs, hidden_pairs, aligned = pair_views(story, view, counter)
    edges = edge_views(prov, view)
    listed = {a.id for a in articles}
    extra = {v.id: v for e in edges for v in (e.src, e.dst) if v.id not in listed and not e.absent}
    absent = list({e.src.id: e.src for e in edges if e.absent}.values())
    return StoryView(
        id=story.id if story_id is None else story_id,
        anchor=f"story-{number}",
        title=story.title,
        first_published=story.first_published or "",
        articles=articles,
        outlets=list(dict.fromkeys(a.label for a in articles)),
        passages=count_passages(p.relation for p in story.alignments).passages,
        pairs=pairs,
        hidden_pairs=hidden_pairs,
        unaligned=[a for a in articles if a.id not in aligned],
        edges=edges,
        graph=layout_graph(absent + articles + by_publication(list(extra.values())), edges),
        facts=facts_view(story.facts, number, [a.id for a in articles], view, story.brief),
        timeline=articles,
        outlet_shares=outlet_views(prov.outlets),
        problems=_problems(story.problems),
        number=number,
    )


def _problems(problems: Sequence[StageProblem]) -> list[str]:
    """A story's ``problems`` as lines: ``align failed for a, b: KeyError: …``."""
    lines = []
    for p in problems:
        named = ", ".join(a for a in p.articles if a)
        lines.append(f"{p.stage} failed{' for ' + named if named else ''}: {p.error}")
    return lines
