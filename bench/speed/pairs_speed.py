"""Speed of ``pairs`` and of ``compare`` with the semantic layer, on this machine.

    [STORYTRACE_EMBEDDER=minilm] .venv/bin/python bench/speed/pairs_speed.py [--n 2000] [--repeats 3]

The embedder is the commands' default (the static table) or the one ``STORYTRACE_EMBEDDER`` names.

- ``pairs``: ``--n`` MSRP train pairs through ``classify_pairs`` (the core of
  ``storytrace pairs``), model loaded ("warm") but every sentence new to the
  embedding cache, so each run embeds all of them; median of ``--repeats``
  runs, plus the same with the lexical model only, plus one end-to-end run of
  the ``storytrace pairs`` command (process start and model load included).
- ``compare`` on the two seed articles: median of warm runs with a cold
  sentence cache and with a warm one.
- Peak resident memory of this process.

The MSRP file and the seeds are read where they lie; absent, that part is skipped.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _data import DEFAULT_DATA, read_jsonl
from storytrace.align.classifier import TrainedRelations, embedding_model
from storytrace.align.compare import compare
from storytrace.align.pairs import classify_pairs
from storytrace.ingest import read_paths
from storytrace.model import Article
from storytrace.semantic import CachedEmbedder
from storytrace.semantic.embed import chosen_embedder, model_kind
from support.paths import SEEDS

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    model = chosen_embedder()  # STORYTRACE_EMBEDDER's choice, as the commands make it
    started = time.perf_counter()
    model.encode(["warm-up sentence"])
    print(f"embedder {model.name}, load: {time.perf_counter() - started:.1f} s")
    scorer = TrainedRelations(semantic=embedding_model(model_kind(model)), copy_evidence=False)
    msrp = args.data / "msrp" / "msrp_train.jsonl"
    if msrp.is_file():
        rows = list(read_jsonl(msrp))[: args.n]
        items = [(str(k), r["sentence1"], r["sentence2"]) for k, r in enumerate(rows)]
        for label, use_model in (("with embeddings", True), ("lexical only", False)):
            times = []
            for _ in range(args.repeats):
                embedder = CachedEmbedder(model) if use_model else None  # fresh cache: every sentence embedded
                t = time.perf_counter()
                classify_pairs(items, scorer, embedder)
                times.append(time.perf_counter() - t)
            med = statistics.median(times)
            print(f"pairs {label:<16} {len(items)} pairs: median {med:.2f} s = {len(items) / med:,.0f} pairs/s")
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "pairs.jsonl"
            src.write_text("".join(json.dumps({"id": i, "a": a, "b": b}) + "\n" for i, a, b in items), "utf-8")
            t = time.perf_counter()
            command = [str(ROOT / ".venv" / "bin" / "storytrace"), "pairs", str(src), "--out", str(Path(tmp) / "o")]
            subprocess.run(command, check=True)
            total = time.perf_counter() - t
            print(f"storytrace pairs end to end: {total:.1f} s = {len(items) / total:,.0f} pairs/s (process + load)")
    else:
        print(f"skipped pairs: {msrp} not found")
    seed_files = sorted(SEEDS.glob("0*.txt"))
    if len(seed_files) >= 2:
        a, b = (next(r for r in read_paths([p]) if isinstance(r, Article)) for p in seed_files[:2])
        compare(a, b, embedder=CachedEmbedder(model))  # warm imports and model
        for label, fresh in (("cold sentence cache", True), ("warm sentence cache", False)):
            warm_cache = CachedEmbedder(model)
            compare(a, b, embedder=warm_cache)
            times = []
            for _ in range(max(3, args.repeats)):
                embedder = CachedEmbedder(model) if fresh else warm_cache
                t = time.perf_counter()
                compare(a, b, embedder=embedder)
                times.append(time.perf_counter() - t)
            print(f"compare seeds, {label}: median {statistics.median(times) * 1000:.0f} ms")
    else:
        print(f"skipped compare: no seeds in {SEEDS}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
