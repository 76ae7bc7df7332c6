"""Time ``compare`` on the two seed articles and ``analyze`` on the demo corpus.

Run: ``.venv/bin/python bench/speed/compare.py [--runs 20]``. Prints the median and
spread of warm, in-process timings (the first call, which loads modules and
warms caches, is reported apart). The target: compare <= 50 ms.
The machines are shared and noisy: read medians, not single runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from storytrace.align.compare import compare
from storytrace.ingest import read_paths
from storytrace.model import Article
from storytrace.pipeline import analyze
from storytrace.store import Store
from support.paths import SEEDS

ROOT = Path(__file__).resolve().parents[2]


def timings(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return first, out


def show(name: str, first: float, runs: list[float]) -> None:
    q = statistics.quantiles(runs, n=10) if len(runs) >= 2 else runs * 9
    print(
        f"{name:<28} median {statistics.median(runs) * 1000:8.1f} ms   p10 {q[0] * 1000:7.1f}   "
        f"p90 {q[-1] * 1000:7.1f}   first call {first * 1000:7.1f} ms   ({len(runs)} runs)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    seed_paths = [SEEDS / "000_14e98fc3686cf210.txt", SEEDS / "002_fb04e2e8c0c1a0bd.txt"]
    if all(p.exists() for p in seed_paths):
        a, b = (Article(p.stem, p.read_text("utf-8")) for p in seed_paths)
        show("compare (seeds)", *timings(lambda: compare(a, b), args.runs))
    else:
        print("skipped: compare on the seeds (../shared/seeds not found)")
    articles = [r for r in read_paths([ROOT / "examples"]) if isinstance(r, Article)]

    def run_analyze() -> None:
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "st.db") as store:
            analyze([ROOT / "examples"], store)

    show(f"analyze (demo, {len(articles)} articles)", *timings(run_analyze, max(3, args.runs // 4)))


if __name__ == "__main__":
    main()
