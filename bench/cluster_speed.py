"""Speed of dedup + streaming clustering on Reuters-21578, in date order.

    .venv/bin/python bench/cluster_speed.py [--sizes 5000 10000 20000]

For each size N, the first N non-empty bodies by date are cleaned and
segmented (``prepare``), then run through ``stream_groups`` (near-duplicate
collapse, then single-pass clustering); printed: docs/s of the clustering
alone and of prepare + clustering, time(largest)/time(half of it), peak RSS,
and, on the same documents, datasketch's MinHashLSH dedup alone (MinHash.bulk,
then query + insert per document) as a ratio to storytrace's clustering time.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from datasketch import MinHash, MinHashLSH

from storytrace.align.compare import prepare
from storytrace.cluster.dedup import NUM_PERM, shingles
from storytrace.cluster.stream import stream_groups
from storytrace.model import Article

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "reuters21578"


def reuters_by_date(n: int) -> list[Article]:
    rows = []
    for shard in sorted(DATA.glob("reuters21578-*.jsonl")):
        for line in shard.open(encoding="utf-8"):
            rec = json.loads(line)
            if rec.get("body"):
                rows.append(rec)
    dated = [(_iso(r.get("date")), r) for r in rows]
    dated.sort(key=lambda x: (x[0] or "~", int(x[1]["newid"])))
    return [Article(id=str(r["newid"]), text=r["body"], title=r.get("title"), published=iso) for iso, r in dated[:n]]


def _iso(value: str | None) -> str | None:
    """Reuters' "26-FEB-1987 15:01:01.79" as ISO 8601."""
    if not value:
        return None
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.strptime(value.strip()[:20], "%d-%b-%Y %H:%M:%S"))
    except ValueError:
        return None


def datasketch_alone(texts: list[str]) -> float:
    t = time.perf_counter()
    hashes = MinHash.bulk([shingles(x) for x in texts], num_perm=NUM_PERM)
    lsh = MinHashLSH(threshold=0.8, num_perm=NUM_PERM)
    for k, m in enumerate(hashes):
        lsh.query(m)
        lsh.insert(str(k), m)
    return time.perf_counter() - t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000, 20000])
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} not found")
        return 0
    articles = reuters_by_date(max(args.sizes))
    print(f"{len(articles)} Reuters bodies by date")
    times: dict[int, float] = {}
    for n in sorted(args.sizes):
        subset = articles[:n]
        t = time.perf_counter()
        prepared = [prepare(a) for a in subset]
        prep_s = time.perf_counter() - t
        t = time.perf_counter()
        groups = stream_groups(prepared)
        cluster_s = time.perf_counter() - t
        times[n] = cluster_s
        alone = datasketch_alone(["\n".join(p.article.text[s:e] for s, e in p.clean.content) for p in prepared])
        print(
            f"N={len(subset):>6}: dedup+cluster {cluster_s:6.1f} s = {len(subset) / cluster_s:6.0f} docs/s; "
            f"with prepare {len(subset) / (prep_s + cluster_s):5.0f} docs/s; {len(groups)} stories; "
            f"datasketch dedup alone {alone:5.1f} s, storytrace/datasketch {cluster_s / alone:.2f}"
        )
    sizes = sorted(times)
    if len(sizes) >= 2:
        print(f"time({sizes[-1]})/time({sizes[-2]}) = {times[sizes[-1]] / times[sizes[-2]]:.2f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
