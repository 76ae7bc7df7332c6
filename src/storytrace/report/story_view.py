"""Everything shown for one story (``StoryView``), built from its object in a ``stories.json`` document.

What it does: gather the story's article views in publication order, its pairs, provenance
edges and graph, facts, outlets' originality and problems, each read leniently by the module
that knows that part (``articles``, ``pairs``, ``provenance``, ``graph``, ``fact_tables``).
The report and the web UI both show this view.

What it does not do: render it (``render``), or compute anything the document does not hold
(but the fallback reuse share of a pair without a ``pairs`` entry, in ``pairs``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from storytrace.naming import alignment_counts
from storytrace.report.articles import article_viewer, by_publication, story_ids
from storytrace.report.fact_tables import facts_view
from storytrace.report.graph import layout_graph
from storytrace.report.pairs import pair_views
from storytrace.report.provenance import edge_views, outlet_views
from storytrace.report.readers import as_list, as_mapping, as_strs, as_text
from storytrace.report.views import StoryView


def report_story_view(
    story: Mapping[str, Any],
    number: str,
    meta: Mapping[str, Mapping[str, Any]],
    texts: Mapping[str, str],
    counter: Iterator[str],
    story_id: str | None = None,
) -> StoryView:
    """Everything shown for one story; ``number`` makes its anchor unique, ``counter`` numbers its pairs.

    ``story_id`` stands for the story's id (``render_story`` gives a placeholder).
    """
    prov = as_mapping(story.get("provenance"))
    view = article_viewer(meta, texts, prov)
    articles = by_publication([view(aid) for aid in dict.fromkeys(story_ids(story, meta))])
    pairs, hidden_pairs, aligned = pair_views(story, view, counter)
    edges = edge_views(prov, view)
    listed = {a.id for a in articles}
    extra = {v.id: v for e in edges for v in (e.src, e.dst) if v.id not in listed and not e.absent}
    absent = list({e.src.id: e.src for e in edges if e.absent}.values())
    return StoryView(
        id=as_text(story.get("id")) if story_id is None else story_id,
        anchor=f"story-{number}",
        title=as_text(story.get("title")),
        first_published=as_text(story.get("first_published")),
        articles=articles,
        outlets=list(dict.fromkeys(a.label for a in articles)),
        passages=alignment_counts(story.get("alignments")).passages,
        pairs=pairs,
        hidden_pairs=hidden_pairs,
        unaligned=[a for a in articles if a.id not in aligned],
        edges=edges,
        graph=layout_graph(absent + articles + by_publication(list(extra.values())), edges),
        facts=facts_view(story.get("facts"), number, [a.id for a in articles], view, story.get("brief")),
        timeline=articles,
        outlet_shares=outlet_views(prov.get("outlets")),
        problems=_problems(story.get("problems")),
        number=number,
    )


def _problems(value: object) -> list[str]:
    """A story's ``problems`` as lines: ``align failed for a, b: KeyError: …``."""
    lines = []
    for entry in map(as_mapping, as_list(value)):
        named = ", ".join(as_strs(entry.get("articles")))
        stage, error = as_text(entry.get("stage")), as_text(entry.get("error"))
        lines.append(f"{stage} failed{' for ' + named if named else ''}: {error}")
    return lines
