"""Speed of dedup + streaming clustering on Reuters-21578, in date order.

    .venv/bin/python bench/speed/cluster_speed.py [--sizes 5000 10000 20000]
    .venv/bin/python bench/speed/cluster_speed.py --check [N]

For each size N, the first N non-empty bodies by date are cleaned and
segmented (``prepare``), then run through ``stream_groups`` (near-duplicate
collapse, then single-pass clustering); printed: docs/s of the clustering
alone and of prepare + clustering, time(largest)/time(half of it), peak RSS,
and, on the same documents, datasketch's MinHashLSH dedup alone (MinHash.bulk,
then query + insert per document) as a ratio to storytrace's clustering time.
The reference cuts its shingles with the code storytrace used with datasketch
(``reference_shingles``), so it does not move when storytrace's own shingling
changes.

``--check`` (default N 5000) instead measures the duplicate detection itself on
the first N bodies' content words (what ``stream_groups`` gives the duplicate
index): every pair with exact Jaccard similarity of its 5-word shingle sets of
at least ``DUPLICATE_MIN_JACCARD`` is a true pair; for storytrace's
``DuplicateIndex`` and for the datasketch MinHash + MinHashLSH index it
replaced (query, verify the estimate, insert), it prints the true pairs found
and missed, the false hits (pairs reported below the threshold, with their
exact Jaccard), and how far the estimated Jaccard is from the exact one.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from datasketch import MinHash, MinHashLSH

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from storytrace.align.compare import prepare
from storytrace.cluster.dedup import DUPLICATE_MIN_JACCARD, NUM_PERM, SHINGLE_WORDS, DuplicateIndex, word_shingles
from storytrace.cluster.grouping import content_words
from storytrace.cluster.stream import stream_groups
from storytrace.model import Article
from storytrace.published import order_key
from storytrace.semantic import semantic_available
from storytrace.text.tokens import normal_words
from support.data import reuters_by_date
from support.paths import REUTERS

DATA = REUTERS
Pair = tuple[int, int]  # (earlier position, later position)


def reference_shingles(text: str, size: int = SHINGLE_WORDS) -> list[bytes]:
    """The distinct word 5-grams of ``text``, cut as storytrace did for datasketch."""
    words = normal_words(text)
    if len(words) <= size:
        return [" ".join(words).encode("utf-8")] if words else []
    return list(dict.fromkeys(" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)))


def datasketch_alone(texts: list[str]) -> float:
    t = time.perf_counter()
    hashes = MinHash.bulk([reference_shingles(x) for x in texts], num_perm=NUM_PERM)
    lsh = MinHashLSH(threshold=0.8, num_perm=NUM_PERM)
    for k, m in enumerate(hashes):
        lsh.query(m)
        lsh.insert(str(k), m)
    return time.perf_counter() - t


def speed(sizes: list[int], embed_n: int = 0) -> None:
    articles = reuters_by_date(max(sizes))
    print(f"{len(articles)} Reuters bodies by date")
    times: dict[int, float] = {}
    for n in sorted(sizes):
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
    if embed_n:
        subset = articles[:embed_n]
        prepared = [prepare(a) for a in subset]
        from storytrace.semantic import CachedEmbedder, MiniLMEmbedder

        embedder = CachedEmbedder(MiniLMEmbedder())  # memory cache only: every lead is encoded
        embedder.encode(["warm-up"])  # model load is not part of the rate
        t = time.perf_counter()
        groups = stream_groups(prepared, embed=embedder.encode)
        took = time.perf_counter() - t
        print(
            f"N={embed_n:>6} with MiniLM embeddings (title + lead, semantic join model): "
            f"{took:6.1f} s = {embed_n / took:5.0f} docs/s; {len(groups)} stories"
        )
    ordered = sorted(times)
    if len(ordered) >= 2:
        print(f"time({ordered[-1]})/time({ordered[-2]}) = {times[ordered[-1]] / times[ordered[-2]]:.2f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


# --- --check ------------------------------------------------------------------------------------


def exact_jaccard(sets: Sequence[list[bytes]], at_least: float) -> dict[Pair, float]:
    """Exact Jaccard similarity of every pair of shingle sets reaching ``at_least`` (sparse products)."""
    ids: dict[bytes, int] = {}
    rows, cols = [], []
    for row, shingle_set in enumerate(sets):
        for s in shingle_set:
            rows.append(row)
            cols.append(ids.setdefault(s, len(ids)))
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(sets), len(ids)))
    shared = sp.triu(matrix @ matrix.T, k=1).tocoo()
    sizes = np.array([len(s) for s in sets])
    jaccard = shared.data / (sizes[shared.row] + sizes[shared.col] - shared.data)
    keep = jaccard >= at_least
    return {
        (int(a), int(b)): float(j) for a, b, j in zip(shared.row[keep], shared.col[keep], jaccard[keep], strict=True)
    }


def storytrace_pairs(keys: list[str], words: list[list[str]]) -> tuple[set[Pair], float]:
    """The pairs storytrace's index reports (a text and each earlier copy it matched), in batches of 1000."""
    index = DuplicateIndex()
    t = time.perf_counter()
    for start in range(0, len(keys), 1000):
        index.add_words(
            [(k, w, None) for k, w in zip(keys[start : start + 1000], words[start : start + 1000], strict=True)]
        )
    elapsed = time.perf_counter() - t
    position = {k: i for i, k in enumerate(keys)}
    pairs = {(position[h], position[k]) for k, hits in index.hits_of.items() for h in hits}
    return pairs, elapsed


