"""Two commits side by side: the same outputs, and ``bench/speed/analyze_speed.py`` run in turn under the same load.

    OMP_NUM_THREADS=1 .venv/bin/python bench/experiments/analyze_ab.py OLD NEW [--rounds 2] [--size 10000] [--rerun 100]
        [--same 10000] [--cli-rounds 0] [--rerun-rounds 0] [--data ../shared/data]

The machines are shared: a run's wall time moves by 10-20 % with what else is
running, so two commits measured an hour apart cannot be compared. Here each
commit is checked out into a temporary git worktree and their runs alternate
(OLD, NEW, OLD, NEW...), so that both meet the same load; this checkout's
virtual environment runs both (``PYTHONPATH`` points at the worktree's
``src``), and each runs its own ``bench/speed/analyze_speed.py``.

First (``--same N``, 0 to skip) ``storytrace analyze`` runs once per commit on
the first N non-empty Reuters-21578 bodies, and the two ``stories.json`` are
compared: byte for byte, and as the documents they parse to (their layout may
differ), and the two ``report.html`` but for the time in their
header, and each commit's store size is printed. Then the rounds. Printed: each run's summary and CPU line, then per
commit the median wall time, docs/s and CPU seconds per stage, and NEW's
medians as a share of OLD's.

``--cli-rounds K`` then times the command itself, as a user meets it: per
commit in turn, ``storytrace analyze`` on the first ``--size`` bodies into a
fresh folder, then again on those and the next ``--rerun`` (with ``--rerun 0``, on
those alone: what a re-run costs when nothing is new; start-up,
progress bars, the files written and the summary printed included; its
output goes to a file), and with new articles once more with nothing new.
Printed: each round's wall times, their medians and the re-runs' shares of
the first run.

``--rerun-rounds K`` times the command's re-runs alone, many times for the
cost of one first run: each commit's store from ``--same`` (the first N
bodies, its first run timed) is copied afresh K times, in turn with the other
commit's, and ``storytrace analyze`` runs on the N bodies and the next
``--rerun``, then once more with nothing new. A re-run takes a few seconds, so
one round moves with the load of the moment more than a first run does: here
the medians of K of them are printed, with their shares of the first run.
Exits 0 with a "skipped" line if the data is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from analyze_speed import DATA, reuters_missing, write_reuters

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
_WALL = re.compile(r"^Reuters (\d+): .* wall ([\d.]+) s")
_CPU = re.compile(r"CPU s per stage: (.*)$")
_HEADER_TIME = re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d UTC")


def worktree(commit: str, folder: Path) -> Path:
    """``commit`` checked out (detached) into ``folder``."""
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(folder), commit],
        check=True,
        capture_output=True,
    )
    return folder


def run_env(tree: Path) -> dict[str, str]:
    """The environment that runs ``tree``'s code with this checkout's interpreter."""
    return {**os.environ, "PYTHONPATH": str(tree / "src"), "OMP_NUM_THREADS": "1"}


def outputs(tree: Path, records: Path, out: Path) -> tuple[str, str, str]:
    """Digests of ``stories.json``, of the document it parses to, and of ``report.html`` (header time blanked)."""
    subprocess.run(
        [PYTHON, "-m", "storytrace", "analyze", str(records), "--out", str(out)],
        env=run_env(tree),
        check=True,
        capture_output=True,
    )
    text = (out / "stories.json").read_bytes()
    stories = hashlib.md5(text).hexdigest()
    parsed = json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False)  # key order and layout aside
    document = hashlib.md5(parsed.encode("utf-8")).hexdigest()
    report = hashlib.md5(_HEADER_TIME.sub(b"", (out / "report.html").read_bytes())).hexdigest()
    return stories, document, report


def cli_run(tree: Path, runs: list[list[Path]], out: Path) -> list[float]:
    """Wall seconds of ``storytrace analyze`` on each of ``runs`` in turn, into ``out`` (fresh for the first)."""
    walls = []
    for paths in runs:
        start = time.perf_counter()
        with (out.parent / f"{out.name}.log").open("a", encoding="utf-8") as log:
            subprocess.run(
                [PYTHON, "-m", "storytrace", "analyze", *map(str, paths), "--out", str(out)],
                env=run_env(tree),
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        walls.append(time.perf_counter() - start)
    return walls


def rerun_rounds(
    trees: dict[str, Path], records: Path, tmp: Path, first_wall: dict[str, float], args: argparse.Namespace
) -> None:
    """Time the command's re-runs on copies of each commit's first-run folder, the commits in turn (see above)."""
    more = tmp / "rerun-more.jsonl"
    write_reuters(more, args.same, args.rerun, args.data)
    timed: dict[str, list[list[float]]] = {name: [] for name in trees}
    for r in range(args.rerun_rounds):
        for name, tree in trees.items():
            copy = tmp / f"rerun-{name}"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(tmp / f"out-{name}", copy)
            timed[name].append(cli_run(tree, [[records, more], [records, more]], copy))
            shutil.rmtree(copy)
        shown = "; ".join(f"{n} {t[-1][0]:.1f} s, {t[-1][1]:.1f} s" for n, t in timed.items())
        print(f"== re-run round {r + 1}: {shown}", flush=True)
    for name in trees:
        again = statistics.median(t[0] for t in timed[name])
        still = statistics.median(t[1] for t in timed[name])
        once = first_wall[name]
        print(
            f"{name}: first run {once:.1f} s (once); re-run with {args.rerun} new, median of {args.rerun_rounds}: "
            f"{again:.1f} s ({again / once:.1%}), then with nothing new {still:.1f} s ({still / once:.1%})"
        )


def store_size(db: Path) -> str:
    """The store's size, and its embedding cache's rows and pages where SQLite has the ``dbstat`` table."""
    line = f"{db.stat().st_size / 1e6:.0f} MB"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*), coalesce(sum(length(vector)), 0) FROM embeddings").fetchone()
        line += f"; embeddings: {rows[0]:,} vectors, {rows[1] / 1e6:.0f} MB of vectors"
        try:
            pages = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'embeddings'").fetchone()[0] or 0
            line += f" in {pages / 1e6:.0f} MB of pages"
        except sqlite3.OperationalError:
            pass  # built without dbstat
    return line


def speed_script(tree: Path) -> Path:
    """``tree``'s ``analyze_speed.py``: in ``bench/speed/``, or in ``bench/`` in commits before the folders."""
    folders = (tree / "bench" / "speed", tree / "bench")
    return next((f / "analyze_speed.py" for f in folders if (f / "analyze_speed.py").exists()), folders[0])


