"""Stage 5, ``write``: the JSON Lines files of the contract.

``OUT/stories.jsonl``: one story object of ``stories.json`` per line, ``s1``
first (stories numbered by size, then earliest publication, then input order,
as ``analyze`` numbers them). ``OUT/articles.jsonl``: one ``{"id", "story"}``
per article, in input order. Each is written by one task
(one partition, sorted) into a folder, then moved into place through the Hadoop FileSystem API, so
the result is one file on any file system.

Does not: compute anything; the Parquet tables are written by ``analyze``.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from storytrace.spark.analyze import STORY_TABLE_SCHEMA
from storytrace.spark.batch import Batch
from storytrace.spark.clean import FEATURE_SCHEMA
from storytrace.spark.cluster import ASSIGNMENT_SCHEMA


def run(batch: Batch) -> dict[str, Any]:
    """Write ``stories.jsonl`` and ``articles.jsonl``."""
    stories = batch.read(batch.table_path("stories"), STORY_TABLE_SCHEMA).select(
        F.col("rank").alias("_order"), F.col("story_json").alias("value")
    )
    _write_lines(batch, stories, "stories.jsonl")
    articles = batch.read(batch.stage_path("clean", "articles"), FEATURE_SCHEMA).select(
        "position", "id", "file", "line"
    )
    assigned = batch.read(batch.stage_path("cluster", "assignments"), ASSIGNMENT_SCHEMA).select("position", "story")
    lines = articles.join(assigned, "position").select(
        F.struct("file", "line").alias("_order"), F.to_json(F.struct("id", "story")).alias("value")
    )
    _write_lines(batch, lines, "articles.jsonl")
    return {"stories_jsonl": batch.output_path("stories.jsonl"), "articles_jsonl": batch.output_path("articles.jsonl")}


def _write_lines(batch: Batch, lines: DataFrame, name: str) -> None:
    """Write the ``value`` column in ``_order`` as one text file ``OUT/name``."""
    folder = batch.stage_path("write", name)
    lines.repartition(1).sortWithinPartitions("_order").select("value").write.mode("overwrite").text(folder)
    batch.files.move_single_part(folder, batch.output_path(name))
