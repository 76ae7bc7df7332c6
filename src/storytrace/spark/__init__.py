"""The batch engine: storytrace's analysis over millions of articles on Apache Spark.

``storytrace batch --engine spark INPUT --out DIR`` runs five stages, each a
thin Spark wrapper (``mapInPandas``, ``applyInPandas``, DataFrame joins and
window functions) around the pure functions the in-process pipeline uses:

1. ``clean``    read JSONL or Parquet, validate records, clean and segment each
                article, compute its clusterer features and MinHash signature;
2. ``dedup``    near-duplicates by MinHash LSH band keys, verified on the whole signature;
3. ``cluster``  document frequencies at arrival, TF-IDF vectors, then the streaming
                clusterer replayed in publication order;
4. ``analyze``  alignment, provenance and facts per story;
5. ``write``    ``stories.jsonl`` and ``articles.jsonl``.

Each stage writes Parquet under ``DIR/stages`` and is skipped on a re-run when
its ``_SUCCESS`` marker says it was done for the same input, code and settings.

Importing this package does not import pyspark: the modules that need it
(``session``, ``files``, ``frames``, the stage modules, ``batch`` and ``run``) are
imported by the ``batch`` command only. ``features``, ``replay`` and
``stories`` are plain Python and are tested without Spark.
"""

STAGES = ("clean", "dedup", "cluster", "analyze", "write")

__all__ = ["STAGES"]
