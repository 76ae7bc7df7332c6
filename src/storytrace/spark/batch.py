"""The batch run: its options, the input it reads, and the five stages in order, each skipped when done before.

``run_batch`` resolves the input (files, format), then runs ``clean``,
``dedup``, ``cluster``, ``analyze`` and ``write`` up to ``stop_after``. A
stage writes its Parquet under ``OUT/stages/<stage>/`` and then a marker
``OUT/stages/<stage>/_SUCCESS`` holding its signature (a digest of the input
files' names, sizes and times, storytrace's version and code, the settings
that change its result, and the previous stage's signature) and its figures,
among them ``jobs``: the Spark jobs the stage ran (its job group's).
On a re-run a stage whose marker holds the same signature is skipped; any
other marker is ignored and the stage runs again (so do the stages after
it, whose signatures chain to it). Markers are read and written through
Hadoop's FileSystem API (``files``).

Every Spark job is a fixed cost on the driver, so the stages run few of
them: a stage's figures are aggregates observed while its data are written
(``Batch.write``), not queries of their own; data sets are read back with
their known schemas (``Batch.read``); and a later stage takes what an earlier
one counted (the number of articles, the agencies) from its figures
(``Batch.figures_of``) instead of counting again.

Does not: start Spark (``session``), print (the CLI reports the events it is given).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pyspark.sql import Column, DataFrame, Observation, SparkSession

from storytrace import __version__
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

Report = Callable[[str, str, dict[str, Any]], None]  # stage, "start" | "done" | "skipped", figures


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
class StageResult:
    """How a stage went: run or skipped, its wall time and its figures."""

    stage: str
    status: str
    seconds: float
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchResult:
    """What a batch run did, stage by stage, and where its outputs are."""

    out: str
    stages: list[StageResult]
    problems: list[str]  # the first input problems, one line each
    problem_count: int

    def figures(self, stage: str) -> dict[str, Any]:
        """The figures of ``stage`` (empty if it did not run)."""
        return next((s.figures for s in self.stages if s.stage == stage), {})


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


def _code_digest() -> str:
    from storytrace.pipeline import _code_digest as digest

    return digest()


def _signature(previous: str, stage: str, settings: dict[str, Any]) -> str:
    text = json.dumps([previous, stage, settings], sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def stage_settings(options: BatchOptions, stage: str) -> dict[str, Any]:
    """The options that change a stage's result (``partitions`` does not)."""
    if stage == "cluster":
        return {"slice_articles": options.slice_articles, "warmup_days": options.warmup_days}
    return {}


def _runners() -> dict[str, StageRun]:
    from storytrace.spark import analyze, clean, cluster, dedup, write

    return {"clean": clean.run, "dedup": dedup.run, "cluster": cluster.run, "analyze": analyze.run, "write": write.run}


def run_batch(spark: SparkSession, options: BatchOptions, report: Report | None = None) -> BatchResult:
    """Run the stages of ``options`` on ``spark``, skipping those done before for the same input and settings."""
    say = report or (lambda stage, event, figures: None)
    files = Files(spark)
    inputs, fmt = input_files(files, options)
    batch = Batch(spark, files, options, files.qualified(options.out).rstrip("/"), inputs, fmt)
    signature = _signature(
        "",
        "input",
        {"version": __version__, "code": _code_digest(), "format": fmt, "files": [asdict(f) for f in inputs]},
    )
    results = []
    runners = _runners()
    for stage in STAGES[: STAGES.index(options.stop_after) + 1]:
        signature = _signature(signature, stage, stage_settings(options, stage))
        results.append(_run_stage(batch, stage, runners[stage], signature, say))
        batch.done[stage] = results[-1].figures
    return _result(batch, results)


def _run_stage(batch: Batch, stage: str, run: StageRun, signature: str, say: Report) -> StageResult:
    marker = f"{batch.out}/stages/{stage}/_SUCCESS"
    kept = _read_marker(batch.files, marker)
    if kept is not None and kept.get("signature") == signature:
        figures = dict(kept.get("figures", {}))
        say(stage, "skipped", figures)
        return StageResult(stage, "skipped", 0.0, figures)
    say(stage, "start", {})
    batch.files.delete(marker)
    started = time.perf_counter()
    group = f"storytrace:{stage}"
    before = _jobs_of(batch.spark, group)
    batch.spark.sparkContext.setJobGroup(group, f"storytrace batch: {stage}")
    try:
        figures = run(batch)
    finally:
        batch.spark.catalog.clearCache()
    seconds = time.perf_counter() - started
    figures["seconds"] = round(seconds, 2)
    figures["jobs"] = len(_jobs_of(batch.spark, group) - before)
    batch.files.write_text(marker, json.dumps({"signature": signature, "figures": figures}, sort_keys=True))
    say(stage, "done", figures)
    return StageResult(stage, "done", seconds, figures)


def _jobs_of(spark: SparkSession, group: str) -> set[int]:
    """The ids of the Spark jobs run so far in job group ``group`` (those Spark still keeps, its last 1,000)."""
    return set(spark.sparkContext.statusTracker().getJobIdsForGroup(group))


def _read_marker(files: Files, uri: str) -> dict[str, Any] | None:
    text = files.read_text(uri)
    if text is None:
        return None
    try:
        kept = json.loads(text)
    except ValueError:
        return None
    return kept if isinstance(kept, dict) else None


def _result(batch: Batch, results: Sequence[StageResult]) -> BatchResult:
    """The run's result: its stages, and the problems of the input (clean) and of the stories (analyze)."""
    said = [r.figures for r in results if r.stage in ("clean", "analyze")]
    first = [line for figures in said for line in figures.get("first_problems", [])]
    return BatchResult(batch.out, list(results), first, sum(int(figures.get("problems", 0)) for figures in said))
