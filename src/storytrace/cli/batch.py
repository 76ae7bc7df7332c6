"""``batch``: the same stages over Parquet on Apache Spark, with a line per stage and a summary.

Not here: the Spark jobs (``spark``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from storytrace.cli.common import ConfOption, app, err, guard, out, say
from storytrace.errors import UsageError
from storytrace.isolation import debugging
from storytrace.naming import counted
from storytrace.terminal import WordsCommand

# The options of ``batch``, as typer reads them.
InputArgument = Annotated[
    str, typer.Argument(metavar="INPUT", help="JSON Lines or Parquet: a file, folder or glob; any URI Spark reads.")
]
EngineOption = Annotated[
    str, typer.Option("--engine", metavar="NAME", help="The engine: spark (the only one for now).")
]
OutOption = Annotated[
    str,
    typer.Option(
        "--out", metavar="FOLDER", help="Output folder (any URI Spark writes): JSON Lines, tables, stage data."
    ),
]
MasterOption = Annotated[
    str | None,
    typer.Option(
        "--master",
        metavar="URL",
        help="Spark master: local[4], spark://host:7077, yarn, k8s://… (default: the one spark-submit set, "
        "else local[*]).",
    ),
]
StopAfterOption = Annotated[
    str,
    typer.Option("--stop-after", metavar="STAGE", help="Last stage to run: clean, dedup, cluster, analyze or write."),
]
FormatOption = Annotated[
    str | None, typer.Option("--format", metavar="FORMAT", help="jsonl or parquet (default: from the file names).")
]
PartitionsOption = Annotated[
    int | None,
    typer.Option("--partitions", metavar="N", help="Tasks per heavy stage (default: sized by the work).", min=1),
]
SliceOption = Annotated[
    int,
    typer.Option(
        "--slice-articles", metavar="N", help="Cluster in parallel time slices of N articles (0: one exact pass)."
    ),
]


@app.command(cls=WordsCommand)
def batch(
    input_path: InputArgument,
    engine: EngineOption = "spark",
    out_dir: OutOption = "storytrace-batch",
    master: MasterOption = None,
    conf: ConfOption = None,
    stop_after: StopAfterOption = "write",
    input_format: FormatOption = None,
    partitions: PartitionsOption = None,
    slice_articles: SliceOption = 0,
) -> None:
    """The analysis on Apache Spark: OUT/stories.jsonl, OUT/articles.jsonl and Parquet tables in OUT/tables.

    Each stage keeps its result under OUT/stages and is skipped when run again on the same input.
    """

    def run() -> int:
        if engine != "spark":
            raise UsageError("--engine", f"'{engine}' is not available: use spark (or `storytrace analyze`)")
        settings = spark_conf(conf or [])
        try:
            from storytrace.spark.batch import BatchOptions, display
            from storytrace.spark.run import run_batch
            from storytrace.spark.session import session
        except ImportError as e:
            needs = e.name or "pyspark"
            raise UsageError("batch", f"the Spark engine needs {needs}: pip install 'storytrace[spark]'") from None
        options = BatchOptions(
            input=input_path, out=out_dir, input_format=input_format, stop_after=stop_after,
            partitions=partitions, slice_articles=slice_articles,
        )  # fmt: skip
        with _spark_session(session, master, settings) as spark:
            result = run_batch(spark, options, _stage_line)
        for line in result.problems:
            say(line)
        if result.problem_count > len(result.problems):
            more = result.problem_count - len(result.problems)
            where = display(result.out)
            say(f"… {more} more: the input's in {where}/problems.jsonl, the stories' in {where}/stories.jsonl")
        _print_batch_summary(result)
        return 1 if result.problem_count else 0

    guard(run)


def spark_conf(pairs: Sequence[str]) -> dict[str, str]:
    """``--conf key=value`` settings as a dict; a malformed one is a usage error."""
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError("--conf", f"'{pair}' is not key=value (e.g. spark.executor.memory=8g)")
        settings[key.strip()] = value
    return settings


@contextmanager
def _spark_session(session: Callable[..., Any], master: str | None, settings: dict[str, str]) -> Iterator[Any]:
    """The Spark session; a Spark that cannot start (no Java) is one line, not a traceback."""
    opened = session(master=master, conf=settings, progress_bar=err.is_terminal)
    try:
        spark = opened.__enter__()
    except Exception as e:  # noqa: BLE001 - pyspark raises its own error types when the JVM cannot start
        if debugging():
            raise
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise UsageError("batch", f"cannot start Spark ({first}); it needs Java 17 on PATH or JAVA_HOME") from None
    try:
        yield spark
    finally:
        opened.__exit__(None, None, None)


def _stage_line(stage: str, event: str, figures: dict[str, Any]) -> None:
    """One line on stderr per finished or skipped stage."""
    if event == "start":
        if err.is_terminal:
            err.print(f"{stage:<8} running …", style="dim", markup=False, highlight=False, soft_wrap=True)
        return
    if event == "skipped":
        err.print(f"{stage:<8} done before, skipped", markup=False, highlight=False, soft_wrap=True)
        return
    shown = [(k.replace("_", " "), v) for k, v in figures.items() if isinstance(v, int | float) and k != "seconds"]
    details = ", ".join(f"{name} {value:,}" for name, value in shown)
    line = f"{stage:<8} {figures.get('seconds', 0):.1f} s  {details}"
    err.print(line.rstrip(), markup=False, highlight=False, soft_wrap=True)


def _print_batch_summary(result: Any) -> None:
    from storytrace.spark.batch import display

    where = display(result.out)
    clean, cluster, analyzed = (result.figures(s) for s in ("clean", "cluster", "analyze"))
    parts = []
    if clean:
        parts.append(counted(clean.get("articles", 0), "article"))
    if cluster:
        parts.append(f"{counted(cluster.get('stories', 0), 'story')} (largest {cluster.get('largest_story', 0):,})")
    if analyzed:
        parts.append(counted(analyzed.get("alignments", 0), "alignment"))  # related ones too: not "passages"
    out.print(", ".join(parts) or "nothing to do", soft_wrap=True)
    if result.figures("write"):
        out.print(f"wrote {where}/stories.jsonl, {where}/articles.jsonl, tables in {where}/tables/", soft_wrap=True)
    else:
        last = result.stages[-1].stage if result.stages else "-"
        out.print(f"stopped after {last}; stage data in {where}/stages/", soft_wrap=True)
