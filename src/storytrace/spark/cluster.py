"""Stage 3, ``cluster``: every article's story, as the in-process streaming clusterer decides it.

1. df       for each (article, term) of its story document, title and names:
            how many articles up to it (publication order) have the term in
            their story document: a running count per term (window functions
            over (term, block of positions), plus the counts of earlier blocks
            when there are several, so no window holds more than ``DF_BLOCK``
            positions of one term);
2. vectors  ``features.article_vectors`` (the clusterer's own weighing) in
            ``mapInPandas``, in parallel: what ``StreamClusterer.add`` would compute;
3. replay   ``replay.replay`` in publication order, streamed through one task
            (``mapInPandas`` over a partition sorted by position): candidate
            lookup in the inverted index, the learned join, near-duplicates to
            their earliest copy's story. This is the one sequential pass;
            with ``slice_articles`` it runs per time slice instead, in parallel,
            each slice first replaying ``warmup_days`` of the slices before it,
            and ``pointers`` are followed across slices (pointer jumping);
4. ids      stories numbered as ``cluster`` and ``analyze`` number them: in the
            order the stream opened them (``s1`` first); ``rank`` orders them
            as the document lists them (by size, then earliest publication)

Writes ``stages/cluster/vectors`` and ``stages/cluster/assignments`` (position, id, story, rank).

Exact by default: one replay gives the in-process partition (B³ 1.0 on the demo
corpus, Giveme5W1H dev and Reuters-21578). Slices trade that for parallelism:
a story running across a slice boundary is seen by the later slice only from
its warm-up (docs/spark.md gives the B³ against the exact pass).

Does not: align or compare articles (``analyze``).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd
from pyspark.sql import Column, DataFrame, Observation, Window
from pyspark.sql import functions as F

from storytrace.cluster.stream import BATCH
from storytrace.published import published_seconds
from storytrace.spark.batch import Batch
from storytrace.spark.clean import FEATURE_SCHEMA
from storytrace.spark.dedup import PARENT_SCHEMA
from storytrace.spark.features import StreamTerms, article_vectors, distinct_terms, plain_row, to_frame
from storytrace.spark.frames import looked_up, partition_keys, with_index
from storytrace.spark.replay import ReplayRow, replay

DF_BLOCK = 1_000_000  # positions per running-count window of a term
ARTICLES_PER_TASK = 20_000  # vectors per task
MAX_POINTER_ROUNDS = 64
REPLAYED_SCHEMA = "position long, pointer long, candidates int"
ASSIGNMENT_SCHEMA = "position long, id string, story string, rank long, size long"
VECTOR_SCHEMA = (
    "position long, id string, published string, seconds double, parent long, parent_id string, "
    "body_terms array<string>, body_weights array<double>, title_terms array<string>, title_weights array<double>, "
    "name_terms array<string>, name_weights array<double>, distinct array<string>"
)


def run(batch: Batch) -> dict[str, Any]:
    """Document frequencies, vectors, the replay, story ids; write the assignments."""
    articles = batch.read(batch.stage_path("clean", "articles"), FEATURE_SCHEMA)
    count = int(batch.figures_of("clean")["articles"])
    size = batch.options.slice_articles
    slices = 1 if size <= 0 or size >= count else -(-count // size)
    vectors_path = batch.stage_path("cluster", "vectors")
    timeline = batch.write(_vectors(batch, articles, count), vectors_path, **_timeline(count, size, slices))
    vectors = batch.read(vectors_path, VECTOR_SCHEMA)
    started = time.perf_counter()
    replayed = _replayed(batch, vectors, slices, timeline, count)
    weighed = batch.write(replayed, batch.stage_path("cluster", "replayed"), candidates=F.avg("candidates"))
    replay_seconds = time.perf_counter() - started
    assigned = batch.read(batch.stage_path("cluster", "replayed"), REPLAYED_SCHEMA)
    pointers, rounds = _followed(assigned.select("position", "pointer"), slices)
    ranked, stories = _story_ids(pointers, articles, batch.partitions(count, ARTICLES_PER_TASK))
    largest = batch.write(ranked, batch.stage_path("cluster", "assignments"), size=F.max("size"))
    return {
        "stories": stories,
        "largest_story": int(largest["size"] or 0),
        "candidates_per_article": round(float(weighed["candidates"] or 0.0), 2),
        "slices": slices,
        "pointer_rounds": rounds,
        "replay_seconds": round(replay_seconds, 2),
    }


def _vectors(batch: Batch, articles: DataFrame, count: int) -> DataFrame:
    """Each article's TF-IDF vectors at arrival, its time and its earliest copy."""
    frequencies = frequencies_at_arrival(articles, count)
    parents = batch.read(batch.stage_path("dedup", "parents"), PARENT_SCHEMA)
    terms = articles.select(
        "position",
        "id",
        "published",
        "doc_terms",
        "doc_counts",
        "title_terms",
        "title_counts",
        "name_terms",
        "name_counts",
    )
    rows = terms.join(frequencies, "position", "left").join(parents, "position", "left")
    return rows.repartition(batch.partitions(count, ARTICLES_PER_TASK)).mapInPandas(_weigh, VECTOR_SCHEMA)


