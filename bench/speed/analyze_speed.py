"""The whole ``analyze`` at speed: docs/s, words/s, seconds per stage, peak RSS, growth with corpus size.

Run: ``.venv/bin/python bench/speed/analyze_speed.py [--sizes 5000,10000] [--long-form] [--meter] [--rerun 100]
[--lexical] [--runs 3] [--mode cli|console|inprocess]``

Every stage is on, as ``storytrace analyze`` runs them: ingest into a fresh
SQLite store, near-duplicate collapse and streaming story assignment, clean
and segment, alignment of every story's pairs, provenance, the fact
comparison, the ``stories.json`` document, the store's saved analysis and the
HTML report (each story's rendering kept in the store, as the command does).
With ``--lexical`` the semantic layer is off, as ``analyze --lexical``; else its embedder is the
default (the static table) or the one ``STORYTRACE_EMBEDDER`` names.

How a run is measured (``--mode``):

- ``cli`` (the default): the command as a user runs it, ``storytrace analyze
  RECORDS --out OUT --db DB`` in a fresh process with this process's
  environment as it is (nothing set: no ``OMP_NUM_THREADS``), its output to a
  file. The process runs ``storytrace.cli.main`` itself; the one thing added
  is a recorder of the stage times the command already keeps (passed as
  ``pipeline.analyze``'s ``times``), for the per-stage and per-story figures.
  Wall time is taken around the process (start-up and imports included); CPU
  and peak RSS are the operating system's figures for the process and every
  process it started (``wait4``: CPU summed, RSS of the largest one).
- ``console``: the ``storytrace`` console script itself, nothing added (no
  stage or per-story figures: wall, CPU, peak RSS, docs/s, words/s).
- ``inprocess``: the pipeline's functions called in a child process, as this
  bench did before; ``OMP_NUM_THREADS`` is set to 1 unless already set.

Workloads (read from ``../shared/data``, never copied): the first N non-empty
Reuters-21578 bodies in NEWID order with their titles and dates (agency
copy); the long-form workload, Giveme5W1H's development articles and METER's
development half (PA copy and newspaper articles) as one dated input (1,095
real articles, 401k words, a median of 298 words; 245 + 380 + 470); and with
``--meter`` METER's development half alone. ``--rerun K`` then runs
``analyze`` again on the same store over the same input plus the next K
Reuters bodies, as a user re-runs it on a folder that grew: stories whose
members did not change come from the store. On the long-form workload it
runs the input without K of its articles (every Nth) into a fresh store, then
again with them, and divides that second run's wall by the whole input's first.

Each workload is run ``--runs`` times (3 by default), each time into a fresh
store, one run at a time; with more than one, each run gets one line and the
run of the median wall time is shown in full, under the medians of wall,
docs/s, words/s and peak RSS. Printed per run: docs/s, words/s, peak RSS, CPU
(all processes in ``cli`` mode, the main process in ``inprocess``), seconds
per stage, and per story size (stories bucketed by member count) the CPU per
story and per compared pair and the mean words per article; then the ratio
time(largest N)/time(smallest N), and how much faster two processes did the
same pure-Python work than one, before the first run and after each (2.0 on
two idle cores; less when other jobs share them, which the wall times then
carry too). "ahead" is the CPU of the helper process that computes sentence
vectors and facts while the main process clusters (``storytrace.ahead``;
``STORYTRACE_AHEAD=0`` runs without it).
``--profile FILE`` writes a cProfile of each run's main process (``analyze``
and the report) to FILE (the last run's stays; ``--mode inprocess`` only); with ``STORYTRACE_WORKERS=1`` the
per-story work stays in that process and shows in the profile (and with ``STORYTRACE_AHEAD=0`` the facts too).
Exits 0 with a "skipped" line if the data is absent.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support
from _machine import machine_ceiling
from storytrace.ingest import read_paths
from storytrace.model import Article
from storytrace.pipeline import AnalysisOptions
from storytrace.semantic.embed import EMBEDDERS
from support.paths import DATA

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
    from _data import load_meter_newspapers, load_meter_pa

    pa = load_meter_pa(data)
    papers = load_meter_newspapers(data)
    with out.open("w", encoding="utf-8") as fh:
        for art in [p.article for p in pa.values()] + [m.article for m in papers]:
            row = {"id": art.id, "text": art.text, "source": art.source, "published": art.published, "kind": art.kind}
            fh.write(json.dumps(row) + "\n")
    return len(pa) + len(papers)


def long_form_missing(data: Path = DATA) -> bool:
    """True, after printing a "skipped" line, when ``data`` lacks Giveme5W1H's or METER's development files."""
    from _data import GIVEME_FILE, METER_NEWSPAPERS, METER_PA, missing

    absent = missing(data, GIVEME_FILE, METER_PA, METER_NEWSPAPERS)
    if absent is not None:
        print(f"skipped: the long-form workload: {absent} not found")
    return absent is not None


def write_long_form(out: Path, data: Path = DATA) -> int:
    """The long-form workload into ``out``: Giveme5W1H's development articles, then METER's development half.

    One JSON-lines input of real, dated articles (titles, URLs and outlets where the corpus gives them).
    """
    from _data import load_giveme, load_meter_newspapers, load_meter_pa

    articles = [g.article for g in load_giveme(data)]
    articles += [p.article for p in load_meter_pa(data).values()] + [m.article for m in load_meter_newspapers(data)]
    with out.open("w", encoding="utf-8") as fh:
        for art in articles:
            row = {"id": art.id, "title": art.title, "url": art.url, "text": art.text, "source": art.source}
            row |= {"published": art.published, "kind": art.kind}
            fh.write(json.dumps({k: v for k, v in row.items() if v is not None}) + "\n")
    return len(articles)


def words_by_id(records: list[Path]) -> dict[str, int]:
    """The words (whitespace-separated) of each record's text, by record id."""
    out = {}
    for path in records:
        for line in path.open(encoding="utf-8"):
            if line.strip():
                rec = json.loads(line)
                out[str(rec["id"])] = len(rec["text"].split())
    return out


