"""What every stage of a batch run gets: the options, the input files and their format, the ``Batch`` context.

Every Spark job is a fixed cost on the driver, so the stages run few of
them: a stage's figures are aggregates observed while its data are written
(``Batch.write``), not queries of their own; data sets are read back with
their known schemas (``Batch.read``); and a later stage takes what an earlier
one counted (the number of articles, the agencies) from its figures
(``Batch.figures_of``) instead of counting again.

Does not: run the stages (``run``), start Spark (``session``), print.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import Column, DataFrame, Observation, SparkSession

from storytrace.errors import BadInput, UsageError
from storytrace.ingest.formats import LINES_FILE_SUFFIXES, lines_words
from storytrace.spark import STAGES
from storytrace.spark.files import Files, Listed

JSONL_SUFFIXES = LINES_FILE_SUFFIXES
PARQUET_SUFFIXES = (".parquet",)
FORMATS = ("jsonl", "parquet")

# How far back each time slice replays the one before it. Shorter than the stream's horizon
# (``stream.STREAM_WINDOW_DAYS``): slices trade exactness for parallelism, and a warm-up as long as the horizon would
# replay nearly everything before the slice.
SLICE_WARMUP_DAYS = 30.0


@dataclass(frozen=True)
class BatchOptions:
    """What ``storytrace batch`` was asked to do; validated on construction."""

    input: str
    out: str
    input_format: str | None = None  # "jsonl" or "parquet"; None: from the file names
    stop_after: str = STAGES[-1]
    partitions: int | None = None  # tasks of the per-article and per-story stages; None: sized by the data
    slice_articles: int = 0  # cluster in time slices of this many articles (0: one exact pass)
    warmup_days: float = SLICE_WARMUP_DAYS  # each slice replays this much of the one before

    def __post_init__(self) -> None:
        if self.stop_after not in STAGES:
            raise UsageError("--stop-after", f"'{self.stop_after}' is not a stage; the stages: {', '.join(STAGES)}")
        if self.input_format is not None and self.input_format not in FORMATS:
            raise UsageError("--format", f"'{self.input_format}' is not one of: {', '.join(FORMATS)}")
        if self.partitions is not None and self.partitions < 1:
            raise UsageError("--partitions", "must be at least 1")
        if self.slice_articles < 0 or self.warmup_days < 0:
            raise UsageError("--slice-articles", "slice size and warm-up days cannot be negative")


@dataclass
class Batch:
    """What every stage gets: the session, the file system, the options, the resolved input."""

    spark: SparkSession
    files: Files
    options: BatchOptions
    out: str
    inputs: list[Listed]
    input_format: str
    done: dict[str, dict[str, Any]] = field(default_factory=dict)  # figures of the stages run or skipped so far

    def figures_of(self, stage: str) -> dict[str, Any]:
        """The figures of an earlier stage of this run (from its marker when it was skipped)."""
        if stage not in self.done:
            raise RuntimeError(f"the {stage} stage has not run before this one")
        return self.done[stage]

    def stage_path(self, stage: str, name: str) -> str:
        """Where a stage keeps a data set."""
        return f"{self.out}/stages/{stage}/{name}"

    def table_path(self, name: str) -> str:
        """Where an output table goes."""
        return f"{self.out}/tables/{name}"

    def output_path(self, name: str) -> str:
        """Where a final file goes."""
        return f"{self.out}/{name}"

    def read(self, path: str, schema: str) -> DataFrame:
        """The Parquet data set a stage wrote at ``path``, with its known ``schema`` (Spark runs no job to infer it)."""
        return self.spark.read.schema(schema).parquet(path)

    def write(self, df: DataFrame, path: str, **figures: Column) -> dict[str, Any]:
        """Write ``df`` as Parquet at ``path``; the aggregates ``figures`` of the rows written.

        The figures are observed while the rows are written (``DataFrame.observe``):
        no query, and no Spark job, of their own.
        """
        if not figures:
            df.write.mode("overwrite").parquet(path)
            return {}
        seen = Observation()
        df.observe(seen, *[value.alias(name) for name, value in figures.items()]).write.mode("overwrite").parquet(path)
        return dict(seen.get)

    @property
    def parallelism(self) -> int:
        """The cores Spark schedules tasks on."""
        return max(1, int(self.spark.sparkContext.defaultParallelism))

    def partitions(self, work: float, per_task: float) -> int:
        """Tasks for ``work`` units when a task should do about ``per_task`` of them (at least 2 per core)."""
        if self.options.partitions is not None:
            return self.options.partitions
        return max(2 * self.parallelism, math.ceil(work / per_task))


StageRun = Callable[[Batch], dict[str, Any]]


def input_files(files: Files, options: BatchOptions) -> tuple[list[Listed], str]:
    """The input files and their format; ``BadInput`` naming the path and the problem."""
    if not files.files(options.input) and not files.exists(options.input):
        raise BadInput(options.input, "no such file or folder")
    listed = files.files(options.input)
    if not listed:
        raise BadInput(options.input, "holds no files")
    if options.input_format is not None:
        return listed, options.input_format
    for fmt, suffixes in (("jsonl", JSONL_SUFFIXES), ("parquet", PARQUET_SUFFIXES)):
        if all(f.uri.lower().endswith(suffixes) for f in listed):
            return listed, fmt
    odd = next(f.uri for f in listed if not f.uri.lower().endswith(JSONL_SUFFIXES + PARQUET_SUFFIXES))
    raise BadInput(
        display(odd) if odd else options.input,
        f"not JSON Lines ({lines_words()}) or Parquet (.parquet); name the format with --format",
    )


def display(uri: str) -> str:
    """A file's URI as a user would name it: local files without ``file:``."""
    return uri.removeprefix("file://").removeprefix("file:")