def frequencies_at_arrival(articles: DataFrame, count: int, block: int = DF_BLOCK) -> DataFrame:
    """``position`` and ``df``: each term of the article and how many articles up to it have it in their document.

    A running count over (term, block of ``block`` positions), plus the counts
    of the term's earlier blocks when there are more blocks than one.
    """
    doc = articles.select("position", F.explode("doc_terms").alias("term"), F.lit(1).alias("in_doc"))
    others = F.array_except(F.array_union("title_terms", "name_terms"), "doc_terms")
    other = articles.select("position", F.explode(others).alias("term"), F.lit(0).alias("in_doc"))
    occurrences = doc.unionByName(other).withColumn("block", F.floor(F.col("position") / block))
    running = Window.partitionBy("term", "block").orderBy("position").rowsBetween(Window.unboundedPreceding, 0)
    occurrences = occurrences.withColumn("in_block", F.sum("in_doc").over(running))
    if count > block:  # add the counts of the term's earlier blocks
        blocks = occurrences.groupBy("term", "block").agg(F.sum("in_doc").alias("count"))
        earlier = Window.partitionBy("term").orderBy("block").rowsBetween(Window.unboundedPreceding, -1)
        blocks = blocks.withColumn("before", F.coalesce(F.sum("count").over(earlier), F.lit(0))).drop("count")
        counted = occurrences.join(blocks, ["term", "block"]).withColumn("df", F.col("in_block") + F.col("before"))
    else:  # one block: there are no earlier blocks (two shuffles and a join fewer)
        counted = occurrences.withColumn("df", F.col("in_block"))
    entries = F.collect_list(F.struct("term", "df"))
    return counted.groupBy("position").agg(F.map_from_entries(entries).alias("df"))


