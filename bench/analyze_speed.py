"""The whole ``analyze`` at speed: docs/s, seconds per stage, peak RSS, growth with corpus size.

Run: ``.venv/bin/python bench/analyze_speed.py [--sizes 5000,10000] [--meter] [--rerun 100] [--lexical]``

Every stage is on, as ``storytrace analyze`` runs them: ingest into a fresh
SQLite store, near-duplicate collapse and streaming story assignment, clean
and segment, alignment of every story's pairs, provenance, the fact
comparison, the ``stories.json`` document, the store's saved analysis and the
HTML report (each story's rendering kept in the store, as the command does).
With ``--lexical`` the semantic layer is off, as ``analyze --lexical``; else its embedder is the
default (the static table) or the one ``STORYTRACE_EMBEDDER`` names.

Corpora (read from ``../shared/data``, never copied): the first N non-empty
Reuters-21578 bodies in NEWID order with their dates (agency copy), and
METER's development half (PA copy and newspaper articles, dated). Each run is
a fresh child process, so its peak RSS is its own. ``--rerun K`` then runs
``analyze`` again on the same store over the same input plus the next K
Reuters bodies, as a user re-runs it on a folder that grew: stories whose
members did not change come from the store.

Prints one line per run and the ratio time(largest N)/time(smallest N), and
how much faster two processes did the same pure-Python work than one, before
the first run and after each (2.0 on two idle cores; less when other jobs
share them, which the wall times then carry too). "ahead" is the CPU of the
helper process that computes sentence vectors and facts while the main
process clusters (``storytrace.ahead``; ``STORYTRACE_AHEAD=0`` runs without it).
``--profile FILE`` writes a cProfile of each run's main process (``analyze``
and the report) to FILE (the last run's stays); with ``STORYTRACE_WORKERS=1`` the per-story work stays in
that process and shows in the profile.
Exits 0 with a "skipped" line if the data is absent.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from _machine import machine_ceiling
from storytrace.ingest import read_paths
from storytrace.model import Article
from storytrace.semantic.embed import EMBEDDERS

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
STAGES = ("ingest", "cluster", "clean", "embed", "align", "trace", "facts", "document", "store", "report", "ahead")


def reuters_date(value: str) -> str | None:
    """Reuters-21578's ``26-FEB-1987 15:01:01.79`` as ISO 8601."""
    try:
        return datetime.strptime(value.strip().split(".")[0], "%d-%b-%Y %H:%M:%S").isoformat()
    except ValueError:
        return None


def reuters_missing(data: Path = DATA) -> bool:
    """True, after printing the benchmarks' "skipped" line, when ``data`` holds no Reuters-21578 folder."""
    folder = data / "reuters21578"
    if folder.is_dir():
        return False
    print(f"skipped: {folder} not found")
    return True


def write_reuters(out: Path, skip: int, n: int, data: Path = DATA) -> int:
    """Records of the non-empty bodies number ``skip`` to ``skip + n`` (NEWID order) into ``out``."""
    seen = written = 0
    with out.open("w", encoding="utf-8") as fh:
        for shard in sorted((data / "reuters21578").glob("reuters21578-*.jsonl")):
            for line in shard.open(encoding="utf-8"):
                rec = json.loads(line)
                if not rec.get("body"):
                    continue
                seen += 1
                if seen <= skip:
                    continue
                row = {
                    "id": f"reuters-{rec['newid']}",
                    "title": rec.get("title"),
                    "text": rec["body"],
                    "published": reuters_date(rec.get("date") or ""),
                    "source": "Reuters",
                    "kind": "agency",
                }
                fh.write(json.dumps(row) + "\n")
                written += 1
                if written >= n:
                    return written
    return written


def reuters_articles(n: int, data: Path = DATA) -> list[Article]:
    """The first ``n`` non-empty Reuters bodies as articles, read back from ``write_reuters``'s records."""
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "reuters.jsonl"
        write_reuters(records, 0, n, data)
        return [a for a in read_paths([records]) if isinstance(a, Article)]


def write_meter(out: Path, data: Path = DATA) -> int:
    """METER's development half (PA copy as agency records, newspaper articles) into ``out``."""
    sys.path.insert(0, str(Path(__file__).parent))
    from _data import load_meter_newspapers, load_meter_pa

    pa = load_meter_pa(data)
    papers = load_meter_newspapers(data)
    with out.open("w", encoding="utf-8") as fh:
        for art in [p.article for p in pa.values()] + [m.article for m in papers]:
            row = {"id": art.id, "text": art.text, "source": art.source, "published": art.published, "kind": art.kind}
            fh.write(json.dumps(row) + "\n")
    return len(pa) + len(papers)


