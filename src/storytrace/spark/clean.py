"""Stage 1, ``clean``: read the records, validate them, put them in publication order, clean and featurise each.

1. read  JSON Lines (``spark.read.text``) or Parquet, each row named by its
         file and line (``file:line``; Parquet rows ``file[row]``), counted
         from the rows of the file's splits, so names are exact on any size;
2. parse ``features.parse_line`` / ``parse_record`` (``ingest.records``'
         own validation) in ``mapInPandas``: an article or a problem;
3. ids   the first record of an id wins; a later record with the same id and
         another text is a problem (identical repeats are dropped silently,
         as the store does);
4. order ``position``: 0, 1, 2 … by ``published`` (undated last), then input
         order, as ``stream.stream_labels`` orders the stream;
5. clean ``prepare`` with the corpus's agencies (those of its ``agency``
         records), then the clusterer's terms and the MinHash signature of
         each article, in ``mapInPandas`` over partitions sized by article count.

Writes ``stages/clean/articles`` (the articles, ``position``, features),
``stages/clean/problems`` and, when there are problems, ``OUT/problems.jsonl``.

Does not: cluster, compare, or drop near-duplicates (``dedup`` finds them; every article is kept).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
from pyspark.sql import DataFrame, Observation, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from storytrace.cluster.grouping import content_words
from storytrace.errors import BadInput
from storytrace.model import Article, InputProblem
from storytrace.spark.batch import Batch, display
from storytrace.spark.features import (
    article_row,
    parse_line,
    parse_record,
    plain_row,
    prepare_row,
    signatures,
    stream_terms,
    to_frame,
)
from storytrace.spark.frames import with_index

ARTICLES_PER_TASK = 5000  # about 10 s of cleaning per task
BYTES_PER_TASK = 32 << 20  # input parsed per task (HTML records are extracted here: the costly ones)
FIRST_PROBLEMS = 20  # problems kept in the stage's figures (all are in problems.jsonl)
INPUT_FIELDS = ("id", "text", "html", "title", "url", "source", "published", "language", "authors", "kind")
ARTICLE_SCHEMA = (
    "id string, text string, title string, url string, source string, published string, language string, "
    "authors array<string>, kind string, origin string"
)
PARSED_SCHEMA = f"{ARTICLE_SCHEMA}, file string, line long, problem string"
PROBLEM_SCHEMA = "where string, problem string, file string, line long"
FEATURE_SCHEMA = (
    f"{ARTICLE_SCHEMA}, file string, line long, position long, "
    "doc_terms array<string>, doc_counts array<int>, title_terms array<string>, title_counts array<int>, "
    "name_terms array<string>, name_counts array<int>, signature binary, bands array<long>"
)


def run(batch: Batch) -> dict[str, Any]:
    """Read, validate, order, clean and featurise; write the stage's data sets."""
    batch.write(_parse(batch, _numbered(batch)), batch.stage_path("clean", "parsed"))
    parsed = batch.read(batch.stage_path("clean", "parsed"), PARSED_SCHEMA)
    records = parsed.where(F.col("problem").isNull()).drop("problem")
    ranked = _ranked(records)
    seen = Observation()  # the articles kept and their agencies, counted while the problems are written
    agency = (F.col("_n") == 1) & (F.col("kind") == "agency")
    repeats = _repeats(
        ranked.observe(
            seen,
            F.count(F.when(F.col("_n") == 1, True)).alias("articles"),
            F.collect_set(F.when(agency, F.col("source"))).alias("sources"),
        )
    )
    problems = (
        parsed.where(F.col("problem").isNotNull())
        .select(F.col("origin").alias("where"), "problem", "file", "line")
        .unionByName(repeats)
    )
    written = batch.write(problems, batch.stage_path("clean", "problems"), problems=F.count(F.lit(1)))
    figures = _problem_figures(batch, int(written["problems"]))
    count, sources = int(seen.get["articles"]), tuple(sorted(seen.get["sources"]))
    if count == 0:
        first = figures["first_problems"][0] if figures["first_problems"] else "the input is empty"
        raise BadInput(batch.options.input, f"no valid article records (first problem: {first})")
    kept = ranked.where("_n = 1").drop("_n", "_hash", "_first_hash", "_first_where")
    tasks = batch.partitions(count, ARTICLES_PER_TASK)
    # publication order as ``published.order_key`` gives it (the value as stored, undated last), then input order
    ordered = with_index(kept, [F.coalesce("published", F.lit("~")), "file", "line"], "position", tasks).frame
    featured = ordered.repartition(tasks).mapInPandas(_featurise(sources), FEATURE_SCHEMA)
    batch.write(featured, batch.stage_path("clean", "articles"))
    batch.files.delete(batch.stage_path("clean", "parsed"))
    return {**figures, "articles": count, "agency_sources": list(sources)}