def child(records: list[Path], db: Path, out_dir: Path, lexical: bool) -> dict[str, Any]:
    """One ``analyze`` in this process, as the command runs it; its figures."""
    from rich.console import Console

    from storytrace.cli.analysis import print_story_table
    from storytrace.pipeline import StageTimes, analyze, build_report, write_outputs
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
        result = analyze(records, store, AnalysisOptions(embedder=embedder, times=times, render=True))
        if profiler is not None:
            profiler.disable()
        with times.stage("report"):  # what the command does after ``analyze``: the same functions
            if profiler is not None:
                profiler.enable()
            out_dir.mkdir(parents=True, exist_ok=True)
            write_outputs(result, build_report(result, store, out_dir=out_dir), out_dir)  # as the command does
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


# The workloads shown, each with the figures of its median-wall run.
Table = list[tuple[str, dict[str, Any]]]

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


def bucket_label(size: int) -> str:
    """The ``SIZE_BUCKETS`` label of a story of ``size`` articles."""
    for lo, hi in SIZE_BUCKETS:
        if lo <= size <= hi:
            return f"{lo}" if lo == hi else (f"{lo}-{hi}" if hi < 10**9 else f"{lo}+")
    return "?"


def document_figures(out_dir: Path, words: dict[str, int]) -> dict[str, Any]:
    """What the run's ``stories.json`` says: stories, the largest, pairs aligned, mean words per article by size."""
    stories = json.loads((out_dir / "stories.json").read_text(encoding="utf-8"))["stories"]
    sizes = sorted((len(s["articles"]) for s in stories), reverse=True)
    counts: dict[str, list[int]] = {}
    for story in stories:
        counts.setdefault(bucket_label(len(story["articles"])), []).extend(words.get(a, 0) for a in story["articles"])
    return {
        "stories": len(sizes),
        "largest": sizes[0] if sizes else 0,
        "pairs": sum(len(s["pairs"]) for s in stories),
        "words_by_size": {label: sum(w) / len(w) for label, w in counts.items() if w},
    }


def run_child(records: list[Path], db: Path, out_dir: Path, lexical: bool) -> dict[str, Any]:
    """``--mode inprocess``: the pipeline's functions in a child process of this script (``child``)."""
    cmd = [sys.executable, __file__, "--child", ",".join(map(str, records)), str(db), str(out_dir)]
    cmd += ["--lexical"] if lexical else []
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode:
        sys.exit(f"analyze failed on {records}:\n{done.stderr[-3000:]}")
    fig = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    fig["cpu_scope"] = "main-process CPU"
    return fig