def speed_run(tree: Path, size: int, rerun: int, data: Path) -> tuple[list[str], float | None, dict[str, float]]:
    """One ``analyze_speed.py`` run of ``tree``: its summary lines, the first run's wall seconds and stage CPU."""
    script = speed_script(tree)
    cmd = [
        PYTHON,
        str(script),
        "--sizes",
        str(size),
        "--no-meter",
        "--rerun",
        str(rerun),
        "--data",
        str(data),
    ]
    # A version that knows --long-form runs the command 3 times on both workloads by default; both commits
    # get one in-process run of the Reuters workload, as a version without it runs by default.
    if "--long-form" in script.read_text(encoding="utf-8"):
        cmd += ["--mode", "inprocess", "--runs", "1", "--no-long-form"]
    done = subprocess.run(cmd, env=run_env(tree), check=True, capture_output=True, text=True, cwd=tree)
    lines = [
        ln
        for ln in done.stdout.splitlines()
        if _WALL.match(ln) or "CPU s per stage" in ln or "re-run /" in ln or "the same" in ln
    ]
    wall: float | None = None
    cpu: dict[str, float] = {}
    for ln in done.stdout.splitlines():
        if wall is None and (m := _WALL.match(ln)):
            wall = float(m.group(2))
        elif not cpu and (m := _CPU.search(ln)):
            parts = m.group(1).split()
            cpu = {parts[k]: float(parts[k + 1]) for k in range(0, len(parts) - 1, 2)}
    return lines, wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--size", type=int, default=10_000, help="Reuters bodies for analyze_speed.py")
    parser.add_argument("--rerun", type=int, default=100, help="new articles for the re-run (0: none)")
    parser.add_argument("--same", type=int, default=10_000, help="bodies for the output comparison (0: skip)")
    parser.add_argument("--cli-rounds", type=int, default=0, help="rounds timing the command itself (see above)")
    parser.add_argument("--rerun-rounds", type=int, default=0, help="re-runs timed on --same's stores (see above)")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    if reuters_missing(args.data):
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        trees = {"old": worktree(args.old, tmp / "old"), "new": worktree(args.new, tmp / "new")}
        try:
            if args.same:
                records = tmp / "reuters.jsonl"
                write_reuters(records, 0, args.same, args.data)
                found, first_wall = {}, {}
                for name, tree in trees.items():
                    start = time.perf_counter()
                    found[name] = outputs(tree, records, tmp / f"out-{name}")
                    first_wall[name] = time.perf_counter() - start
                for what, k in (
                    ("stories.json", 0),
                    ("the document it parses to", 1),
                    ("report.html (header time aside)", 2),
                ):
                    same = found["old"][k] == found["new"][k]
                    print(f"{what} of the first {args.same} bodies: {'identical' if same else 'DIFFERENT'}")
                for name in trees:
                    print(
                        f"store of {name} ({getattr(args, name)}): {store_size(tmp / f'out-{name}' / 'storytrace.db')}"
                    )
                if args.rerun_rounds:
                    rerun_rounds(trees, records, tmp, first_wall, args)
            walls: dict[str, list[float]] = {"old": [], "new": []}
            cpus: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
            for r in range(args.rounds):
                for name, tree in trees.items():
                    lines, wall, cpu = speed_run(tree, args.size, args.rerun, args.data)
                    print(f"== {name} ({getattr(args, name)}), round {r + 1}")
                    print("\n".join(lines), flush=True)
                    if wall is not None:
                        walls[name].append(wall)
                        cpus[name].append(cpu)
            for name in trees:
                if not walls[name]:
                    continue
                wall = statistics.median(walls[name])
                stages = {s: statistics.median(c.get(s, 0.0) for c in cpus[name]) for s in cpus[name][0]}
                cpu_line = "  ".join(f"{s} {v:.1f}" for s, v in stages.items())
                print(f"{name}: median wall {wall:.1f} s ({args.size / wall:.0f} docs/s); median CPU s: {cpu_line}")
            if walls["old"] and walls["new"]:
                ratio = statistics.median(walls["new"]) / statistics.median(walls["old"])
                print(f"new / old median wall: {ratio:.2f}")
            if args.cli_rounds:
                first, more = tmp / "cli-first.jsonl", tmp / "cli-more.jsonl"
                write_reuters(first, 0, args.size, args.data)
                write_reuters(more, args.size, args.rerun, args.data)
                # The first run, the re-run with the new articles, then (with new ones) a re-run with nothing new.
                runs = [[first], [first, more], [first, more]] if args.rerun else [[first], [first]]
                timed: dict[str, list[list[float]]] = {"old": [], "new": []}
                for r in range(args.cli_rounds):
                    for name, tree in trees.items():
                        out = tmp / f"cli-{name}-{r}"
                        times = cli_run(tree, runs, out)
                        subprocess.run(["rm", "-rf", str(out)], check=True)
                        timed[name].append(times)
                        shown = ", ".join(f"{w:.1f} s" for w in times[1:])
                        print(f"== {name}, command round {r + 1}: first {times[0]:.1f} s, re-runs {shown}")
                for name in trees:
                    once = statistics.median(t[0] for t in timed[name])
                    again = statistics.median(t[1] for t in timed[name])
                    line = (
                        f"{name}: storytrace analyze, median first {once:.1f} s ({args.size / once:.0f} docs/s), "
                        f"re-run with {args.rerun} new {again:.1f} s ({again / once:.1%} of the first)"
                    )
                    if args.rerun:
                        still = statistics.median(t[2] for t in timed[name])
                        line += f", then with nothing new {still:.1f} s ({still / once:.1%})"
                    print(line)
        finally:
            for tree in trees.values():
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True
                )


if __name__ == "__main__":
    main()
