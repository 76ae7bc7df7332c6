"""Small DataFrame tools the stages share: a consecutive index in a given order, and work-balanced partitions.

``with_index`` numbers rows 0, 1, 2 … in a sort order, as ``zipWithIndex``
does, without sending the rows through Python: the sorted frame is kept,
each partition's row count is collected (one Spark job: a ``mapInArrow``
task per partition counts its ``_partition`` and ``_row`` columns; the same
job gives the number of rows and any sums asked for), and a row's index is
its partition's offset plus its rank inside the partition.

``by_cost`` and ``dealt`` spread units of work (a story, a block of article
pairs, a time slice) over ``n`` partitions by their estimated cost: units
ranked by cost, dealt out in snake order (0 … n-1, n-1 … 0, …), so every partition
gets about the same work and the heaviest units go to the first partitions,
which Spark starts first. Each unit is tagged with a key whose hash lands in
its partition, so ``repartition(n, key)`` puts it exactly there (plain hash
partitioning of unit ids leaves some tasks with two heavy stories and others idle).
Ranking first and dealing after lets the total cost, summed by the ranking's
query, choose ``n``.

``partition_keys`` finds those keys on the driver, in numpy, with Spark's own
hash of a long (Murmur3 x86 32-bit, seed 42: ``spark_hash``); no Spark job.
``looked_up`` puts a small table of numbers into a column: a literal array in
the plan up to ``LITERAL_MAX`` values (a broadcast of a local table costs a
Spark job), a broadcast join above.

Does not: know what the rows mean.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, Row
from pyspark.sql import functions as F

PART_KEY = "_part_key"
LITERAL_MAX = 1024  # a lookup table of up to this many numbers travels in the plan; larger ones are broadcast
if TYPE_CHECKING:
    import pyarrow as pa

SPARK_HASH_SEED = 42  # the seed of Spark's ``hash`` and of ``repartition(n, column)``'s hash partitioning


class Indexed(NamedTuple):
    """A frame numbered by ``with_index``, its number of rows, and the sums of the columns asked for."""

    frame: DataFrame
    rows: int
    sums: dict[str, int]


def with_index(
    df: DataFrame, order: Sequence[Column | str], name: str, partitions: int, sums: Sequence[str] = ()
) -> Indexed:
    """``df`` with a column ``name``: 0, 1, 2 … in ``order`` (a total order), sorted in ``partitions`` ranges.

    Also gives the number of rows and the sums of the integer columns ``sums``,
    found with the partitions' counts (``_partition_counts``): no query of their own.
    """
    ordered = (
        df.repartitionByRange(partitions, *order)
        .sortWithinPartitions(*order)
        .withColumn("_partition", F.spark_partition_id())
        .withColumn("_row", F.monotonically_increasing_id())
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    counts = _partition_counts(ordered, sums)
    found = {int(r["_partition"]): (int(r["n"]), int(r["first"])) for r in counts}
    shifts, offset = [], 0
    for p in range(partitions):
        n, first = found.get(p, (0, 0))
        shifts.append(offset - first)
        offset += n
    indexed = (
        looked_up(ordered, "_partition", shifts, "_shift")
        .withColumn(name, F.col("_row") + F.col("_shift"))
        .drop("_partition", "_row", "_shift")
    )
    return Indexed(indexed, offset, {c: sum(int(r[c]) for r in counts) for c in sums})


def _partition_counts(ordered: DataFrame, sums: Sequence[str]) -> list[Row]:
    """Per partition of ``ordered``: its rows (``n``), its least ``_row`` (``first``) and the sums of ``sums``.

    One task per partition counts it in Arrow batches (``mapInArrow``), so the
    counts are one Spark job: a ``groupBy`` would shuffle and take two.
    """
    schema = "_partition int, n long, first long" + "".join(f", {c} long" for c in sums)
    columns = [F.col("_partition"), F.col("_row"), *[F.col(c).cast("long").alias(c) for c in sums]]
    return ordered.select(*columns).mapInArrow(_counter(tuple(sums)), schema).collect()


def _counter(sums: tuple[str, ...]) -> Any:
    """The ``mapInArrow`` function of ``_partition_counts``: the figures of the partitions its batches hold."""

    def count(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        n: dict[int, int] = {}
        first: dict[int, int] = {}
        totals: dict[str, dict[int, int]] = {c: {} for c in sums}
        for batch in batches:
            parts = batch.column("_partition").to_numpy(zero_copy_only=False)
            for p in np.unique(parts).tolist():
                here = parts == p
                n[p] = n.get(p, 0) + int(here.sum())
                least = int(batch.column("_row").to_numpy(zero_copy_only=False)[here].min())
                first[p] = min(first.get(p, least), least)
                for c in sums:
                    total = int(batch.column(c).to_numpy(zero_copy_only=False)[here].sum())
                    totals[c][p] = totals[c].get(p, 0) + total
        keys = sorted(n)
        columns = {"n": [n[p] for p in keys], "first": [first[p] for p in keys]}
        columns.update({c: [totals[c][p] for p in keys] for c in sums})
        arrays = [pa.array(keys, pa.int32()), *[pa.array(v, pa.int64()) for v in columns.values()]]
        yield pa.RecordBatch.from_arrays(arrays, names=["_partition", *columns])

    return count


def looked_up(df: DataFrame, index: str, values: Sequence[int], name: str) -> DataFrame:
    """``df`` with a long column ``name``: ``values[i]`` where ``i`` is the row's int column ``index``."""
    if len(values) <= LITERAL_MAX:
        table = F.expr("array(" + ", ".join(f"{int(v)}L" for v in values) + ")")
        return df.withColumn(name, F.element_at(table, F.col(index) + 1))
    table_df = df.sparkSession.createDataFrame([(i, int(v)) for i, v in enumerate(values)], f"{index} int, {name} long")
    return df.join(F.broadcast(table_df), index)


