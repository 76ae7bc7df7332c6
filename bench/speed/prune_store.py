"""What ``storytrace prune`` gives back: a store's size before and after, and what a run after it re-uses.

Run: ``.venv/bin/python bench/speed/prune_store.py [--size 10000] [--rerun 100] [--data ../shared/data]``

The command itself, in fresh child processes, on the first ``--size``
non-empty Reuters-21578 bodies (read from ``../shared/data``, never copied):

1. ``analyze`` on them; then ``analyze`` on them and the next ``--rerun``:
   the stories the newcomers joined leave their old results and renderings behind;
   ``prune``.
2. ``analyze --lexical`` on the same files: other settings, so every story's
   signature changes, as it does after a storytrace upgrade (the signature
   holds the code's digest), and every old result is left behind; ``prune``.
3. ``analyze --lexical`` once more: every story kept by ``prune`` is re-used,
   so ``stories.json`` must be the same as before ``prune``.

Prints the store's size (file and write-ahead log) before and after each
``prune``, the rows it dropped (its own lines) and its wall time, and whether
the last run wrote the same ``stories.json``. Exits 0 with a "skipped" line if
the data is absent.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from analyze_speed import DATA, reuters_missing, write_reuters

STORYTRACE = [sys.executable, "-m", "storytrace"]


def size_mb(db: Path) -> float:
    """The store's megabytes on disk: the file and its write-ahead log."""
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists()) / 1e6


def command(*args: str) -> tuple[float, str]:
    """Run ``storytrace ARGS``; its wall seconds and output (stopping the bench if it fails)."""
    start = time.perf_counter()
    done = subprocess.run([*STORYTRACE, *args], capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    if done.returncode != 0:
        sys.exit(f"storytrace {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    return time.perf_counter() - start, done.stdout


def pruned(db: Path, what: str) -> None:
    """``prune`` the store, printing its size before and after, the command's lines and its wall time."""
    before = size_mb(db)
    wall, said = command("prune", "--db", str(db))
    lines = "; ".join(line.strip() for line in said.splitlines() if line.strip())
    print(f"{what}: {before:.1f} MB -> {size_mb(db):.1f} MB in {wall:.1f} s ({lines})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rerun", type=int, default=100)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    if reuters_missing(args.data):
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        first, more, out = tmp / "first.jsonl", tmp / "more.jsonl", tmp / "out"
        write_reuters(first, 0, args.size, args.data)
        write_reuters(more, args.size, args.rerun, args.data)
        db = out / "storytrace.db"
        both = [str(first), str(more), "--out", str(out)]
        wall, _ = command("analyze", str(first), "--out", str(out))
        print(f"analyze, {args.size} bodies: {wall:.1f} s, store {size_mb(db):.1f} MB", flush=True)
        wall, _ = command("analyze", *both)
        print(f"analyze with {args.rerun} more: {wall:.1f} s, store {size_mb(db):.1f} MB", flush=True)
        pruned(db, "prune after the grown stories")
        wall, _ = command("analyze", *both, "--lexical")
        print(f"analyze --lexical (every story anew): {wall:.1f} s, store {size_mb(db):.1f} MB", flush=True)
        written = (out / "stories.json").read_bytes()
        pruned(db, "prune after every story changed its signature")
        wall, _ = command("analyze", *both, "--lexical")
        same = (out / "stories.json").read_bytes() == written
        print(f"analyze --lexical after prune: {wall:.1f} s, stories.json {'identical' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
