"""Small DataFrame tools the stages share: a consecutive index in a given order, and work-balanced partitions.

``with_index`` numbers rows 0, 1, 2 … in a sort order, as ``zipWithIndex``
does, without sending the rows through Python: the sorted frame is kept,
each partition's row count is collected, and a row's index is its
partition's offset plus its rank inside the partition.

``balanced`` spreads units of work (a story, a block of article pairs, a
time slice) over ``n`` partitions by their estimated cost: units sorted by
cost, dealt out in snake order (0 … n-1, n-1 … 0, …), so every partition
gets about the same work and the heaviest units go to the first partitions,
which Spark starts first. Each unit is tagged with a key whose hash lands in
its partition, so ``repartition(n, key)`` puts it exactly there (plain hash
partitioning of unit ids leaves some tasks with two heavy stories and others idle).

Does not: know what the rows mean.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

PART_KEY = "_part_key"


def with_index(df: DataFrame, order: Sequence[Column | str], name: str, partitions: int) -> DataFrame:
    """``df`` with a column ``name``: 0, 1, 2 … in ``order`` (a total order), sorted in ``partitions`` ranges."""
    spark = df.sparkSession
    ordered = (
        df.repartitionByRange(partitions, *order)
        .sortWithinPartitions(*order)
        .withColumn("_partition", F.spark_partition_id())
        .withColumn("_row", F.monotonically_increasing_id())
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    counts = ordered.groupBy("_partition").agg(F.count("*").alias("n"), F.min("_row").alias("first")).collect()
    shifts, offset = [], 0
    for row in sorted(counts, key=lambda r: int(r["_partition"])):
        shifts.append((int(row["_partition"]), offset - int(row["first"])))
        offset += int(row["n"])
    shift = spark.createDataFrame(shifts, "_partition int, _shift long")
    return (
        ordered.join(F.broadcast(shift), "_partition")
        .withColumn(name, F.col("_row") + F.col("_shift"))
        .drop("_partition", "_row", "_shift")
    )


def partition_keys(spark: SparkSession, n: int) -> list[int]:
    """For each partition ``p < n``, a number that ``repartition(n, column)`` sends to partition ``p``."""
    found: dict[int, int] = {}
    span = 16 * n
    while len(found) < n:
        rows = (
            spark.range(0, span)
            .select(F.col("id"), F.pmod(F.hash("id"), F.lit(n)).alias("p"))
            .groupBy("p")
            .agg(F.min("id").alias("id"))
            .collect()
        )
        found = {int(r["p"]): int(r["id"]) for r in rows}
        span *= 4
    return [found[p] for p in range(n)]


def balanced(units: DataFrame, cost: str, n: int) -> DataFrame:
    """``units`` with ``PART_KEY``: the key of the partition (of ``n``) each unit is dealt to, by ``cost``."""
    ranked = with_index(units, [F.col(cost).desc(), *[c for c in units.columns if c != cost]], "_rank", n)
    within = F.col("_rank") % n
    part = F.when((F.floor(F.col("_rank") / n) % 2) == 0, within).otherwise(n - 1 - within)
    keys = units.sparkSession.createDataFrame(
        list(enumerate(partition_keys(units.sparkSession, n))), f"_part int, {PART_KEY} long"
    )
    return ranked.withColumn("_part", part.cast("int")).join(F.broadcast(keys), "_part").drop("_part", "_rank")
