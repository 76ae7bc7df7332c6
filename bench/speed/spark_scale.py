"""The Spark engine on Reuters-21578: local[1] against local[2] on the same data, and against in-process.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python bench/speed/spark_scale.py [--n 2000] [--repeat 1] [--json FILE]
[--conf K=V]``

Reads the first N non-empty bodies of ``../shared/data/reuters21578`` as
``bench/speed/analyze_speed.py`` writes them (id ``reuters-NEWID``, title, body as
text, source Reuters, kind ``agency``, the date as ``published``) into one JSON Lines
file, then times on that same file:

* ``storytrace batch`` on ``local[1]`` and on ``local[2]`` (each a fresh
  SparkSession and output folder; the session's start is timed apart), with
  per-stage wall time, Spark jobs (``jobs``: each a fixed cost of scheduling
  on the driver), CPU time of the tasks, shuffle bytes written, stage
  data written, the peak memory of the JVM and of the Python workers, and
  the CPU seconds of all the run's processes (driver, JVM, Python workers):
  over the wall time, the cores kept busy. In local mode a task slot is not
  a core: while a task's Python worker cleans or aligns, the JVM reads,
  sorts and encodes Arrow and Parquet beside it, so ``local[1]`` already
  keeps more than one core busy in part of its stages;
* the in-process ``analyze`` (lexical, fresh store) as the reference, whose
  story partition the Spark run's is scored against (B³).

A run on the first 300 records, not counted, warms the machine up first
(the first Spark run of a process pays for cold caches: a third more wall
time). Each round (``--repeat``) runs local[1] and local[2], in turns first,
then in-process, one after the other, between two measures of how much of a second core the machine
leaves free (``machine_ceiling``: two processes against one on the same
pure-Python work; 2.0 on two idle cores, less when other jobs share them).
Prints the figures (medians over rounds) and the speed-up local[1] / local[2]
of each round; ``--json`` keeps them for docs/spark.md. Exits 0 with a
"skipped" line if the data is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy, and inherited by Spark's JVM and Python workers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from _machine import machine_ceiling
from analyze_speed import reuters_missing, write_reuters
from cluster_quality import score
from storytrace.cli.batch import spark_conf
from storytrace.errors import UsageError
from storytrace.pipeline import analyze
from storytrace.spark.batch import BatchOptions
from storytrace.spark.run import run_batch
from storytrace.spark.session import session
from storytrace.store import Store
from support.paths import DATA  # the shared datasets folder (--data)


def write_records(n: int, out: Path, data: Path = DATA) -> int:
    """The first ``n`` non-empty Reuters bodies as JSON Lines records (``analyze_speed``'s, so the same ids)."""
    return write_reuters(out, 0, n, data)


class PeakMemory:
    """Peak resident memory of the JVM and of the largest Spark Python worker, sampled twice a second."""

    def __init__(self) -> None:
        self.jvm = 0
        self.python = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            for folder, kind in spark_processes():
                try:
                    rss = _rss_kb(folder / "status")
                except OSError:
                    continue
                if kind == "jvm":
                    self.jvm = max(self.jvm, rss)
                else:
                    self.python = max(self.python, rss)


def spark_processes() -> Iterator[tuple[Path, str]]:
    """The ``/proc`` folders of Spark's JVM (``"jvm"``) and of its Python daemon and workers (``"python"``)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            cmd = cmdline.read_bytes()
        except OSError:
            continue
        if b"java" in cmd and b"pyspark-shell" in cmd:
            yield cmdline.parent, "jvm"
        elif b"pyspark" in cmd and (b"daemon" in cmd or b"worker" in cmd):
            yield cmdline.parent, "python"


def spark_cpu_seconds() -> float:
    """CPU seconds used so far by this process, Spark's JVM and its Python workers (with their ended children)."""
    tick = os.sysconf("SC_CLK_TCK")
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    for folder, _ in spark_processes():
        try:
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
    return total


def _rss_kb(status: Path) -> int:
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def stage_metrics(spark: Any) -> dict[str, dict[str, float]]:
    """Per batch stage: tasks' run and CPU seconds, shuffle bytes written, bytes written (Spark's REST API)."""
    url, app = spark.sparkContext.uiWebUrl, spark.sparkContext.applicationId
    if not url:
        return {}
    base = f"{url}/api/v1/applications/{app}"
    jobs = json.load(urllib.request.urlopen(f"{base}/jobs"))
    stages = {s["stageId"]: s for s in json.load(urllib.request.urlopen(f"{base}/stages"))}
    out: dict[str, dict[str, float]] = {}
    for job in jobs:
        group = job.get("jobGroup") or ""
        if not group.startswith("storytrace:"):
            continue
        figures = out.setdefault(group.split(":", 1)[1], {"task_s": 0, "cpu_s": 0, "shuffle_mb": 0, "written_mb": 0})
        for stage_id in job["stageIds"]:
            s = stages.pop(stage_id, None)
            if s is None:
                continue
            figures["task_s"] += s.get("executorRunTime", 0) / 1000
            figures["cpu_s"] += s.get("executorCpuTime", 0) / 1e9
            figures["shuffle_mb"] += s.get("shuffleWriteBytes", 0) / 2**20
            figures["written_mb"] += s.get("outputBytes", 0) / 2**20
    return out


@contextmanager
def timed_session(master: str, extra: dict[str, str] | None = None) -> Iterator[tuple[Any, float]]:
    t0 = time.perf_counter()
    conf = {"spark.ui.showConsoleProgress": "false", "spark.ui.enabled": "true", **(extra or {})}
    with session(master=master, conf=conf) as spark:
        spark.range(1).count()  # the JVM and the first job are up
        yield spark, time.perf_counter() - t0


def run_spark(master: str, records: Path, out: Path, extra: dict[str, str] | None = None) -> dict[str, Any]:
    with timed_session(master, extra) as (spark, started), PeakMemory() as memory:
        t0, cpu0 = time.perf_counter(), spark_cpu_seconds()
        result = run_batch(spark, BatchOptions(input=str(records), out=str(out)))
        wall, cpu = time.perf_counter() - t0, spark_cpu_seconds() - cpu0
        metrics = stage_metrics(spark)
    stages = {s.stage: {**s.figures, **metrics.get(s.stage, {})} for s in result.stages}
    return {
        "master": master,
        "session_s": started,
        "wall_s": wall,
        "cpu_s": cpu,  # all processes of the run: the driver, the JVM, the Python workers
        "stages": stages,
        "jobs": sum(int(s.figures.get("jobs", 0)) for s in result.stages),  # Spark jobs of all stages
        "jvm_peak_mb": memory.jvm / 1024,
        "python_worker_peak_mb": memory.python / 1024,
    }


def spark_partition(out: Path) -> dict[str, str]:
    lines = (out / "articles.jsonl").read_text("utf-8").splitlines()
    return {rec["id"]: rec["story"] for rec in map(json.loads, lines)}


def run_in_process(records: Path, folder: Path) -> tuple[float, dict[str, str]]:
    with Store(folder / "st.db") as store:
        t0 = time.perf_counter()
        result = analyze([records], store)
        wall = time.perf_counter() - t0
    return wall, {a["id"]: a["story"] for a in result.document["articles"]}


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    chosen = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]
    return {**chosen, "wall_runs_s": [round(r["wall_s"], 1) for r in runs]}