def spark_hash(values: np.ndarray) -> np.ndarray:
    """Spark's ``hash`` of each long in ``values`` (Murmur3 x86 32-bit of the 8 bytes, seed 42), as int32."""
    v = np.asarray(values, dtype=np.int64).view(np.uint64)
    low = (v & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    high = (v >> np.uint64(32)).astype(np.uint32)
    h = np.full(v.shape, SPARK_HASH_SEED, dtype=np.uint32)
    h = _mix_h1(_mix_h1(h, _mix_k1(low)), _mix_k1(high))
    h ^= np.uint32(8)  # the length in bytes
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h.view(np.int32)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _mix_k1(k: np.ndarray) -> np.ndarray:
    return _rotl(k * np.uint32(0xCC9E2D51), 15) * np.uint32(0x1B873593)


def _mix_h1(h: np.ndarray, k: np.ndarray) -> np.ndarray:
    return _rotl(h ^ k, 13) * np.uint32(5) + np.uint32(0xE6546B64)


def partition_keys(n: int) -> list[int]:
    """For each partition ``p < n``, the least number ``>= 0`` that ``repartition(n, column)`` sends to ``p``."""
    span = 16 * n
    while True:
        ids = np.arange(span, dtype=np.int64)
        parts = spark_hash(ids).astype(np.int64) % n  # Spark's pmod
        found, first = np.unique(parts, return_index=True)
        if len(found) == n:
            return [int(ids[k]) for k in first]
        span *= 4


def by_cost(units: DataFrame, cost: str, partitions: int, sums: Sequence[str] = ()) -> Indexed:
    """``units`` numbered ``_rank`` 0, 1 … by ``cost``, heaviest first (ties by the other columns), with ``sums``."""
    return with_index(units, [F.col(cost).desc(), *[c for c in units.columns if c != cost]], "_rank", partitions, sums)


def dealt(ranked: DataFrame, n: int) -> DataFrame:
    """Units ranked by ``by_cost``, with ``PART_KEY``: the key of the partition (of ``n``) each is dealt to."""
    within = F.col("_rank") % n
    part = F.when((F.floor(F.col("_rank") / n) % 2) == 0, within).otherwise(n - 1 - within)
    placed = ranked.withColumn("_part", part.cast("int"))
    return looked_up(placed, "_part", partition_keys(n), PART_KEY).drop("_part", "_rank")
