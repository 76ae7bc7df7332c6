"""One story's analysis as output rows (no Spark): what each group of the ``analyze`` stage runs.

The member rows of a story are cleaned again (``prepare``, with the corpus's
agencies), put in the order ``pipeline.analyze_articles`` gives a story's
members (publication, then id) and handed to ``pipeline.analyze_story`` with
the lexical features and the default relation scorer: the same story object
``analyze`` puts in ``stories.json``. The rows out are that object, its
articles' metadata (``report.documents.article_meta``), its alignments and its
provenance edges, in one schema (``ROW_SCHEMA``) that the stage splits into tables.

Not here: Spark, the choice of partitions (``spark.analyze``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any

from storytrace.align.classifier import default_scorer
from storytrace.align.compare import Prepared
from storytrace.align.relation import RelationScorer
from storytrace.codec.story import problems_from_json, story_to_json
from storytrace.isolation import attempt
from storytrace.model import StageProblem
from storytrace.pipeline import analyze_story, member_order
from storytrace.pipeline.story import bare_story
from storytrace.report.documents import article_meta
from storytrace.spark.features import prepare_row

ROW_SCHEMA = (
    "kind string, story string, rank long, size int, json string, id string, "
    "a string, b string, a_start int, a_end int, b_start int, b_end int, relation string, score double, "
    "from_id string, to_id string, share double, why string"
)


@cache
def scorer() -> RelationScorer:
    """The relation scorer ``analyze`` uses by default, loaded once per worker."""
    return default_scorer()


def in_story_order(members: Sequence[Prepared]) -> list[Prepared]:
    """A story's members as ``pipeline.analyze_articles`` orders them (``pipeline.member_order``)."""
    return sorted(members, key=lambda p: member_order(p.article))


def story_rows(records: Sequence[dict[str, Any]], sources: tuple[str, ...]) -> list[dict[str, Any]]:
    """The output rows of one story from its member rows (article fields, ``story``, ``rank``).

    A failure costs this story alone, as in ``analyze`` (``isolation``): what its stages could not do is in
    its ``problems``, each also a row of kind ``problem`` (its line), which the stage counts; anything else
    that fails leaves the story bare (its articles, and why). One failed story is never a failed job.
    """
    story_id, rank = records[0]["story"], int(records[0]["rank"])
    failed: list[StageProblem] = []
    ids = [str(r.get("id")) for r in records]
    rows = attempt("story", ids, lambda: _rows(records, sources, story_id, rank), lambda: [], failed)
    if failed:
        bare = story_to_json(replace(bare_story(story_id, [], failed), articles=tuple(ids)))
        rows = [{"story": story_id, "rank": rank, "kind": "story", "size": len(ids), "json": json.dumps(bare)}]
    stories = [json.loads(r["json"]) for r in rows if r["kind"] == "story"]
    problems = [p.line(story_id) for story in stories for p in problems_from_json(story.get("problems"))]
    return rows + [{"story": story_id, "rank": rank, "kind": "problem", "json": line} for line in problems]


def _rows(
    records: Sequence[dict[str, Any]], sources: tuple[str, ...], story_id: str, rank: int
) -> list[dict[str, Any]]:
    members = in_story_order([prepare_row(r, sources) for r in records])
    story = story_to_json(analyze_story(story_id, members, scorer(), None))
    base = {"story": story_id, "rank": rank}
    out: list[dict[str, Any]] = [
        {**base, "kind": "story", "size": len(members), "json": json.dumps(story, ensure_ascii=False)}
    ]
    for p in members:
        meta = article_meta(p.article, p.clean, story_id)
        out.append({**base, "kind": "article", "id": p.article.id, "json": json.dumps(meta, ensure_ascii=False)})
    for al in story["alignments"]:
        a_start, a_end = al["a_span"]
        b_start, b_end = al["b_span"]
        out.append(
            {
                **base, "kind": "alignment", "a": al["a"], "b": al["b"], "a_start": a_start, "a_end": a_end,
                "b_start": b_start, "b_end": b_end, "relation": al["relation"], "score": float(al["score"]),
            }
        )  # fmt: skip
    for edge in story["provenance"]["edges"]:
        out.append(
            {**base, "kind": "edge", "from_id": edge["from"], "to_id": edge["to"], "share": float(edge["share"]),
             "why": edge.get("why")}
        )  # fmt: skip
    return out
