"""Stage 2, ``dedup``: each article's earliest near-duplicate, by MinHash LSH, as ``cluster.dedup`` finds it.

1. bands   explode each article's LSH band keys (computed in ``clean`` with
           ``cluster.dedup``'s own hashing and band layout) as (band, key, position);
2. buckets group by (band, key); a bucket of two or more articles gives every
           (later, earlier) pair in it as a candidate;
3. verify  a candidate is a copy when the two whole signatures agree on at
           least ``DUPLICATE_MIN_JACCARD`` of their values (``features.same_text``);
4. parent  an article's parent is its earliest copy (lowest position): the
           copy ``DuplicateIndex`` reports first when articles arrive in
           publication order, whose story ``StreamClusterer.add`` makes it join.

Writes ``stages/dedup/parents`` (position, parent, parent_id). A bucket of k
articles yields k(k-1)/2 candidates, as the in-process index compares each
arrival with every earlier article of its buckets.

Does not: merge articles or drop copies: every article goes on to the cluster
and analyze stages, copies in their original's story.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
from pyspark.sql import functions as F

from storytrace.spark.batch import Batch
from storytrace.spark.clean import FEATURE_SCHEMA
from storytrace.spark.features import same_text

PAIRS_PER_TASK = 200_000
CANDIDATE_SCHEMA = "later long, earlier long"
PARENT_SCHEMA = "position long, parent long, parent_id string"


def run(batch: Batch) -> dict[str, Any]:
    """Find every article's earliest copy; write the parents."""
    articles = batch.read(batch.stage_path("clean", "articles"), FEATURE_SCHEMA)
    keys = articles.select("position", F.posexplode("bands").alias("band", "key"))
    buckets = keys.groupBy("band", "key").agg(F.collect_list("position").alias("members")).where(F.size("members") > 1)
    pairs = (
        buckets.select(F.explode("members").alias("later"), "members")
        .select("later", F.explode(F.filter("members", lambda m: m < F.col("later"))).alias("earlier"))
        .distinct()
    )
    written = batch.write(pairs, batch.stage_path("dedup", "candidates"), candidates=F.count(F.lit(1)))
    candidates = int(written["candidates"])
    pairs = batch.read(batch.stage_path("dedup", "candidates"), CANDIDATE_SCHEMA)
    later = articles.select(F.col("position").alias("later"), F.col("signature").alias("a"))
    earlier = articles.select(F.col("position").alias("earlier"), F.col("signature").alias("b"), "id")
    joined = (
        pairs.join(later, "later").join(earlier, "earlier").repartition(batch.partitions(candidates, PAIRS_PER_TASK))
    )
    copies = joined.mapInPandas(_verify, "later long, earlier long, id string")  # the earlier's id comes along
    first = copies.groupBy(F.col("later").alias("position")).agg(F.min(F.struct("earlier", "id")).alias("first"))
    parents = first.select("position", F.col("first.earlier").alias("parent"), F.col("first.id").alias("parent_id"))
    found = batch.write(parents, batch.stage_path("dedup", "parents"), copies=F.count(F.lit(1)))
    batch.files.delete(batch.stage_path("dedup", "candidates"))
    return {"candidate_pairs": candidates, "copies": int(found["copies"])}


def _verify(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The candidate pairs whose signatures say they are copies."""
    for frame in batches:
        keep = [same_text(a, b) for a, b in zip(frame["a"], frame["b"], strict=True)]
        yield frame.loc[keep, ["later", "earlier", "id"]]
