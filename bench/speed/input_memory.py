"""Peak memory of storytrace on big input: bad-input kinds, and ``pairs`` with a 50 MB line.

    PYTHONPATH=src .venv/bin/python bench/speed/input_memory.py [--kind NAME]... [--pairs]

Each case runs the real command in its own process and prints its exit status,
wall time and peak RSS (``VmHWM``, polled every 10 ms, as tests/test_badinput.py
measures it), beside the same command on the good article alone (the imports).

- ``--kind NAME``: a kind of tests/badinput/kinds.py through ``storytrace ingest``
  (e.g. ``--kind "60 MB JSON list"``); without ``--kind`` nor ``--pairs``, that one.
- ``--pairs``: ``storytrace pairs --lexical`` on three lines, the middle one 50 MB.

The figure before a change: the same command with ``PYTHONPATH`` naming the old
checkout's ``src`` (the commands run with the ``PYTHONPATH`` this script gets).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for _support: every bench folder
import _support  # noqa: F401
from badinput.kinds import GOOD_TEXT, KINDS
from test_badinput import BASELINE, prepare, run_ingest, wait_for_peak_rss

PAIRS_LINE_MB = 50


def ingest_kind(name: str, base: Path) -> None:
    """``storytrace ingest`` of one kind, and of the good article alone."""
    for which in (BASELINE, name):
        case, db, home = prepare(which, base / which.replace(" ", "-"))
        run = run_ingest(case, db, home)
        print(f"{which:<28} exit {run.code}  {run.seconds:5.1f} s  peak RSS {run.rss_mb:5.0f} MB")
        for line in [*run.stderr[:8], *run.stdout.strip().splitlines()[-1:]]:
            print(f"{'':<28} {line.replace(str(home), '')[:160]}")


def pairs_big_line(base: Path) -> None:
    """``storytrace pairs --lexical`` on a file whose second line is 50 MB, and on the small lines alone."""
    small = [
        json.dumps({"id": "first", "a": GOOD_TEXT, "b": GOOD_TEXT}),
        json.dumps({"id": "last", "a": "The mayor spoke.", "b": "The mayor said a few words."}),
    ]
    plain = base / "small.jsonl"
    plain.write_text("\n".join(small) + "\n", "utf-8")
    big = base / "big.jsonl"
    with open(big, "w", encoding="utf-8") as fh:
        fh.write(small[0] + '\n{"id": "big", "a": "')
        chunk = (GOOD_TEXT.replace("\n", " ") + " ") * 1000
        while fh.tell() < PAIRS_LINE_MB * 1_000_000:
            fh.write(chunk)
        fh.write('", "b": "x"}\n' + small[1] + "\n")
    for label, path in (("pairs, small lines", plain), (f"pairs, a {PAIRS_LINE_MB} MB line", big)):
        cmd = [sys.executable, "-m", "storytrace", "pairs", str(path), "--lexical", "--out", str(base / "out.jsonl")]
        with tempfile.TemporaryFile() as err:
            start = time.monotonic()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            rss = wait_for_peak_rss(proc)
            seconds = time.monotonic() - start
            err.seek(0)
            lines = err.read().decode("utf-8", "replace").splitlines()
        answered = len((base / "out.jsonl").read_text("utf-8").splitlines()) if (base / "out.jsonl").exists() else 0
        print(f"{label:<28} exit {proc.returncode}  {seconds:5.1f} s  peak RSS {rss:5.0f} MB  ({answered} answered)")
        for line in lines[:3]:
            print(f"{'':<28} {line[:150]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kind", action="append", default=[], choices=sorted(KINDS), metavar="NAME")
    parser.add_argument("--pairs", action="store_true")
    args = parser.parse_args()
    kinds = args.kind or ([] if args.pairs else ["60 MB JSON list"])
    with tempfile.TemporaryDirectory() as tmp:
        for name in kinds:
            ingest_kind(name, Path(tmp) / f"kind{kinds.index(name)}")
        if args.pairs:
            pairs_big_line(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