def print_run(run: dict[str, Any], n: int) -> None:
    print(
        f"{run['master']}: wall {run['wall_s']:.1f} s ({n / run['wall_s']:.1f} docs/s; runs {run['wall_runs_s']}), "
        f"session start {run['session_s']:.1f} s, {run['jobs']} Spark jobs, peak RSS JVM {run['jvm_peak_mb']:.0f} MB, "
        f"largest Python worker {run['python_worker_peak_mb']:.0f} MB; CPU {run['cpu_s']:.1f} s of all its "
        f"processes ({run['cpu_s'] / run['wall_s']:.2f} cores busy on average)"
    )
    for stage, f in run["stages"].items():
        keep = {k: v for k, v in f.items() if isinstance(v, int | float) and k != "seconds"}
        shown = ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in keep.items())
        print(f"  {stage:<8} {f['seconds']:7.1f} s  {shown}")


def ratios_text(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}x" for v in values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=2000, help="Reuters bodies (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per master; medians are printed")
    parser.add_argument("--masters", default="local[1],local[2]", help="Spark masters, comma-separated")
    parser.add_argument("--no-in-process", action="store_true", help="skip the in-process reference")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting for every run (repeatable)"
    )
    parser.add_argument("--data", type=Path, default=DATA, help="the shared datasets folder (default: %(default)s)")
    args = parser.parse_args()
    if reuters_missing(args.data):
        return 0
    try:
        extra = spark_conf(args.conf)  # as ``storytrace batch --conf`` reads them
    except UsageError as exc:
        parser.error(str(exc))
    figures: dict[str, Any] = {"n": args.n, "cores": os.cpu_count(), "conf": extra}
    if extra:
        print("Spark settings for every run: " + ", ".join(f"{k}={v}" for k, v in extra.items()))
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "reuters.jsonl"
        n = write_records(args.n, records, args.data)
        figures["n"] = n
        figures["input_mb"] = records.stat().st_size / 2**20
        masters = [m.strip() for m in args.masters.split(",") if m.strip()]
        runs: dict[str, list[dict[str, Any]]] = {m: [] for m in masters}
        partitions: dict[str, dict[str, str]] = {}
        ratios, ceilings, walls, expected = [], [], [], {}
        warm = Path(tmp) / "warm-up.jsonl"
        write_records(min(n, 300), warm, args.data)
        run_spark(masters[-1], warm, Path(tmp) / "out-warm-up", extra)  # not counted: the first run pays cold caches
        for k in range(args.repeat):  # one round: the masters, then in-process, close together in time
            ceilings.append(machine_ceiling())
            for master in masters if k % 2 == 0 else masters[::-1]:  # each master goes first in turn
                out = Path(tmp) / f"out-{masters.index(master)}-{k}"
                runs[master].append(run_spark(master, records, out, extra))
                partitions[master] = spark_partition(out)
            if len(masters) == 2:
                ratios.append(runs[masters[0]][-1]["wall_s"] / runs[masters[1]][-1]["wall_s"])
            if not args.no_in_process:
                folder = Path(tmp) / f"in-process-{k}"
                folder.mkdir()
                wall, expected = run_in_process(records, folder)
                walls.append(wall)
            ceilings.append(machine_ceiling())
        figures["spark"] = {m: median_run(r) for m, r in runs.items()}
        for master in masters:
            print_run(figures["spark"][master], n)
        figures["machine_ceiling"] = [round(c, 2) for c in ceilings]
        if ratios:
            figures["speedup"] = statistics.median(ratios)
            figures["speedups"] = [round(r, 2) for r in ratios]
            print(f"speed-up {masters[0]} -> {masters[1]}: {figures['speedup']:.2f}x (rounds: {ratios_text(ratios)})")
            print(f"two processes against one on this machine, before and after each round: {ratios_text(ceilings)}")
        if not args.no_in_process:
            wall = statistics.median(walls)
            workers = os.environ.get("STORYTRACE_WORKERS") or str(os.cpu_count())
            figures["in_process"] = {"wall_s": wall, "workers": workers, "wall_runs_s": [round(w, 1) for w in walls]}
            print(f"in-process analyze ({workers} workers): wall {wall:.1f} s ({n / wall:.1f} docs/s)")
            for master, got in partitions.items():
                ids = sorted(expected)
                b3 = score([got[i] for i in ids], [expected[i] for i in ids]).b3_f1
                figures["spark"][master]["b3_vs_in_process"] = b3
                print(f"{master} against in-process: B3-F1 {b3:.4f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
