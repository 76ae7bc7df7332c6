"""Stage 4, ``analyze``: alignment, provenance and facts of every story, as ``analyze`` computes them.

1. stories one ``applyInPandas`` group per story: its member rows in,
           ``stories.story_rows`` (``pipeline.analyze_story`` on the lexical
           features) out, as rows of four kinds: the story, its articles, its
           alignments and its provenance edges;
2. tables  ``tables/stories`` (one row per story, its ``stories.json`` object
           as JSON in ``story_json``), ``tables/articles`` (metadata and story of
           each article), ``tables/alignments`` (spans, relation, score) and
           ``tables/edges`` (provenance: from, to, share, why).

Stories are dealt to partitions by estimated cost (the article pairs
``compare_story`` aligns, plus ``FACT_COST`` per article for the facts),
heaviest first (``frames.by_cost``, ``frames.dealt``): plain hash partitioning leaves a task
with two big stories while the other cores idle at the end. The sizes come
from the cluster stage's assignments, and the total cost, which sets the
number of tasks, from the same query that ranks the stories.

Does not: cluster (``cluster``); write the JSON Lines files (``write``); split
one story over several tasks (a story is one ``analyze_story`` call: its size
is bounded by the clusterer, and ``compare_story`` aligns a large story's
articles with their nearest ones only).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from storytrace.align.policy import ALL_PAIRS_MAX_ARTICLES, NEAREST_ARTICLES
from storytrace.spark.batch import Batch
from storytrace.spark.clean import FEATURE_SCHEMA
from storytrace.spark.cluster import ASSIGNMENT_SCHEMA
from storytrace.spark.features import plain_row, to_frame
from storytrace.spark.frames import PART_KEY, by_cost, dealt
from storytrace.spark.stories import ROW_SCHEMA, story_rows

FIRST_PROBLEMS = 20  # the problem lines of failed stories the stage keeps to show (all are counted)
FACT_COST = 5  # the facts of one article cost about as much as aligning five article pairs (Reuters items)
COST_PER_TASK = 2000  # pair-equivalents per task: half a minute to a minute
STORIES_PER_RANGE = 100_000  # stories per task when they are sorted by cost
ARTICLE_FIELDS = ["id", "text", "title", "url", "source", "published", "language", "authors", "kind", "origin"]
STORY_TABLE_SCHEMA = "story string, rank long, size int, title string, first_published string, story_json string"
META_SCHEMA = (
    "source string, title string, published string, kind string, url string, origin string, "
    "authors array<string>, credited array<string>, boilerplate array<string>"
)


def run(batch: Batch) -> dict[str, Any]:
    """Analyse every story; write the four tables."""
    articles = batch.read(batch.stage_path("clean", "articles"), FEATURE_SCHEMA)
    assigned = batch.read(batch.stage_path("cluster", "assignments"), ASSIGNMENT_SCHEMA)
    placed = assigned.select("position", "story", "rank")
    members = articles.select("position", *ARTICLE_FIELDS).join(placed, "position").drop("position")
    stories = assigned.groupBy("story").agg(F.count("*").alias("size"))
    every = F.col("size") * (F.col("size") - 1) / 2
    pairs = F.when(F.col("size") <= ALL_PAIRS_MAX_ARTICLES, every).otherwise(
        F.least(every, F.col("size") * NEAREST_ARTICLES)
    )
    units = stories.select(
        "story", (pairs + FACT_COST * F.col("size")).cast("long").alias("cost"), pairs.cast("long").alias("pairs")
    )
    sorting = batch.partitions(int(batch.figures_of("cluster")["stories"]), STORIES_PER_RANGE)
    ranked = by_cost(units, "cost", sorting, sums=("cost", "pairs"))  # the totals come with the ranks
    aligned, tasks = ranked.sums["pairs"], batch.partitions(ranked.sums["cost"], COST_PER_TASK)
    sources = tuple(batch.figures_of("clean")["agency_sources"])  # cleaning learns their credits
    dealt_to = dealt(ranked.frame.drop("cost", "pairs"), tasks)
    rows = _analysed(members, dealt_to, tasks, sources)
    kinds = {
        "stories": "story",
        "articles": "article",
        "alignments": "alignment",
        "edges": "edge",
        "problems": "problem",
    }
    counted = batch.write(
        rows,
        batch.stage_path("analyze", "rows"),
        **{name: F.count(F.when(F.col("kind") == kind, True)) for name, kind in kinds.items()},
    )
    written = batch.read(batch.stage_path("analyze", "rows"), ROW_SCHEMA)
    _write_tables(batch, written)
    first = (
        written.where("kind = 'problem'").select("json").limit(FIRST_PROBLEMS).collect() if counted["problems"] else []
    )
    return {
        "problems": int(counted["problems"]),
        "first_problems": [str(r["json"]) for r in first],
        "stories": int(counted["stories"]),
        "articles": int(counted["articles"]),
        "article_pairs": aligned,
        "alignments": int(counted["alignments"]),
        "edges": int(counted["edges"]),
        "tasks": tasks,
    }


def _analysed(members: DataFrame, dealt: DataFrame, tasks: int, sources: tuple[str, ...]) -> DataFrame:
    """One ``applyInPandas`` group per story, in the partition it was dealt to."""

    def analyse(frame: pd.DataFrame) -> pd.DataFrame:
        records = [plain_row(r) for r in frame.to_dict("records")]
        return to_frame(story_rows(records, sources), ROW_SCHEMA)

    placed = members.join(F.broadcast(dealt), "story").repartition(tasks, PART_KEY)
    return placed.groupBy(PART_KEY, "story").applyInPandas(analyse, ROW_SCHEMA)


def _write_tables(batch: Batch, rows: DataFrame) -> None:
    """Split the rows into the four output tables."""
    stories = rows.where("kind = 'story'").select(
        "story", "rank", "size",
        F.get_json_object("json", "$.title").alias("title"),
        F.get_json_object("json", "$.first_published").alias("first_published"),
        F.col("json").alias("story_json"),
    )  # fmt: skip
    meta = F.from_json("json", META_SCHEMA)
    articles = rows.where("kind = 'article'").select(
        "id", "story", meta.alias("m"), F.col("json").alias("article_json")
    )
    articles = articles.select("id", "story", "m.*", "article_json")
    alignments = rows.where("kind = 'alignment'").select(
        "story", "a", "b", "a_start", "a_end", "b_start", "b_end", "relation", "score"
    )
    edges = rows.where("kind = 'edge'").select(
        "story", F.col("from_id").alias("from"), F.col("to_id").alias("to"), "share", "why"
    )
    for name, table in (("stories", stories), ("articles", articles), ("alignments", alignments), ("edges", edges)):
        table.write.mode("overwrite").parquet(batch.table_path(name))
