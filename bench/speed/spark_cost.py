"""The cost of a large corpus on a Spark cluster, worked out from measured per-stage figures.

Run: ``.venv/bin/python bench/speed/spark_cost.py --scale SCALE.json [--slices SLICES.json] [--articles 10000000]
[--executors 50] [--cores 4] [--days 365]``

``SCALE.json`` is written by ``bench/speed/spark_scale.py --json``: per stage the
task seconds, shuffle and output bytes of a ``local[1]`` run (one task at a
time, so task seconds are core seconds), the replay's seconds, the article
pairs aligned, and the peak memory of the JVM and of a Python worker.
``SLICES.json`` (``bench/speed/spark_slices.py --json``) adds the replay's peak
memory and how many articles one 30-day window held.

Everything is scaled linearly per article from the measured corpus. That
holds for clean, dedup's band keys, the document-frequency windows, the
vectors and the write. Two stages need more than a linear scale, and the
script says what it assumes for them:

* the replay is one task (so is the write of the JSON Lines files: counted
  as one task too, which overstates it): its time is per-article time × articles, whatever
  the cluster; its memory grows with the articles of one window
  (articles / days × 30), not with the corpus;
* analyze grows with the article pairs per article, which the clusterer
  bounds: a story of up to 40 articles aligns every pair (at most 19.5 per
  article), a larger one each article with its 10 nearest. The measured
  pairs per article are used, and the bound is printed as the worst case.

Prints one table, per stage: core hours, shuffle, data written, and wall time
on ``executors × cores`` cores. It does not measure anything itself.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from storytrace.align.policy import ALL_PAIRS_MAX_ARTICLES, NEAREST_ARTICLES
from storytrace.spark import STAGES

WINDOW_DAYS = 30
ONE_TASK = ("replay", "write")  # the replay, and the two JSON Lines files, each written by one task


def per_article(figures: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per stage and per article: core seconds, shuffle bytes and output bytes of the ``local[1]`` run."""
    run = figures["spark"]["local[1]"]
    n = figures["n"]
    out = {}
    for stage in STAGES:
        f = run["stages"].get(stage, {})
        out[stage] = {
            "core_s": f.get("task_s", 0.0) / n,
            "shuffle_b": f.get("shuffle_mb", 0.0) * 2**20 / n,
            "written_b": f.get("written_mb", 0.0) * 2**20 / n,
        }
    replay_s = run["stages"]["cluster"].get("replay_seconds", 0.0)
    out["cluster"]["core_s"] = max(0.0, out["cluster"]["core_s"] - replay_s / n)  # the parallel part
    out["replay"] = {"core_s": replay_s / n, "shuffle_b": 0.0, "written_b": 0.0}
    return out


def human_bytes(value: float) -> str:
    for unit, size in (("TB", 2**40), ("GB", 2**30), ("MB", 2**20)):
        if value >= size:
            return f"{value / size:,.1f} {unit}"
    return f"{value / 2**10:,.0f} KB"


def human_hours(seconds: float) -> str:
    return f"{seconds / 3600:,.1f} h" if seconds >= 3600 else f"{seconds / 60:,.0f} min"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=Path, required=True, help="figures of bench/speed/spark_scale.py --json")
    parser.add_argument("--slices", type=Path, help="figures of bench/speed/spark_slices.py --json")
    parser.add_argument("--articles", type=int, default=10_000_000)
    parser.add_argument("--executors", type=int, default=50)
    parser.add_argument("--cores", type=int, default=4, help="cores per executor")
    parser.add_argument("--days", type=float, default=365, help="the time the corpus spans")
    args = parser.parse_args()
    figures = json.loads(args.scale.read_text("utf-8"))
    n, big, cores = figures["n"], args.articles, args.executors * args.cores
    unit = per_article(figures)
    print(f"measured: {n:,} Reuters-21578 bodies ({figures.get('input_mb', 0):.1f} MB of JSON Lines), local[1]")
    print(f"scaled to {big:,} articles over {args.days:g} days, {args.executors} executors x {args.cores} cores")
    print(f"{'stage':<9}{'core hours':>11}{'shuffle':>11}{'written':>11}{'wall':>10}")
    total_wall = 0.0
    for stage, f in unit.items():
        core_s = f["core_s"] * big
        wall = core_s if stage in ONE_TASK else core_s / cores
        total_wall += wall
        print(
            f"{stage:<9}{core_s / 3600:>11,.1f}{human_bytes(f['shuffle_b'] * big):>11}"
            f"{human_bytes(f['written_b'] * big):>11}{human_hours(wall):>10}"
        )
    print(f"{'all':<9}{'':>11}{'':>11}{'':>11}{human_hours(total_wall):>10}")
    run = figures["spark"]["local[1]"]
    analyzed = run["stages"]["analyze"]
    pairs = analyzed.get("article_pairs", 0) / n
    worst = max((ALL_PAIRS_MAX_ARTICLES - 1) / 2, NEAREST_ARTICLES)
    per_pair = analyzed.get("task_s", 0.0) / max(1, analyzed.get("article_pairs", 0))
    print(
        f"analyze: {pairs:.2f} article pairs per article measured (at most {worst:g}: "
        f"x{worst / pairs:.1f} the core hours), {per_pair * 1000:.1f} core ms per pair with the facts"
    )
    cluster = run["stages"]["cluster"]
    print(f"cluster: {cluster.get('candidates_per_article', 0):.1f} candidate stories weighed per article")
    dedup = run["stages"]["dedup"]
    print(f"dedup: {dedup.get('candidate_pairs', 0) / n:.3f} candidate pairs per article verified")
    window = big / args.days * WINDOW_DAYS
    per_article_ms = unit["replay"]["core_s"] * 1000
    print(f"replay: {per_article_ms:.2f} ms per article on one core; {window:,.0f} articles per window")
    if args.slices:
        slices = json.loads(args.slices.read_text("utf-8"))
        per_window = slices["peak_mb"] / slices["window_articles"]
        print(
            f"replay memory: {slices['peak_mb']:.0f} MB for {slices['window_articles']:,} articles in the busiest "
            f"window, so about {human_bytes(per_window * window * 2**20)} for the task that replays"
        )
    print(
        f"executor memory: JVM peak {run['jvm_peak_mb']:.0f} MB (driver and executor in one, local mode), "
        f"largest Python worker {run['python_worker_peak_mb']:.0f} MB: one per core outside the heap"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