def datasketch_pairs(sets: list[list[bytes]]) -> tuple[set[Pair], list[MinHash], float]:
    """The pairs the datasketch index reports: LSH query, estimate >= threshold, then insert."""
    t = time.perf_counter()
    hashes = MinHash.bulk(sets, num_perm=NUM_PERM)
    lsh = MinHashLSH(threshold=DUPLICATE_MIN_JACCARD, num_perm=NUM_PERM)
    pairs = set()
    for k, (m, s) in enumerate(zip(hashes, sets, strict=True)):
        if not s:
            continue
        for hit in lsh.query(m):
            if m.jaccard(hashes[hit]) >= DUPLICATE_MIN_JACCARD:
                pairs.add((hit, k))
        lsh.insert(k, m)
    return pairs, hashes, time.perf_counter() - t


def report(name: str, found: set[Pair], truth: dict[Pair, float], near: dict[Pair, float], seconds: float) -> None:
    hit = len(found & truth.keys())
    false = sorted(near.get(p, 0.0) for p in found - truth.keys())
    false_j = f"exact J {false[0]:.2f}-{false[-1]:.2f}, median {false[len(false) // 2]:.2f}" if false else "-"
    print(
        f"{name:<11} found {hit:>5} missed {len(truth) - hit:>4} recall {hit / max(len(truth), 1):.3f}  "
        f"false hits {len(false):>3} ({false_j}) precision {hit / max(len(found), 1):.3f}  "
        f"index time {seconds:.2f} s"
    )


def estimate_error(name: str, estimates: np.ndarray, exact: np.ndarray) -> None:
    error = estimates - exact
    expected = np.sqrt(np.mean(exact * (1 - exact) / NUM_PERM))
    print(
        f"{name:<11} estimated - exact Jaccard over {len(exact)} pairs with exact J >= 0.5: "
        f"mean {error.mean():+.4f}, RMSE {np.sqrt(np.mean(error**2)):.4f} (binomial {expected:.4f})"
    )


def check(n: int) -> None:
    articles = reuters_by_date(n)
    prepared = [prepare(a) for a in articles]
    order = sorted(range(len(prepared)), key=lambda k: (order_key(prepared[k].article.published), k))
    keys = [prepared[k].article.id for k in order]
    words = [content_words(prepared[k]) for k in order]
    sets = [word_shingles(w) for w in words]
    near = exact_jaccard(sets, 0.5)
    truth = {p: j for p, j in near.items() if j >= DUPLICATE_MIN_JACCARD}
    index = DuplicateIndex()
    print(
        f"{len(keys)} Reuters bodies by date: {len(truth)} pairs with exact Jaccard >= {DUPLICATE_MIN_JACCARD} "
        f"of their {SHINGLE_WORDS}-word shingle sets; storytrace bands x rows {index.bands} x {index.rows}, "
        f"datasketch's LSH {MinHashLSH(threshold=DUPLICATE_MIN_JACCARD, num_perm=NUM_PERM).b} x "
        f"{MinHashLSH(threshold=DUPLICATE_MIN_JACCARD, num_perm=NUM_PERM).r}"
    )
    ours, our_s = storytrace_pairs(keys, words)
    theirs, minhashes, their_s = datasketch_pairs(sets)
    report("storytrace", ours, truth, near, our_s)
    report("datasketch", theirs, truth, near, their_s)
    signatures = DuplicateIndex()
    signatures.add_words([(str(i), w, None) for i, w in enumerate(words)])
    pairs = list(near)
    exact = np.array([near[p] for p in pairs])
    estimate_error("storytrace", np.array([signatures.jaccard(str(a), str(b)) for a, b in pairs]), exact)
    estimate_error("datasketch", np.array([minhashes[a].jaccard(minhashes[b]) for a, b in pairs]), exact)