def _numbered(batch: Batch) -> DataFrame:
    """The input rows with ``file`` and ``line`` (1-based for JSON Lines, 0-based row for Parquet)."""
    uris = [f.uri for f in batch.inputs]
    reader = batch.spark.read
    try:
        raw = reader.text(uris) if batch.input_format == "jsonl" else reader.parquet(*uris)
    except Exception as e:  # noqa: BLE001 - Spark's analysis errors: a file it cannot read
        raise BadInput(batch.options.input, f"cannot read as {batch.input_format}: {_first_line(e)}") from None
    if batch.input_format == "parquet":
        raw = _parquet_fields(batch, raw)
    raw = raw.select(
        "*",
        F.col("_metadata.file_path").alias("file"),
        F.col("_metadata.file_block_start").alias("_block"),
        F.monotonically_increasing_id().alias("_row"),
    )
    blocks = raw.groupBy("file", "_block").agg(F.count("*").alias("_n"), F.min("_row").alias("_first"))
    before = Window.partitionBy("file").orderBy("_block").rowsBetween(Window.unboundedPreceding, -1)
    blocks = blocks.withColumn("_before", F.coalesce(F.sum("_n").over(before), F.lit(0)))
    first_line = 1 if batch.input_format == "jsonl" else 0
    return (
        raw.join(F.broadcast(blocks.drop("_n")), ["file", "_block"])
        .withColumn("line", F.col("_before") + F.col("_row") - F.col("_first") + first_line)
        .drop("_block", "_row", "_first", "_before")
    )


def _parquet_fields(batch: Batch, raw: DataFrame) -> DataFrame:
    """The record fields of a Parquet input (dates and times as ISO strings); ``BadInput`` without id or text."""
    names = {f.name: f for f in raw.schema.fields}
    if "id" not in names or not ({"text", "html"} & names.keys()):
        have = ", ".join(sorted(names)) or "none"
        raise BadInput(batch.options.input, f"Parquet input needs an 'id' and a 'text' or 'html' column (has: {have})")
    columns = []
    for name in INPUT_FIELDS:
        if name not in names:
            continue
        kind = names[name].dataType
        if isinstance(kind, T.TimestampType | T.TimestampNTZType):
            columns.append(F.date_format(name, "yyyy-MM-dd'T'HH:mm:ss").alias(name))
        elif isinstance(kind, T.DateType):
            columns.append(F.col(name).cast("string").alias(name))
        else:
            columns.append(F.col(name))
    return raw.select(*columns)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _parse(batch: Batch, numbered: DataFrame) -> DataFrame:
    """Each row parsed into an article or a problem (``PARSED_SCHEMA``), in Python tasks."""
    jsonl = batch.input_format == "jsonl"
    tasks = batch.partitions(sum(f.size for f in batch.inputs), BYTES_PER_TASK)

    def parse(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for frame in batches:
            rows: list[dict[str, Any]] = []
            for record in frame.to_dict("records"):
                file, line = record.pop("file"), int(record.pop("line"))
                if jsonl:
                    items = parse_line(record["value"], f"{display(file)}:{line}")
                else:
                    items = parse_record(plain_row(record), f"{display(file)}[{line}]")
                rows.extend(_parsed_row(item, file, line) for item in items)
            yield to_frame(rows, PARSED_SCHEMA)

    return numbered.repartition(tasks).mapInPandas(parse, PARSED_SCHEMA)


def _parsed_row(item: Article | InputProblem, file: str, line: int) -> dict[str, Any]:
    if isinstance(item, InputProblem):
        return {"origin": item.where, "problem": item.problem, "file": file, "line": line}
    return {**article_row(item), "file": file, "line": line, "problem": None}


def _ranked(records: DataFrame) -> DataFrame:
    """The records of each id numbered in input order (``_n``; the first one is kept), with their texts' digests."""
    first = Window.partitionBy("id").orderBy("file", "line")
    content = F.sha2(F.concat_ws("\u0000", "text", "title", "source", "published"), 256)
    return (
        records.withColumn("_n", F.row_number().over(first))
        .withColumn("_hash", content)
        .withColumn("_first_hash", F.first("_hash").over(first))
        .withColumn("_first_where", F.first("origin").over(first))
    )


def _repeats(ranked: DataFrame) -> DataFrame:
    """A problem for each record after the first of its id with another text."""
    return ranked.where("_n > 1 AND _hash <> _first_hash").select(
        F.col("origin").alias("where"),
        F.concat(F.lit("id '"), F.col("id"), F.lit("' is already used by "), F.col("_first_where"),
                 F.lit(" for another text; this record is left out")).alias("problem"),
        "file",
        "line",
    )  # fmt: skip


def _problem_figures(batch: Batch, count: int) -> dict[str, Any]:
    """How many problems, the first ones as lines, and ``OUT/problems.jsonl`` when there are any."""
    target = batch.output_path("problems.jsonl")
    batch.files.delete(target)
    first: list[str] = []
    if count:
        problems = batch.read(batch.stage_path("clean", "problems"), PROBLEM_SCHEMA).orderBy("file", "line")
        first = [f"{r['where']}: {r['problem']}" for r in problems.limit(FIRST_PROBLEMS).collect()]
        folder = batch.stage_path("clean", "problems-jsonl")
        problems.select(F.to_json(F.struct("where", "problem")).alias("value")).coalesce(1).write.mode(
            "overwrite"
        ).text(folder)
        batch.files.move_single_part(folder, target)
    return {"problems": count, "first_problems": first}


def _featurise(sources: tuple[str, ...]) -> Any:
    """The ``mapInPandas`` function: clean each article, then its clusterer terms and MinHash signature."""

    def featurise(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for frame in batches:
            rows = [plain_row(r) for r in frame.to_dict("records")]
            prepared = [prepare_row(r, sources) for r in rows]
            words = [content_words(p) for p in prepared]
            sigs, bands = signatures(words)
            out = []
            for row, p, w, sig, band in zip(rows, prepared, words, sigs, bands, strict=True):
                terms = stream_terms(p, w)
                out.append({**row, **terms.__dict__, "signature": sig, "bands": band})
            yield to_frame(out, FEATURE_SCHEMA)

    return featurise