def measured(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> tuple[int, float, float, float]:
    """Run ``cmd`` (output to ``log``, environment ``env`` or this one): status, wall s, CPU s, peak RSS MB.

    ``wait4`` gives the process's own figures and those of every descendant it waited for: the CPU summed,
    the RSS of the largest one (Linux ``ru_maxrss``).
    """
    t0 = time.perf_counter()
    with log.open("w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def storytrace_command() -> list[str]:
    """The ``storytrace`` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "storytrace"
    return [str(script)] if script.exists() else [sys.executable, "-m", "storytrace"]


def run_cli(records: list[Path], db: Path, out_dir: Path, lexical: bool, console: bool = False) -> dict[str, Any]:
    """``storytrace analyze`` in a fresh process with this environment as it is: its figures.

    ``console``: the console script itself (no stage figures); else ``_as_cli.py``, the same command with
    the stage times it keeps recorded.
    """
    stats = out_dir.with_suffix(".stats.json")
    args = ["analyze", *map(str, records), "--out", str(out_dir), "--db", str(db)] + (["--lexical"] if lexical else [])
    shim = [sys.executable, str(_support.BENCH / "_as_cli.py"), str(stats)]
    cmd = storytrace_command() + args if console else shim + args
    log = out_dir.with_suffix(".log")
    status, wall, cpu, rss = measured(cmd, log)
    if status not in (0, 1) or not (out_dir / "stories.json").exists():
        sys.exit(f"storytrace analyze exited {status} on {records}:\n{log.read_text(encoding='utf-8')[-3000:]}")
    recorded = json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else {}
    return {
        "articles": sum(1 for path in records for line in path.open(encoding="utf-8") if line.strip()),
        "wall": wall,
        "stages": recorded.get("stages", {}),
        "cpu": recorded.get("cpu", {}),
        "cpu_total": cpu,
        "cpu_scope": "CPU of all its processes",
        "by_size": by_story_size([tuple(s) for s in recorded.get("stories", [])]),
        "peak_rss_mb": rss,
        "status": status,
    }


def run_once(mode: str, records: list[Path], db: Path, out_dir: Path, lexical: bool) -> dict[str, Any]:
    """One ``analyze`` measured in ``mode`` ("cli", "console" or "inprocess"), with the document's figures."""
    if mode == "inprocess":
        fig = run_child(records, db, out_dir, lexical)
    else:
        fig = run_cli(records, db, out_dir, lexical, console=mode == "console")
    words = words_by_id(records)
    fig["words"] = sum(words.values())
    fig.update(document_figures(out_dir, words))
    return fig


def one_line(fig: dict[str, Any]) -> str:
    """A run in one line: wall, docs/s, words/s, pairs, peak RSS, CPU."""
    return (
        f"wall {fig['wall']:.1f} s  {fig['articles'] / fig['wall']:.0f} docs/s  {fig['words'] / fig['wall']:.0f} "
        f"words/s  pairs {fig['pairs']}  peak RSS {fig['peak_rss_mb']:.0f} MB  "
        f"{fig['cpu_scope']} {fig['cpu_total']:.1f} s ({fig['articles'] / fig['cpu_total']:.0f} docs per CPU s)"
    )


def show(label: str, fig: dict[str, Any]) -> None:
    stages = "  ".join(f"{s} {fig['stages'].get(s, 0.0):.1f}" for s in STAGES if s in fig["stages"])
    cpu = "  ".join(f"{s} {fig['cpu'].get(s, 0.0):.1f}" for s in STAGES if s in fig["cpu"])
    print(
        f"{label}: {fig['articles']} articles  wall {fig['wall']:.1f} s  {fig['articles'] / fig['wall']:.0f} docs/s  "
        f"{fig['words'] / fig['wall']:.0f} words/s  stories {fig['stories']}  largest {fig['largest']}  "
        f"pairs {fig['pairs']}  peak RSS {fig['peak_rss_mb']:.0f} MB  {fig['cpu_scope']} {fig['cpu_total']:.1f} s "
        f"({fig['articles'] / fig['cpu_total']:.0f} docs per CPU s)",
        flush=True,
    )
    if stages:
        print(f"    wall s per stage (per-story stages: summed over the workers): {stages}\n    CPU s per stage: {cpu}")
        print(budget_line(fig))
    words = fig.get("words_by_size", {})
    for label, stories, pairs, cpu_s, per_story, per_pair in fig.get("by_size", []):
        print(
            f"    stories of {label:>5} articles: {stories:5d} stories  {pairs:6d} pairs  CPU {cpu_s:6.1f} s  "
            f"{per_story:7.1f} ms/story  {per_pair:5.1f} ms/pair  {words.get(label, 0):5.0f} words/article"
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
    whole = 1000 * fig["cpu_total"] / n
    return (
        f"    CPU ms per article: {shown}  (all stages {total:.2f}, {fig['cpu_scope']} {whole:.2f}); "
        f"{TARGET_DOCS_PER_SECOND} docs/s on {cores} cores allows {cores * 1000 / TARGET_DOCS_PER_SECOND:.2f} in all "
        f"and {1000 / TARGET_DOCS_PER_SECOND:.2f} in the main process"
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


def summarise(label: str, figs: list[dict[str, Any]]) -> dict[str, Any]:
    """Show the runs of one workload: in full if one, else a line each and the median-wall run in full."""
    if len(figs) == 1:
        show(label, figs[0])
        return figs[0]
    middle = sorted(figs, key=lambda f: f["wall"])[(len(figs) - 1) // 2]
    rates = [(f["articles"] / f["wall"], f["words"] / f["wall"]) for f in figs]
    walls = ", ".join(f"{f['wall']:.1f}" for f in figs)
    print(
        f"{label}, median of {len(figs)} runs: wall {median([f['wall'] for f in figs]):.1f} s  "
        f"{median([r[0] for r in rates]):.0f} docs/s  {median([r[1] for r in rates]):.0f} words/s  "
        f"peak RSS {median([f['peak_rss_mb'] for f in figs]):.0f} MB  (walls {walls})"
    )
    show(f"  the run of the median wall ({label})", middle)
    return middle


def timed_runs(label: str, records: list[Path], tmp: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """``args.runs`` runs of ``records``, each into a fresh store, a line printed as each ends."""
    figs = []
    for k in range(args.runs):
        stem = tmp / f"{label.replace(' ', '-')}-{k}"
        fig = run_once(args.mode, records, stem.with_suffix(".db"), stem, args.lexical)
        fig["db"], fig["out"] = stem.with_suffix(".db"), stem
        figs.append(fig)
        if args.runs > 1:
            print(f"  {label} run {k + 1}/{args.runs}: {one_line(fig)}", flush=True)
    return figs


def reuters(args: argparse.Namespace, tmp: Path, checks: list[float], table: Table) -> None:
    """The Reuters sizes, the re-run on the largest, the growth ratio."""
    sizes = [int(s) for s in args.sizes.split(",") if s]
    walls: dict[int, float] = {}
    for n in sizes:
        records = tmp / f"reuters-{n}.jsonl"
        write_reuters(records, 0, n, args.data)
        figs = timed_runs(f"Reuters {n}", [records], tmp, args)
        checks.append(machine_ceiling())
        table.append((f"Reuters {n}", summarise(f"Reuters {n}", figs)))
        walls[n] = median([f["wall"] for f in figs])
        if args.rerun and n == sizes[-1]:
            rerun(args, tmp, records, figs)
            checks.append(machine_ceiling())
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        print(f"time({hi})/time({lo}) = {walls[hi] / walls[lo]:.2f} for {hi / lo:.1f}x the articles (median walls)")


def rerun(args: argparse.Namespace, tmp: Path, records: Path, firsts: list[dict[str, Any]]) -> None:
    """Each first run's store again, over the same input and the next ``args.rerun`` bodies."""
    n = firsts[0]["articles"]
    more = tmp / "more.jsonl"
    write_reuters(more, n, args.rerun, args.data)
    agains = []
    for k, first in enumerate(firsts):
        # The same store and the same --out folder, as a user re-runs it: unchanged story pages stay as they are.
        again = run_once(args.mode, [records, more], first["db"], first["out"], args.lexical)
        agains.append(again)
        if len(firsts) > 1:
            print(f"  re-run {k + 1}/{len(firsts)}: {one_line(again)}  ({again['wall'] / first['wall']:.1%})")
    summarise(f"  the same {n} + {args.rerun} new, on that store", agains)
    shares = [a["wall"] / f["wall"] for a, f in zip(agains, firsts, strict=True)]
    print(f"  re-run / first run: {median(shares):.1%}" + (" (median)" if len(shares) > 1 else ""))


def long_form(args: argparse.Namespace, tmp: Path, checks: list[float], table: Table) -> None:
    """The long-form workload: Giveme5W1H and METER development texts as one dated input."""
    if long_form_missing(args.data):
        return
    records = tmp / "long-form.jsonl"
    n = write_long_form(records, args.data)
    figs = timed_runs("long-form", [records], tmp, args)
    checks.append(machine_ceiling())
    table.append(("long-form", summarise(f"long-form ({n} Giveme5W1H and METER dev articles)", figs)))
    if args.rerun:
        long_form_rerun(args, tmp, records, figs)
        checks.append(machine_ceiling())


def long_form_rerun(args: argparse.Namespace, tmp: Path, records: Path, firsts: list[dict[str, Any]]) -> None:
    """The long-form input without ``args.rerun`` of its articles (evenly spread), then again with them.

    The second run's wall over the whole input's first run: what adding new articles to a long-form store costs
    (the entity recognition of a grown story's older members is read from the store, not run again).
    """
    lines = records.read_text(encoding="utf-8").splitlines()
    step = max(1, len(lines) // args.rerun)
    held = set(range(step - 1, len(lines), step)[: args.rerun])
    base, new = tmp / "long-form-base.jsonl", tmp / "long-form-new.jsonl"
    base.write_text("".join(line + "\n" for k, line in enumerate(lines) if k not in held), encoding="utf-8")
    new.write_text("".join(lines[k] + "\n" for k in sorted(held)), encoding="utf-8")
    shares = []
    for k, first in enumerate(firsts):
        stem = tmp / f"long-form-grown-{k}"
        run_once(args.mode, [base], stem.with_suffix(".db"), stem, args.lexical)
        again = run_once(args.mode, [base, new], stem.with_suffix(".db"), stem, args.lexical)
        shares.append(again["wall"] / first["wall"])
        print(f"  long-form without {len(held)} articles, then with them: {one_line(again)}")
    print(f"  long-form re-run / first run: {median(shares):.1%}" + (" (median)" if len(shares) > 1 else ""))


def print_table(table: Table) -> None:
    """The workloads side by side: the figures of each one's median-wall run."""
    print("workload         articles    words   wall s  docs/s  words/s  pairs  story CPU ms/pair  peak RSS MB")
    for label, fig in table:
        timed = [row for row in fig.get("by_size", []) if row[2]]
        per_pair = 1000 * sum(r[3] for r in timed) / max(1, sum(r[2] for r in timed)) if timed else float("nan")
        print(
            f"{label:<15} {fig['articles']:9d} {fig['words']:8d} {fig['wall']:8.1f} "
            f"{fig['articles'] / fig['wall']:7.0f} {fig['words'] / fig['wall']:8.0f} {fig['pairs']:6d} "
            f"{per_pair:18.1f} {fig['peak_rss_mb']:12.0f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5000,10000", help="Reuters corpus sizes, comma-separated (empty: none)")
    ap.add_argument("--long-form", action=argparse.BooleanOptionalAction, default=True, help="Giveme5W1H+METER dev")
    ap.add_argument("--meter", action=argparse.BooleanOptionalAction, default=False, help="also METER dev alone")
    ap.add_argument("--rerun", type=int, default=100, help="new articles for the re-run (0: none)")
    ap.add_argument("--lexical", action="store_true", help="without the semantic layer (analyze --lexical)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each workload (the median is shown)")
    ap.add_argument("--mode", choices=("cli", "console", "inprocess"), default="cli", help="how a run is measured")
    ap.add_argument("--profile", type=Path, help="write a cProfile of the (main process of the) last run here")
    ap.add_argument("--data", type=Path, default=DATA, help="the shared datasets folder")
    ap.add_argument("--child", nargs=3, metavar=("RECORDS", "DB", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        paths, db, out_dir = args.child
        print(json.dumps(child([Path(p) for p in paths.split(",")], Path(db), Path(out_dir), args.lexical)))
        return
    if args.sizes and reuters_missing(args.data):
        return
    if args.profile:
        if args.mode != "inprocess":
            ap.error("--profile needs --mode inprocess")
        os.environ["ANALYZE_SPEED_PROFILE"] = str(args.profile.resolve())
    embedder = os.environ.get("STORYTRACE_EMBEDDER") or EMBEDDERS[0]
    what = "lexical" if args.lexical else f"every stage, embedder {embedder}"
    threads = os.environ.get("OMP_NUM_THREADS", "unset" if args.mode != "inprocess" else "1")
    print(f"storytrace analyze ({what}), {os.cpu_count()} cores, mode {args.mode}, OMP_NUM_THREADS {threads}")
    checks = [machine_ceiling()]
    table: Table = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.sizes:
            reuters(args, tmp, checks, table)
        if args.long_form:
            long_form(args, tmp, checks, table)
        if args.meter and (args.data / "meter").exists():
            records = tmp / "meter.jsonl"
            write_meter(records, args.data)
            table.append(("METER dev", summarise("METER dev", timed_runs("METER dev", [records], tmp, args))))
    shown = ", ".join(f"{c:.2f}x" for c in checks)
    print(f"two processes against one on this machine, before the first run and after each workload: {shown}")
    print_table(table)


if __name__ == "__main__":
    main()