def _weigh(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """``mapInPandas``: the vectors of each article from its terms and their frequencies at its arrival."""
    for frame in batches:
        out = []
        for row in frame.to_dict("records"):
            r = plain_row(row)
            terms = StreamTerms(
                r["doc_terms"] or [], r["doc_counts"] or [], r["title_terms"] or [], r["title_counts"] or [],
                r["name_terms"] or [], r["name_counts"] or [],
            )  # fmt: skip
            body, title, names = article_vectors(terms, dict(r["df"] or []), r["position"] + 1)
            distinct = sorted(distinct_terms((body, title, names), dict(r["df"] or []), r["position"] + 1))
            out.append(
                {
                    "position": r["position"], "id": r["id"], "published": r["published"],
                    "seconds": published_seconds(r["published"]), "parent": r["parent"], "parent_id": r["parent_id"],
                    "body_terms": list(body), "body_weights": list(body.values()),
                    "title_terms": list(title), "title_weights": list(title.values()),
                    "name_terms": list(names), "name_weights": list(names.values()), "distinct": distinct,
                }
            )  # fmt: skip
        yield to_frame(out, VECTOR_SCHEMA)


def _timeline(count: int, size: int, slices: int) -> dict[str, Column]:
    """What the replay needs of the whole timeline, observed while the vectors are written (``Batch.write``).

    ``ends``: (position, seconds) of the last article of each batch of
    ``stream.BATCH``; with time slices of ``size`` articles, also ``starts``:
    those of each slice's first article, and ``latest``: the latest time.
    """
    moment = F.struct("position", "seconds")
    last = (F.col("position") % BATCH == BATCH - 1) | (F.col("position") == count - 1)
    out = {"ends": F.collect_list(F.when(last, moment))}
    if slices > 1:
        out["starts"] = F.collect_list(F.when(F.col("position") % size == 0, moment))
        out["latest"] = F.max("seconds")
    return out


def _chunk_ends(last: Sequence[Any], count: int) -> list[float]:
    """The time of the last article of each batch of ``stream.BATCH`` (NaN when undated), from ``ends``."""
    ends = [math.nan] * ((count + BATCH - 1) // BATCH)
    for row in last:
        ends[int(row["position"]) // BATCH] = math.nan if row["seconds"] is None else float(row["seconds"])
    return ends


def _replayed(batch: Batch, vectors: DataFrame, slices: int, timeline: dict[str, Any], count: int) -> DataFrame:
    """Every article's pointer from the replay (one task, or one per time slice)."""
    if slices == 1:
        rows = vectors.withColumn("slice", F.lit(0)).withColumn("own", F.lit(True))
    else:
        rows = _sliced(vectors, batch.options.slice_articles, timeline, batch.options.warmup_days)
    keyed = looked_up(rows, "slice", partition_keys(slices), "_key")
    placed = keyed.repartition(slices, "_key").sortWithinPartitions("slice", "position")
    return placed.mapInPandas(_replay_task(_chunk_ends(timeline["ends"], count)), REPLAYED_SCHEMA)


def _sliced(vectors: DataFrame, size: int, timeline: dict[str, Any], warmup_days: float) -> DataFrame:
    """Own rows of each slice, plus warm-up rows: earlier articles within ``warmup_days`` of the slice's start."""
    fallback = float(timeline["latest"]) if timeline["latest"] is not None else 0.0
    table = [
        (int(r["position"]) // size, int(r["position"]), fallback if r["seconds"] is None else float(r["seconds"]))
        for r in sorted(timeline["starts"], key=lambda r: int(r["position"]))
    ]
    spark = vectors.sparkSession
    bounds = spark.createDataFrame(table, "slice int, start long, from_seconds double")
    own = vectors.withColumn("slice", F.floor(F.col("position") / size).cast("int")).withColumn("own", F.lit(True))
    reach = F.col("from_seconds") - warmup_days * 86400
    warm = (
        vectors.join(
            F.broadcast(bounds),
            (F.col("position") < F.col("start")) & (F.col("seconds").isNull() | (F.col("seconds") >= reach)),
        )
        .drop("start", "from_seconds")
        .withColumn("own", F.lit(False))
    )
    return own.unionByName(warm)


def _replay_task(chunk_ends: Sequence[float]) -> Any:
    """The ``mapInPandas`` function: replay each slice of the partition (rows sorted by slice, position)."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        rows = (row for frame in batches for row in _replay_rows(frame))
        out: list[tuple[int, int, int]] = []
        for _, group in itertools.groupby(rows, key=lambda sr: sr[0]):
            for done in replay((row for _, row in group), chunk_ends):
                out.append((done.position, done.pointer, done.candidates))
                if len(out) >= 10_000:
                    yield pd.DataFrame(out, columns=["position", "pointer", "candidates"])
                    out = []
        yield pd.DataFrame(out, columns=["position", "pointer", "candidates"])

    return run


def _replay_rows(frame: pd.DataFrame) -> Iterator[tuple[int, ReplayRow]]:
    """``(slice, row)`` for each row of a batch, read column by column (the one sequential task's hot loop)."""
    columns = {name: frame[name].tolist() for name in frame.columns}
    vectors = [
        list(map(_vector, columns[f"{name}_terms"], columns[f"{name}_weights"])) for name in ("body", "title", "name")
    ]
    parents = [None if pd.isna(p) else int(p) for p in columns["parent"]]  # null as None, NaN or NA
    for k, position in enumerate(columns["position"]):
        yield (
            int(columns["slice"][k]),
            ReplayRow(
                position=int(position),
                key=columns["id"][k],
                published=columns["published"][k],
                vectors=(vectors[0][k], vectors[1][k], vectors[2][k]),
                parent=parents[k],
                parent_key=columns["parent_id"][k],
                own=bool(columns["own"][k]),
                distinct=frozenset(columns["distinct"][k] if columns["distinct"][k] is not None else ()),
            ),
        )


def _vector(terms: Any, weights: Any) -> dict[str, float]:
    """A vector from its Arrow arrays (numpy arrays in pandas; None when empty), with Python floats."""
    if terms is None or weights is None:
        return {}
    return dict(zip(terms.tolist(), weights.tolist(), strict=True))


def _followed(pointers: DataFrame, slices: int) -> tuple[DataFrame, int]:
    """Pointers followed to their end (each article to its story's first article); rounds of pointer jumping.

    A round's pointers that moved are counted while the round is checkpointed (observed): no query of their own.
    """
    if slices == 1:
        return pointers, 0
    current = pointers.localCheckpoint()
    for rounds in range(1, MAX_POINTER_ROUNDS + 1):
        step = current.alias("a").join(current.alias("b"), F.col("a.pointer") == F.col("b.position"))
        following = step.select(
            F.col("a.position").alias("position"), F.col("b.pointer").alias("pointer"), F.col("a.pointer").alias("was")
        )
        seen = Observation()
        moved = F.count(F.when(F.col("pointer") != F.col("was"), True)).alias("moved")
        current = following.observe(seen, moved).drop("was").localCheckpoint()
        if not seen.get["moved"]:
            return current, rounds
    raise RuntimeError(f"story pointers still moving after {MAX_POINTER_ROUNDS} rounds")


def _story_ids(pointers: DataFrame, articles: DataFrame, partitions: int) -> tuple[DataFrame, int]:
    """Each article's story, one row per article, and the number of stories.

    A story is named as ``analyze`` names it (``model.story_name``): by the order in which the stream
    opened it, i.e. by its first article's ``position`` (``s1`` opened first). ``rank`` orders the
    stories as the document lists them: by size, earliest publication, input order.
    """
    dated = pointers.join(articles.select("position", "id", "published", "file", "line"), "position")
    stories = dated.groupBy(F.col("pointer").alias("root")).agg(
        F.count("*").alias("size"),
        F.min("published").alias("first"),
        F.min(F.struct("file", "line")).alias("first_input"),
        F.min("position").alias("opened"),
    )
    order: list[Column | str] = [F.col("size").desc(), F.coalesce("first", F.lit("~")), "first_input"]
    ranked = with_index(stories, order, "rank", partitions)
    numbered = with_index(ranked.frame, ["opened"], "number", partitions)
    named = numbered.frame.select(
        "root", F.concat(F.lit("s"), (F.col("number") + 1).cast("string")).alias("story"), "rank", "size"
    )
    assigned = dated.join(named, F.col("pointer") == F.col("root"))
    return assigned.select("position", "id", "story", "rank", "size"), ranked.rows
