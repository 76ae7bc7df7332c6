"""The batch run: the five stages in order, each skipped when done before.

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

Does not: define what a stage gets (``batch``), start Spark (``session``), print (the CLI reports the events it
is given).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pyspark.sql import SparkSession

from storytrace import __version__
from storytrace.fingerprint import code_digest
from storytrace.spark import STAGES, analyze, clean, cluster, dedup, write
from storytrace.spark.batch import Batch, BatchOptions, StageRun, input_files
from storytrace.spark.files import Files

Report = Callable[[str, str, dict[str, Any]], None]  # stage, "start" | "done" | "skipped", figures


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


def _signature(previous: str, stage: str, settings: dict[str, Any]) -> str:
    text = json.dumps([previous, stage, settings], sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def stage_settings(options: BatchOptions, stage: str) -> dict[str, Any]:
    """The options that change a stage's result (``partitions`` does not)."""
    if stage == "cluster":
        return {"slice_articles": options.slice_articles, "warmup_days": options.warmup_days}
    return {}


def _runners() -> dict[str, StageRun]:
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
        {"version": __version__, "code": code_digest(), "format": fmt, "files": [asdict(f) for f in inputs]},
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
