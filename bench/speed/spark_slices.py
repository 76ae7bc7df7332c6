"""Why the batch's cluster stage is one exact replay by default: blocking and time slices on Reuters-21578.

Run: ``.venv/bin/python bench/speed/spark_slices.py [--n 19779]``

The streaming clusterer is sequential: an article's story depends on every
story still open. Two ways to split it for parallel tasks were measured on
the first N Reuters bodies in date order (``bench/speed/spark_scale.py`` reads them),
against the exact single pass (``spark.replay.replay`` over every article, which
gives ``stream.stream_labels``' partition):

* blocking: connect articles that share one of their ``INDEX_TERMS`` heaviest
  terms (the terms the clusterer's inverted index looks up) within 30-day time
  buckets, plus each copy to its earliest copy; the connected components are
  the independent pieces. Printed: the components and the share in the largest;
* time slices (``storytrace batch --slice-articles``): slices of S articles
  replayed separately, each after a warm-up of the articles published within
  D days before its start, stories stitched through the warm-up as the stage
  does. Printed: B³-F1 of the stitched partition against the exact one.

Also printed: the exact replay's speed, the inverted-index postings its
candidate lookups walk per article, the stories still in the index at the end
and its peak memory (tracemalloc): what the one sequential task of the stage
costs. The replay rows (vectors from the document frequencies at arrival,
earliest copies) are computed here in one process, as ``tests/test_spark.py`` does.
Exits 0 with a "skipped" line if the data is absent.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from analyze_speed import reuters_articles, reuters_missing
from cluster_quality import score
from spark_scale import DATA
from storytrace.cluster.dedup import DuplicateIndex
from storytrace.cluster.grouping import content_words
from storytrace.cluster.stream import BATCH, INDEX_TERMS, STREAM_WINDOW_DAYS
from storytrace.cluster.stream_item import StreamItem
from storytrace.model import Article
from storytrace.published import order_key, published_seconds
from storytrace.spark.features import article_row, article_vectors, distinct_terms, prepare_row, stream_terms
from storytrace.spark.replay import Replay, ReplayRow, replay


def replay_rows(articles: list[Article]) -> tuple[list[ReplayRow], list[float]]:
    """The rows the cluster stage replays, in publication order, and the batch end times."""
    arts = sorted(articles, key=lambda a: order_key(a.published))
    sources = tuple(sorted({a.source for a in arts if a.kind == "agency" and a.source}))
    index, df, rows, position = DuplicateIndex(), Counter[str](), [], {}
    for k, art in enumerate(arts):
        p = prepare_row(article_row(art), sources)
        words = content_words(p)
        index.add_words([(art.id, words, art.published)])
        hits = index.hits_of.get(art.id) or []
        terms = stream_terms(p, words)
        df.update(terms.doc_terms)
        seen = {t: df[t] for t in {*terms.doc_terms, *terms.title_terms, *terms.name_terms}}
        parent = position[hits[0]] if hits else None
        vectors = article_vectors(terms, seen, k + 1)
        distinct = frozenset(distinct_terms(vectors, seen, k + 1))
        rows.append(ReplayRow(k, art.id, art.published, vectors, parent, hits[0] if hits else None, distinct=distinct))
        position[art.id] = k
    n = len(arts)
    ends = [published_seconds(arts[min(n - 1, (c + 1) * BATCH - 1)].published) for c in range((n + BATCH - 1) // BATCH)]
    return rows, ends


class Counted(Replay):
    """The replay, counting the inverted-index postings each article's candidate lookup walks."""

    postings: int = 0

    def candidates(self, vectors, when, embedding=None):  # type: ignore[no-untyped-def]
        body = vectors[0]
        for term in sorted(body, key=body.__getitem__, reverse=True)[:INDEX_TERMS]:
            self.postings += len(self.index.get(term, ()))
        return super().candidates(vectors, when, embedding)


def replay_cost(rows: list[ReplayRow], ends: list[float]) -> tuple[float, float, int]:
    """Postings walked per article, the replay's peak traced memory (MB) and the stories indexed at the end."""
    clusterer = Counted()
    tracemalloc.start()
    chunk = 0
    for row in rows:
        while chunk < row.position // BATCH:
            clusterer.retire(ends[chunk])
            chunk += 1
        if row.parent_key is not None:
            clusterer.dedup.hits_of[row.key] = [row.parent_key]
        clusterer.given = row.vectors
        clusterer.add(StreamItem(key=row.key, published=row.published, document=()))
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return clusterer.postings / len(rows), peak, len(clusterer.indexed)