def _write_records(articles: Sequence[Article], path: Path) -> Path:
    """The articles as JSON Lines records, as a user hands them to ``storytrace cluster``."""
    with path.open("w", encoding="utf-8") as f:
        for a in articles:
            row = {"id": a.id, "text": a.text, "title": a.title, "published": a.published}
            f.write(json.dumps({k: v for k, v in row.items() if v is not None}) + "\n")
    return path


def spot_check(n: int, top: int = 20) -> None:
    """``storytrace cluster`` on the first ``n`` bodies by date: the ``top`` largest stories and their titles.

    For reading by eye whether a story joins items about different companies or commodities.
    """
    exe = Path(sys.executable).with_name("storytrace")
    articles = reuters_by_date(n)
    title = {a.id: a.title or a.text[:60] for a in articles}
    with tempfile.TemporaryDirectory() as folder:
        records = _write_records(articles, Path(folder) / "records.jsonl")
        out = Path(folder) / "out.jsonl"
        subprocess.run([str(exe), "cluster", str(records), "--out", str(out)], check=True, stderr=subprocess.DEVNULL)
        stories: dict[str, list[str]] = {}
        for line in out.read_text("utf-8").splitlines():
            row = json.loads(line)
            stories.setdefault(row["story"], []).append(row["id"])
    print(f"storytrace cluster, first {len(articles):,} bodies by date: {len(stories):,} stories; the {top} largest:")
    for story, ids in sorted(stories.items(), key=lambda kv: -len(kv[1]))[:top]:
        print(f"{story} ({len(ids)}): " + " | ".join(title[i][:45] for i in ids[:4]))


def through_cli(sizes: Sequence[int], runs: int) -> None:
    """``storytrace cluster`` as a user runs it (a process of its own, default embedder): docs/s and peak RSS.

    The first N bodies by date as JSON Lines; the median of ``runs`` wall times per size; the peak resident
    set of the largest child process (``getrusage``, so the runs of the larger sizes come last).
    """
    exe = Path(sys.executable).with_name("storytrace")
    with tempfile.TemporaryDirectory() as folder:
        for n in sorted(sizes):
            articles = reuters_by_date(n)
            records = _write_records(articles, Path(folder) / f"reuters{n}.jsonl")
            walls = []
            for _ in range(runs):
                t0 = time.perf_counter()
                subprocess.run([str(exe), "cluster", str(records), "--out", str(Path(folder) / "out.jsonl")],
                               check=True, stderr=subprocess.DEVNULL)  # fmt: skip
                walls.append(time.perf_counter() - t0)
            wall = statistics.median(walls)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"storytrace cluster, {len(articles):,} bodies: median {wall:.1f} s of {runs} runs, "
                  f"{len(articles) / wall:,.0f} docs/s end to end; peak RSS so far {peak:,.0f} MB")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000, 20000])
    parser.add_argument(
        "--embed",
        type=int,
        default=2000,
        metavar="N",
        help="also time N docs with MiniLM on (0: skip; default %(default)s)",
    )
    parser.add_argument("--check", type=int, nargs="?", const=5000, metavar="N", help="recall/precision on N docs")
    parser.add_argument("--cli", action="store_true", help="time `storytrace cluster` end to end at --sizes")
    parser.add_argument("--runs", type=int, default=3, help="with --cli: runs per size (default %(default)s)")
    parser.add_argument("--spot-check", type=int, metavar="N", help="the 20 largest stories of cluster on N bodies")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} not found")
        return 0
    if args.spot_check:
        spot_check(args.spot_check)
    elif args.cli:
        through_cli(args.sizes, args.runs)
    elif args.check:
        check(args.check)
    else:
        speed(args.sizes, args.embed if semantic_available() else 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