def child(records: list[Path], db: Path, out_dir: Path, lexical: bool) -> dict[str, Any]:
    """One ``analyze`` in this process, as the command runs it; its figures."""
    from rich.console import Console

    from storytrace.cli import print_story_table
    from storytrace.pipeline import StageTimes, analyze, report_page, write_outputs
    from storytrace.semantic import default_embedder
    from storytrace.store import Store

    times = StageTimes()
    n = sum(1 for path in records for _ in path.open(encoding="utf-8"))
    profile = os.environ.get("ANALYZE_SPEED_PROFILE")
    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    with Store(db) as store:
        embedder = None if lexical else default_embedder(store)
        if profiler is not None:
            profiler.enable()
        result = analyze(records, store, embedder=embedder, times=times, render=True)
        if profiler is not None:
            profiler.disable()
        with times.stage("report"):  # what the command does after ``analyze``: the same functions
            if profiler is not None:
                profiler.enable()
            out_dir.mkdir(parents=True, exist_ok=True)
            write_outputs(result, report_page(result, store), out_dir)  # the store keeps each story's rendering
            with open(os.devnull, "w", encoding="utf-8") as sink:
                print_story_table(result, Console(file=sink, width=80))  # the summary the command prints
            if profiler is not None:
                profiler.disable()
        if profiler is not None and profile:
            profiler.dump_stats(profile + ".prof")  # the raw statistics, for callers and callees
            with open(profile, "w", encoding="utf-8") as fh:
                stats = pstats.Stats(profiler, stream=fh)
                stats.sort_stats("cumulative").print_stats(40)
                stats.sort_stats("tottime").print_stats(25)
    wall = time.perf_counter() - t0
    sizes = sorted((len(s["articles"]) for s in result.document["stories"]), reverse=True)
    return {
        "articles": n,
        "wall": wall,
        "stages": times.seconds,
        "cpu": times.cpu,
        "cpu_total": time.process_time(),
        "by_size": by_story_size(times.stories),
        "stories": len(sizes),
        "largest": sizes[0] if sizes else 0,
        "pairs": sum(len(s["pairs"]) for s in result.document["stories"]),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


SIZE_BUCKETS = ((1, 1), (2, 2), (3, 5), (6, 10), (11, 40), (41, 10**9))


def by_story_size(stories: list[tuple[int, int, float]]) -> list[list[Any]]:
    """Per story-size bucket: [label, stories, pairs, CPU s, CPU ms per story, CPU ms per pair]."""
    rows = []
    for lo, hi in SIZE_BUCKETS:
        inside = [(p, t) for n, p, t in stories if lo <= n <= hi]
        if not inside:
            continue
        pairs, cpu = sum(p for p, _ in inside), sum(t for _, t in inside)
        label = f"{lo}" if lo == hi else (f"{lo}-{hi}" if hi < 10**9 else f"{lo}+")
        rows.append([label, len(inside), pairs, cpu, 1000 * cpu / len(inside), 1000 * cpu / pairs if pairs else 0.0])
    return rows


def run_child(records: list[Path], db: Path, out_dir: Path, lexical: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", ",".join(map(str, records)), str(db), str(out_dir)]
    cmd += ["--lexical"] if lexical else []
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"analyze failed on {records}:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def show(label: str, fig: dict[str, Any]) -> None:
    stages = "  ".join(f"{s} {fig['stages'].get(s, 0.0):.1f}" for s in STAGES if s in fig["stages"])
    cpu = "  ".join(f"{s} {fig['cpu'].get(s, 0.0):.1f}" for s in STAGES if s in fig["cpu"])
    print(
        f"{label}: {fig['articles']} articles  wall {fig['wall']:.1f} s  {fig['articles'] / fig['wall']:.0f} docs/s  "
        f"stories {fig['stories']}  largest {fig['largest']}  pairs {fig['pairs']}  "
        f"peak RSS {fig['peak_rss_mb']:.0f} MB  main-process CPU {fig['cpu_total']:.1f} s\n"
        f"    wall s per stage (per-story stages: summed over the workers): {stages}\n"
        f"    CPU s per stage: {cpu}",
        flush=True,
    )
    print(budget_line(fig))
    for label, stories, pairs, cpu_s, per_story, per_pair in fig.get("by_size", []):
        print(
            f"    stories of {label:>5} articles: {stories:5d} stories  {pairs:6d} pairs  CPU {cpu_s:6.1f} s  "
            f"{per_story:7.1f} ms/story  {per_pair:5.1f} ms/pair"
        )


# The throughput target, for the budget line.
TARGET_DOCS_PER_SECOND = 600


def budget_line(fig: dict[str, Any], cores: int | None = None) -> str:
    """CPU ms per article, per stage and in all, against what ``TARGET_DOCS_PER_SECOND`` allows on ``cores``.

    At the target, every core together may spend ``cores * 1000 / target`` ms
    per article, and the main process, whose clusterer is sequential, at most
    ``1000 / target`` ms: even with every other stage free it cannot go faster.
    """
    n, cores = max(1, fig["articles"]), cores or os.cpu_count() or 1
    per = {s: 1000 * fig["cpu"][s] / n for s in STAGES if fig["cpu"].get(s)}
    shown = "  ".join(f"{s} {ms:.2f}" for s, ms in per.items())
    total = sum(per.values())  # "ahead" is the helper process's own CPU, beside the stages
    main = 1000 * fig["cpu_total"] / n
    return (
        f"    CPU ms per article: {shown}  (all stages {total:.2f}, the main process {main:.2f}); "
        f"{TARGET_DOCS_PER_SECOND} docs/s on {cores} cores allows {cores * 1000 / TARGET_DOCS_PER_SECOND:.2f} in all "
        f"and {1000 / TARGET_DOCS_PER_SECOND:.2f} in the main process"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5000,10000", help="Reuters corpus sizes, comma-separated")
    ap.add_argument("--meter", action=argparse.BooleanOptionalAction, default=True, help="also METER dev")
    ap.add_argument("--rerun", type=int, default=100, help="new articles for the re-run (0: none)")
    ap.add_argument("--lexical", action="store_true", help="without the semantic layer (analyze --lexical)")
    ap.add_argument("--profile", type=Path, help="write a cProfile of the (main process of the) last run here")
    ap.add_argument("--data", type=Path, default=DATA, help="the shared datasets folder")
    ap.add_argument("--child", nargs=3, metavar=("RECORDS", "DB", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        paths, db, out_dir = args.child
        print(json.dumps(child([Path(p) for p in paths.split(",")], Path(db), Path(out_dir), args.lexical)))
        return
    if reuters_missing(args.data):
        return
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if args.profile:
        os.environ["ANALYZE_SPEED_PROFILE"] = str(args.profile.resolve())
    embedder = os.environ.get("STORYTRACE_EMBEDDER") or EMBEDDERS[0]
    mode = "lexical" if args.lexical else f"every stage, embedder {embedder}"
    print(f"storytrace analyze ({mode}), {os.cpu_count()} cores")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    walls: dict[int, float] = {}
    checks = [machine_ceiling()]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in sizes:
            records = tmp / f"reuters-{n}.jsonl"
            write_reuters(records, 0, n, args.data)
            db = tmp / f"reuters-{n}.db"
            fig = run_child([records], db, tmp / f"out-{n}", args.lexical)
            walls[n] = fig["wall"]
            checks.append(machine_ceiling())
            show(f"Reuters {n}", fig)
            if args.rerun and n == sizes[-1]:
                more = tmp / "more.jsonl"
                write_reuters(more, n, args.rerun, args.data)
                again = run_child([records, more], db, tmp / f"out-{n}-more", args.lexical)
                checks.append(machine_ceiling())
                show(f"  the same {n} + {args.rerun} new, on that store", again)
                print(f"  re-run / first run: {again['wall'] / fig['wall']:.1%}")
        if len(sizes) > 1:
            lo, hi = sizes[0], sizes[-1]
            print(f"time({hi})/time({lo}) = {walls[hi] / walls[lo]:.2f} for {hi / lo:.1f}x the articles")
        shown = ", ".join(f"{c:.2f}x" for c in checks)
        print(f"two processes against one on this machine, before the first run and after each: {shown}")
        if args.meter and (args.data / "meter").exists():
            records = tmp / "meter.jsonl"
            write_meter(records, args.data)
            show("METER dev", run_child([records], tmp / "meter.db", tmp / "out-meter", args.lexical))


if __name__ == "__main__":
    main()