def busiest_window(rows: list[ReplayRow], days: float = STREAM_WINDOW_DAYS) -> int:
    """The most articles published within one window: how dense the stream the index sees is."""
    times = sorted(t for t in (published_seconds(r.published) for r in rows) if not math.isnan(t))
    most, first = 0, 0
    for last, when in enumerate(times):
        while when - times[first] > days * 86400:
            first += 1
        most = max(most, last - first + 1)
    return most


def followed(pointers: dict[int, int]) -> list[int]:
    out = []
    for k in range(len(pointers)):
        root = k
        while pointers[root] != root:
            root = pointers[root]
        out.append(root)
    return out


def components(rows: list[ReplayRow], window_days: float = STREAM_WINDOW_DAYS) -> Counter[int]:
    """Sizes of the connected components of the heavy-term blocking graph."""
    parent = list(range(len(rows)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_with: dict[tuple[str, int], int] = {}
    for row in rows:
        body = row.vectors[0]
        heavy = sorted(body, key=body.__getitem__, reverse=True)[:INDEX_TERMS]
        when = published_seconds(row.published)
        bucket = -1 if math.isnan(when) else int(when // (window_days * 86400))
        links = [first_with.setdefault((t, b), row.position) for t in heavy for b in (bucket, bucket + 1)]
        if row.parent is not None:
            links.append(row.parent)
        for other in links:
            a, b = find(row.position), find(other)
            parent[max(a, b)] = min(a, b)
    return Counter(find(k) for k in range(len(rows)))


def sliced(rows: list[ReplayRow], ends: list[float], size: int, warmup_days: float) -> list[int]:
    """The stitched partition of time slices of ``size`` articles with a warm-up of ``warmup_days``."""
    times = [published_seconds(r.published) for r in rows]
    latest = max((t for t in times if not math.isnan(t)), default=0.0)
    pointers: dict[int, int] = {}
    for start in range(0, len(rows), size):
        begins = latest if math.isnan(times[start]) else times[start]
        warm = [
            ReplayRow(r.position, r.key, r.published, r.vectors, r.parent, r.parent_key, own=False, distinct=r.distinct)
            for r in rows[:start]
            if math.isnan(times[r.position]) or times[r.position] >= begins - warmup_days * 86400
        ]
        pointers.update((a.position, a.pointer) for a in replay(warm + rows[start : start + size], ends))
    return followed(pointers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=19_779, help="Reuters bodies (default: all, %(default)s)")
    parser.add_argument("--sizes", default="10000,5000,2000", help="slice sizes, comma-separated")
    parser.add_argument("--warmups", default="30,7", help="warm-up days, comma-separated")
    parser.add_argument("--json", type=Path, help="write the replay's figures here (for bench/speed/spark_cost.py)")
    parser.add_argument("--data", type=Path, default=DATA, help="the shared datasets folder (default: %(default)s)")
    args = parser.parse_args()
    if reuters_missing(args.data):
        return 0
    articles = reuters_articles(args.n, args.data)
    t0 = time.perf_counter()
    rows, ends = replay_rows(articles)
    t1 = time.perf_counter()
    exact = followed({a.position: a.pointer for a in replay(rows, ends)})
    t2 = time.perf_counter()
    speed = len(rows) / (t2 - t1)
    print(f"{len(rows)} articles: features {t1 - t0:.1f} s, exact replay {t2 - t1:.1f} s ({speed:.0f} docs/s)")
    postings, peak, open_stories = replay_cost(rows, ends)
    window = busiest_window(rows)
    print(
        f"replay: {postings:.0f} index postings walked per article, {open_stories} stories in the index at the end, "
        f"peak traced memory {peak:.0f} MB; at most {window} articles within one 30-day window"
    )
    if args.json:
        kept = {"n": len(rows), "replay_docs_s": speed, "postings": postings, "peak_mb": peak}
        args.json.write_text(json.dumps({**kept, "open_stories": open_stories, "window_articles": window}), "utf-8")
    sizes = components(rows)
    largest = sizes.most_common(1)[0][1]
    print(f"blocking on heavy terms in 30-day buckets: {len(sizes)} components, the largest {largest} "
          f"({largest / len(rows):.1%} of the articles)")  # fmt: skip
    for size in (int(s) for s in args.sizes.split(",")):
        for days in (float(d) for d in args.warmups.split(",")):
            got = score(sliced(rows, ends, size, days), exact)
            b3 = f"B3 P {got.b3_p:.3f} R {got.b3_r:.3f} F1 {got.b3_f1:.3f}"
            print(f"slices of {size} articles, warm-up {days:g} days: {b3}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
